// Sorts a table by the clicked column: cells carry data-sort (a number) or are compared as text.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.querySelectorAll("thead th");
  headers.forEach(function (th, column) {
    th.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") !== "descending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0];
      function key(row) {
        var cell = row.cells[column], n = cell.getAttribute("data-sort");
        return n === null ? cell.textContent : parseFloat(n);
      }
      Array.prototype.slice.call(body.rows)
        .sort(function (a, b) { var x = key(a), y = key(b), c = x < y ? -1 : x > y ? 1 : 0; return descending ? -c : c; })
        .forEach(function (row) { body.appendChild(row); });
    });
  });
});
