/* Small progressive enhancements; the pages work without them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]")) {
      // Keep the current filters (htmx may have changed the address since the page loaded).
      if (el.form.elements.next) el.form.elements.next.value = window.location.pathname + window.location.search;
      el.form.submit();
    }
  });
})();
