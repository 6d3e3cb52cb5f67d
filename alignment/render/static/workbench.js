// The workbench's pages: uploads, the check's progress, and one-click, keyboard-driven review.
// Served as a file (the pages allow no inline script); all text from plans arrives as escaped HTML
// from the server or goes into textContent, never into markup built here.
(function () {
  "use strict";
  var token = (document.querySelector("meta[name=alignment-token]") || {}).content || "";
  var DISTRICTS = ["Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand",
    "Sagene", "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø"];

  function fold(text) {
    return (text || "").toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "o").replace(/å/g, "a").replace(/ü/g, "u")
      .replace(/[_\-.]+/g, " ");
  }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // Coverage bars: widths come as data, since the pages allow no inline style.
  function drawBars(root) {
    all("[data-share]", root).forEach(function (bar) { bar.style.width = bar.getAttribute("data-share") + "%"; });
  }
  drawBars(document);

  // --- uploads ---------------------------------------------------------------------------
  function guessDistrict(fileName) {
    var name = fold(fileName.replace(/\.[^.]*$/, ""));
    var sorted = DISTRICTS.slice().sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < sorted.length; i++) {
      if (name.indexOf(fold(sorted[i])) >= 0) { return "Bydel " + sorted[i]; }
    }
    return "";
  }
  all("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var district = form.querySelector("[data-district]");
    var status = form.querySelector("[data-upload-status]");
    var drop = form.querySelector("[data-drop]");
    input.addEventListener("change", function () {
      if (district && input.files.length && !district.value) { district.value = guessDistrict(input.files[0].name); }
    });
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change"));
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.files.length) { return; }
      status.classList.remove("error");
      status.textContent = "Laster opp og leser planen …";
      fetch("/api/plans", { method: "POST", body: new FormData(form), headers: { "X-Alignment-Token": token } })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (!result.ok) { throw new Error(result.data.error || "Opplastingen mislyktes."); }
          window.location.href = "/planer/" + encodeURIComponent(result.data.id);
        })
        .catch(function (error) {
          status.classList.add("error");
          status.textContent = error.message;
        });
    });
  });

  // --- a plan's page ---------------------------------------------------------------------
  var page = document.querySelector("[data-plan][data-state]");
  if (!page) { return; }
  var planId = page.getAttribute("data-plan");
  var revision = parseInt(page.getAttribute("data-revision"), 10) || 0;

  if (page.getAttribute("data-state") === "running") {
    var poll = function () {
      fetch("/api/plans/" + encodeURIComponent(planId)).then(function (r) { return r.json(); }).then(function (data) {
        if (data.state !== "running") { window.location.reload(); return; }
        var stage = document.querySelector("[data-stage]");
        var bar = document.querySelector("[data-progress] progress");
        if (stage) { stage.textContent = data.stage + (data.total ? " (" + data.done + " av " + data.total + ")" : "") + " …"; }
        all("[data-progress] li").forEach(function (li) {
          li.classList.toggle("current", li.textContent.toLowerCase().indexOf(data.stage) === 0);
        });
        if (bar && data.total) { bar.max = data.total; bar.value = data.done; }
        setTimeout(poll, 700);
      }).catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }

  var cardsBox = document.querySelector("[data-cards]");
  if (!cardsBox) { return; }
  var reviewer = document.querySelector("[data-reviewer]");
  var notice = document.querySelector("[data-notice]");
  var filter = document.querySelector("[data-filter]");
  var sorter = document.querySelector("[data-sort]");
  var shown = document.querySelector("[data-shown]");
  if (!reviewer.hasAttribute("data-fixed")) {  // on a team server the name is the login's
    try { reviewer.value = window.localStorage.getItem("alignment.reviewer") || ""; } catch (e) { /* private mode */ }
  }
  reviewer.addEventListener("input", function () {
    try { window.localStorage.setItem("alignment.reviewer", reviewer.value); } catch (e) { /* private mode */ }
  });

  // A comment typed and not yet saved is kept in the browser (per plan and tiltak) until it is saved, so a reload
  // or a closed tab loses nothing; leaving with one unsaved asks first.
  function draftKey(card) { return "alignment.draft." + planId + "." + card.getAttribute("data-tiltak"); }
  function keepDraft(card, text) {
    try { window.localStorage.setItem(draftKey(card), text); } catch (e) { /* private mode */ }
  }
  function forgetDraft(card, saved) {
    try {
      if (window.localStorage.getItem(draftKey(card)) === saved) { window.localStorage.removeItem(draftKey(card)); }
    } catch (e) { /* private mode */ }
  }
  function restoreDraft(card) {
    var field = card.querySelector("[data-comment]");
    var draft = null;
    try { draft = window.localStorage.getItem(draftKey(card)); } catch (e) { /* private mode */ }
    if (draft === null) { return; }
    if (draft === field.defaultValue) { forgetDraft(card, draft); return; }
    field.value = draft;
    message(card, "Ulagret kommentar fra forrige gang er hentet fram: gå ut av feltet for å lagre den.");
  }
  function unsaved() {
    return all("[data-comment]", cardsBox).some(function (field) { return field.value !== field.defaultValue; });
  }
  window.addEventListener("beforeunload", function (event) {
    if (unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });
  cardsBox.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-comment")) { keepDraft(event.target.closest("article.tiltak"), event.target.value); }
  });

  function cards() { return all("article.tiltak", cardsBox); }
  function visibleCards() { return cards().filter(function (card) { return !card.hidden; }); }

  function applyView() {
    var value = filter.value;
    cards().forEach(function (card) {
      var ok = !value
        || (value === "ikke-vurdert" && card.getAttribute("data-reviewed") !== "ja")
        || (value === "trenger" && card.getAttribute("data-stale") === "ja")
        || card.getAttribute("data-verdict") === value;
      card.hidden = !ok;
    });
    var key = sorter.value === "usikre" ? "data-uncertainty" : "data-order";
    cards().sort(function (a, b) {
      return parseFloat(a.getAttribute(key)) - parseFloat(b.getAttribute(key))
        || parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10);
    }).forEach(function (card) { cardsBox.appendChild(card); });
    shown.textContent = visibleCards().length + " av " + cards().length + " tiltak vises";
  }
  // One tiltak at a time: the card in focus alone, so it fits a laptop's screen and `j` never scrolls it away.
  var oneCard = document.querySelector("[data-one-card]");
  function showOnly(card) {
    cards().forEach(function (other) { other.classList.toggle("away", !!(oneCard.checked && card && other !== card)); });
    document.body.classList.toggle("one-card", oneCard.checked);
  }
  var viewKey = "alignment.view." + planId;
  try {
    var kept = JSON.parse(window.sessionStorage.getItem(viewKey) || "{}");
    if (kept.filter !== undefined) { filter.value = kept.filter; }
    if (kept.sort !== undefined) { sorter.value = kept.sort; }
    if (kept.oneCard) { oneCard.checked = true; }
  } catch (e) { /* nothing kept */ }
  function keepView(at) {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(viewKey) || "{}");
      kept.filter = filter.value; kept.sort = sorter.value; kept.oneCard = oneCard.checked;
      if (at !== undefined) { kept.at = at; }
      window.sessionStorage.setItem(viewKey, JSON.stringify(kept));
    } catch (e) { /* private mode */ }
  }
  oneCard.addEventListener("change", function () {
    var card = current() || visibleCards()[0];
    showOnly(card);
    if (card) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: "start" }); }
    keepView();
  });
  filter.addEventListener("change", function () { applyView(); keepView(); });
  sorter.addEventListener("change", function () { applyView(); keepView(); });
  applyView();
  cards().forEach(restoreDraft);

  function message(card, text, isError) {
    var line = card.querySelector("[data-saved]");
    line.textContent = text;
    line.classList.toggle("error", !!isError);
  }

  function liveCard(card) {
    // the card as the page shows it now: a save's answer replaces the element it started from
    return cardsBox.querySelector("article[data-tiltak='" + CSS.escape(card.getAttribute("data-tiltak")) + "']") || card;
  }

  function replaceCard(card) {
    return fetch(card.getAttribute("data-card")).then(function (r) { return r.text(); }).then(function (html) {
      var box = document.createElement("div");
      box.innerHTML = html;  // the server's rendering: every plan text in it is escaped
      var fresh = box.querySelector("article.tiltak");
      var live = liveCard(card);
      var typing = live.querySelector("[data-comment]");
      var editing = document.activeElement === typing;
      // focus stays where the advisor is: the fresh card takes it only if the card it replaces had it
      var focused = live === document.activeElement;
      fresh.hidden = live.hidden;
      fresh.classList.toggle("away", live.classList.contains("away"));
      if (editing) { fresh.querySelector("[data-comment]").value = typing.value; }  // keep what is being typed
      live.replaceWith(fresh);
      restoreDraft(fresh);
      if (focused) { fresh.focus({ preventScroll: true }); }
      if (editing) {
        var comment = fresh.querySelector("[data-comment]");
        comment.focus({ preventScroll: true });
        comment.setSelectionRange(typing.selectionStart, typing.selectionEnd);
      }
      return fresh;
    });
  }

  function evidenceOf(card) {
    var value = card.getAttribute("data-evidence");
    return value ? value.split(" ") : [];
  }

  var saving = Promise.resolve();
  function save(card, change) {
    // one save at a time, each built from the card as it is when it is sent, so a comment typed while a
    // status is being saved neither undoes the status nor loses letters
    saving = saving.then(function () { return send(liveCard(card), change); });
    return saving;
  }

  function sameValue(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) { return (a || []).slice().sort().join(" ") === (b || []).slice().sort().join(" "); }
    return (a || null) === (b || null);
  }

  function send(card, change, base) {
    // only the fields this change touches are sent, with what the card showed for them (base): a field someone
    // else changed meanwhile is never overwritten unseen (the server answers 409 with both values)
    var field = card.querySelector("[data-comment]");
    var seenValues = base || { status: card.getAttribute("data-base-status") || null, evidence: evidenceOf(card),
                               comment: field.defaultValue };
    var body = { status: card.getAttribute("data-status") || null, evidence: evidenceOf(card), comment: field.value,
                 reviewer: reviewer.value.trim(), seen: revision };
    change(body);
    body.fields = ["status", "evidence", "comment"].filter(function (name) {
      return !sameValue(body[name], seenValues[name]);
    });
    if (!body.fields.length) { message(card, "Uendret"); return Promise.resolve(card); }
    body.base = {};
    body.fields.forEach(function (name) { body.base[name] = seenValues[name]; });
    message(card, "Lagrer …");
    return post(card, card.getAttribute("data-save"), "PUT", body);
  }

  function post(card, url, method, body) {
    return fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-Alignment-Token": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    }).then(function (result) {
      if (result.status === 409 && result.data.conflict) { showConflict(liveCard(card), body, result.data); return null; }
      if (!result.ok) { message(card, result.data.error || "Kunne ikke lagre.", true); return null; }
      revision = result.data.revision;
      var counts = result.data.summary;
      ["covered", "partial", "missing"].forEach(function (status) {
        var box = document.querySelector("[data-count-" + status + "]");
        if (box) { box.textContent = counts[status]; }
      });
      document.querySelector("[data-reviewed-count]").textContent = result.data.reviewed;
      var others = result.data.changed_elsewhere || [];
      if (others.length) {
        notice.hidden = false;
        notice.textContent = "Endret i en annen fane eller av en annen rådgiver siden du åpnet siden: " + others.join(", ") +
          ". Vurderingene under er oppdatert.";
        others.forEach(function (id) {
          var other = cardsBox.querySelector("article[data-tiltak='" + CSS.escape(id) + "']");
          if (other && other !== card) { replaceCard(other); }
        });
      }
      return replaceCard(card).then(function (fresh) {
        message(fresh, "Lagret");
        if (body.comment !== undefined) { forgetDraft(fresh, body.comment); }
        return fresh;
      });
    }).catch(function () { message(card, "Kunne ikke lagre (ingen kontakt med arbeidsbenken). Prøv igjen.", true); });
  }

  var LABELS = { covered: "Dekket", partial: "Delvis", missing: "Mangler" };
  function describe(name, value) {
    if (name === "status") { return value ? LABELS[value] : "maskinens vurdering"; }
    if (name === "evidence") { return (value || []).join(", ") || "ingen"; }
    return value ? "«" + value + "»" : "(tom)";
  }
  function showConflict(card, body, data) {
    // both values side by side, and one click to choose; nothing is saved until the advisor chooses
    var line = card.querySelector("[data-saved]");
    line.textContent = data.error + " ";
    line.classList.add("error");
    Object.keys(data.conflict).forEach(function (name) {
      var item = document.createElement("span");
      item.className = "conflict";
      item.textContent = " Din: " + describe(name, data.conflict[name].yours) + " · Den andre: " +
        describe(name, data.conflict[name].theirs) + ".";
      line.appendChild(item);
    });
    var mine = document.createElement("button");
    mine.type = "button"; mine.className = "link"; mine.textContent = "Bruk min";
    mine.addEventListener("click", function () {
      var theirs = {};
      Object.keys(data.conflict).forEach(function (name) { theirs[name] = data.conflict[name].theirs; });
      var again = JSON.parse(JSON.stringify(body));
      again.base = Object.assign({}, body.base, theirs);
      again.seen = revision;
      message(card, "Lagrer …");
      saving = saving.then(function () { return post(liveCard(card), card.getAttribute("data-save"), "PUT", again); });
    });
    var other = document.createElement("button");
    other.type = "button"; other.className = "link"; other.textContent = "Bruk den andre";
    other.addEventListener("click", function () {
      replaceCard(card).then(function (fresh) { message(fresh, "Viser den andres vurdering."); });
    });
    line.appendChild(mine);
    line.appendChild(other);
  }

  function undo(card) {
    message(card, "Angrer …");
    var url = card.getAttribute("data-save") + "/undo";
    saving = saving.then(function () { return post(liveCard(card), url, "POST", { reviewer: reviewer.value.trim() }); });
    return saving;
  }

  function choose(card, status) {
    return save(card, function (body) { body.status = status || null; });
  }
  function addEvidence(card, id) {
    return save(card, function (body) { if (body.evidence.indexOf(id) < 0) { body.evidence.push(id); } });
  }
  function removeEvidence(card, id) {
    return save(card, function (body) { body.evidence = body.evidence.filter(function (m) { return m !== id; }); });
  }

  cardsBox.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    var card = target.closest("article.tiltak");
    if (target.hasAttribute("data-choose")) { choose(card, target.getAttribute("data-choose")); }
    else if (target.hasAttribute("data-add")) { addEvidence(card, target.getAttribute("data-add")); }
    else if (target.hasAttribute("data-remove")) { removeEvidence(card, target.getAttribute("data-remove")); }
    else if (target.hasAttribute("data-undo-decision")) { undo(card); }
  });
  // Search every measure of the plan (the page lists them once) and add one as evidence.
  var allMeasures = all("[data-all-measures] li").map(function (li) {
    return { id: li.getAttribute("data-id"), text: li.textContent, folded: fold(li.textContent) };
  });
  cardsBox.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.hasAttribute("data-measure-search")) { return; }
    var card = field.closest("article.tiltak");
    var list = card.querySelector("[data-search-results]");
    var words = fold(field.value).split(/\s+/).filter(Boolean);
    var evidence = evidenceOf(card);
    list.textContent = "";
    if (!words.length) { return; }
    allMeasures.filter(function (measure) {
      return words.every(function (word) { return measure.folded.indexOf(word) >= 0; });
    }).slice(0, 8).forEach(function (measure) {
      var item = document.createElement("li");
      item.textContent = measure.text + " ";
      if (evidence.indexOf(measure.id) >= 0) {
        var mark = document.createElement("span");
        mark.className = "is-evidence";
        mark.textContent = "✓ er belegg";
        item.appendChild(mark);
      } else {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.setAttribute("data-add", measure.id);
        button.textContent = "Legg til som belegg";
        item.appendChild(button);
      }
      list.appendChild(item);
    });
    if (!list.children.length) {
      var none = document.createElement("li");
      none.textContent = "Ingen tiltak i planen passer.";
      list.appendChild(none);
    }
  });
  cardsBox.addEventListener("focusout", function (event) {
    // defaultValue is the comment as last saved (the server renders it), also in a card refreshed mid-typing
    var field = event.target;
    if (field.hasAttribute("data-comment") && field.value !== field.defaultValue) {
      var text = field.value;  // as typed now: the card may be refreshed before this save is sent
      save(field.closest("article.tiltak"), function (body) { body.comment = text; });
    }
  });

  function current() {
    var active = document.activeElement && document.activeElement.closest && document.activeElement.closest("article.tiltak");
    return active || null;
  }
  function move(step) {
    var list = visibleCards();
    if (!list.length) { return; }
    var index = list.indexOf(current());
    var next = list[Math.min(Math.max(index < 0 ? 0 : index + step, 0), list.length - 1)];
    showOnly(next);
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "start" });
    keepView(next.getAttribute("data-tiltak"));
  }
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); var card = event.target.closest("article.tiltak"); if (card) { card.focus(); } }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var card = current();
    var statuses = { "1": "covered", "2": "partial", "3": "missing", "0": "" };
    if (event.key === "j" || event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "k" || event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (card && event.key in statuses) {
      // the save is for this card whatever else happens before it answers; the advisor moves on at once
      event.preventDefault(); choose(card, statuses[event.key]); if (event.key !== "0") { move(1); }
    } else if (card && ((event.key === "Enter" && event.target === card) || event.key === "y")) {
      // the machine is right: record it as the advisor's verdict and move on (one key per tiltak)
      event.preventDefault(); choose(card, card.getAttribute("data-machine")); move(1);
    }
    else if (card && event.key === "a") {
      var add = card.querySelector("[data-add]");
      if (add) { event.preventDefault(); addEvidence(card, add.getAttribute("data-add")); }
    } else if (card && event.key === "c") { event.preventDefault(); card.querySelector("[data-comment]").focus(); }
    else if (card && event.key === "u") { event.preventDefault(); undo(card); }
  });
  var start = null;
  if (window.location.hash) { start = document.getElementById(window.location.hash.slice(1)); }
  if (!start) {
    try {
      var at = JSON.parse(window.sessionStorage.getItem(viewKey) || "{}").at;
      if (at) { start = cardsBox.querySelector("article.tiltak[data-tiltak='" + CSS.escape(at) + "']"); }
    } catch (e) { /* nothing kept */ }
  }
  if (!start && oneCard.checked) { start = visibleCards()[0]; }
  if (start && !start.hidden) { showOnly(start); start.focus({ preventScroll: true }); start.scrollIntoView({ block: "start" }); }
})();
