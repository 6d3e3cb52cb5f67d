// The plan's text page: mark a passage and add it as a measure, or say that a find is not one.
// Text from the plan is only ever read from the page (textContent, data attributes) and sent as JSON.
(function () {
  "use strict";
  var page = document.querySelector("[data-text-page]");
  if (!page) { return; }
  var endpoint = page.getAttribute("data-corrections");
  var text = document.querySelector("[data-plan-text]");
  var addSelection = document.querySelector("[data-add-selection]");
  var shown = document.querySelector("[data-selection]");
  var status = document.querySelector("[data-correction-status]");
  var chosen = "";

  function reviewer() {
    try { return window.localStorage.getItem("alignment.reviewer") || ""; } catch (e) { return ""; }
  }
  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", !!isError);
  }
  function send(action, passage) {
    say(action === "add" ? "Legger til og matcher planen på nytt …" : "Lagrer og matcher planen på nytt …");
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: action, text: passage, reviewer: reviewer() })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { say(result.data.error || "Kunne ikke lagre.", true); return; }
      try { window.sessionStorage.setItem("alignment.textScroll", String(window.scrollY)); } catch (e) { /* ignore */ }
      window.location.reload();
    }).catch(function () { say("Kunne ikke lagre (ingen kontakt med arbeidsbenken). Prøv igjen.", true); });
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    var inside = selection && selection.rangeCount && text.contains(selection.getRangeAt(0).commonAncestorContainer);
    chosen = inside ? selection.toString().replace(/\s+/g, " ").trim() : "";
    addSelection.disabled = chosen.split(" ").length < 3;
    shown.textContent = chosen ? "Markert: «" + (chosen.length > 160 ? chosen.slice(0, 160) + " …" : chosen) + "»"
                               : "Ingen tekst er markert.";
  });
  addSelection.addEventListener("click", function () { if (chosen) { send("add", chosen); } });
  document.querySelector("[data-add-paste]").addEventListener("click", function () {
    var value = document.querySelector("[data-paste]").value.replace(/\s+/g, " ").trim();
    if (value) { send("add", value); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-reject")) { send("reject", button.getAttribute("data-reject")); }
    else if (button.hasAttribute("data-undo")) { send("undo", button.getAttribute("data-undo")); }
  });
  try {
    var scroll = window.sessionStorage.getItem("alignment.textScroll");
    if (scroll) { window.sessionStorage.removeItem("alignment.textScroll"); window.scrollTo(0, parseInt(scroll, 10)); }
  } catch (e) { /* ignore */ }
})();
