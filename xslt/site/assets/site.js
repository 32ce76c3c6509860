/* teikit site: sorting and filtering the index of documents in the browser.
   Without JavaScript the table is complete, in date order; nothing here is needed to read. */
(function () {
  "use strict";
  var table = document.getElementById("documents");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var form = document.getElementById("doc-filter");
  var query = document.getElementById("doc-query");
  var kind = document.getElementById("doc-kind");
  var from = document.getElementById("doc-from");
  var to = document.getElementById("doc-to");
  var count = document.getElementById("doc-count");
  form.hidden = false;

  function filter() {
    var q = query.value.trim().toLowerCase();
    var k = kind.value;
    var lo = from.value.trim();
    var hi = to.value.trim();
    var shown = 0;
    rows.forEach(function (row) {
      var date = row.getAttribute("data-date") || "";
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) !== -1)
        && (!k || row.getAttribute("data-kind") === k)
        && (!lo || (date && date.slice(0, lo.length) >= lo))
        && (!hi || (date && date.slice(0, hi.length) <= hi));
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " documents";
  }

  function sortBy(th) {
    var key = th.getAttribute("data-sort");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.getAttribute("data-" + key) || "";
      var y = b.getAttribute("data-" + key) || "";
      var c = x.localeCompare(y, undefined, {numeric: true, sensitivity: "base"});
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    if (!th.getAttribute("data-sort")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th); });
  });
  form.addEventListener("input", filter);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  filter();
}());
