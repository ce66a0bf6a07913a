/* Verification queue: a header checkbox with data-check-all="NAME" checks every box named NAME. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || !el.matches || !el.matches("input[data-check-all]")) return;
    var form = el.form || document;
    var boxes = form.querySelectorAll('input[type=checkbox][name="' + el.getAttribute("data-check-all") + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = el.checked;
  });
})();
