// Filters and search for the reports: works from a single file, no network.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-filter-row]"));
  var status = document.getElementById("f-status");
  var strategy = document.getElementById("f-strategy");
  var owner = document.getElementById("f-owner");
  var search = document.getElementById("f-search");
  var counter = document.getElementById("f-count");
  function norm(text) { return (text || "").toLowerCase().normalize("NFKC"); }
  rows.forEach(function (row) { row.dataset.haystack = norm(row.textContent); });
  function apply() {
    var words = norm(search.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!status.value || (" " + row.dataset.status + " ").indexOf(" " + status.value + " ") >= 0)
        && (!strategy.value || row.dataset.strategy === strategy.value)
        && (!owner.value || row.dataset.owner === owner.value)
        && words.every(function (w) { return row.dataset.haystack.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll("[data-filter-group]").forEach(function (group) {
      group.hidden = !group.querySelector("[data-filter-row]:not([hidden])");
    });
    counter.textContent = shown + " av " + rows.length + " tiltak vises";
  }
  [status, strategy, owner].forEach(function (el) { el.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    status.value = ""; strategy.value = ""; owner.value = ""; search.value = ""; apply();
  });
  var toggle = document.getElementById("f-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var all = document.querySelectorAll("details.evidence-box");
      var open = Array.prototype.some.call(all, function (d) { return !d.open; });
      all.forEach(function (d) { d.open = open; });
      toggle.textContent = open ? "Lukk alle belegg" : "Åpne alle belegg";
    });
  }
  // Printing shows every evidence text, then restores what the reader had open.
  var before = [];
  window.addEventListener("beforeprint", function () {
    before = Array.prototype.map.call(document.querySelectorAll("details"), function (d) { return d.open; });
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details").forEach(function (d, i) { d.open = before[i]; });
  });
  apply();
})();
