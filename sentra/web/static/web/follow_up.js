/* The follow-up's status form: "Alasan dibatalkan" is asked for only while the status is Dibatalkan.
   Without JavaScript the field simply stays visible (the service still requires it to drop). */
(function () {
  "use strict";
  function sync(select) {
    var form = select.form;
    var reason = form && form.querySelector("[data-drop-reason]");
    var field = reason && reason.closest(".field");
    if (field) field.hidden = select.value !== "dropped" && !field.classList.contains("has-error");
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-drop-status]")) sync(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drop-status]").forEach(sync);
  });
})();
