/* The meeting page: a filter box over long agency lists (select[data-filter-options]). Without
   JavaScript the list is the plain multiple select. */
(function () {
  "use strict";
  function addFilter(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "options-filter";
    box.placeholder = select.getAttribute("data-filter-placeholder") || "Saring…";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.text.toLowerCase();
        option.hidden = !option.selected && !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
    select.parentNode.insertBefore(box, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-filter-options]").forEach(addFilter);
  });
})();
