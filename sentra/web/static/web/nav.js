/* Main menu: one group open at a time, closed by a click elsewhere or Escape. The menu works
   without this file (details/summary and the checkbox of small screens); this only tidies up. */
(function () {
  "use strict";
  function groups() {
    return document.querySelectorAll(".main-nav details.nav-group");
  }
  function smallScreen() {
    var toggle = document.querySelector(".nav-toggle");
    return toggle && window.getComputedStyle(toggle).display !== "none";
  }
  document.addEventListener(
    "toggle",
    function (event) {
      var opened = event.target;
      if (!opened.matches || !opened.matches("details.nav-group") || !opened.open || smallScreen()) return;
      groups().forEach(function (group) {
        if (group !== opened) group.open = false;
      });
    },
    true
  );
  document.addEventListener("click", function (event) {
    if (smallScreen() || (event.target.closest && event.target.closest("details.nav-group"))) return;
    groups().forEach(function (group) {
      group.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups().forEach(function (group) {
      if (group.open) {
        group.open = false;
        group.querySelector("summary").focus();
      }
    });
  });
  // Small screens: opening the menu unfolds the group of the current page.
  document.addEventListener("change", function (event) {
    if (event.target.id !== "nav-toggle" || !event.target.checked) return;
    var active = document.querySelector(".main-nav details.nav-group.active");
    if (active) active.open = true;
  });
})();
