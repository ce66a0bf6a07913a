/* Suggestions under village and KBLI inputs (web/registry/_lookup_input.html): htmx fetches the
   list; this puts the chosen code into the input. Without it the input takes names and codes. */
(function () {
  "use strict";
  var CODE = /^\s*\d{2}\.?\d{2}\.?\d{2}\.?\d{4}\s*$/;

  function box(el) { return el.closest ? el.closest("[data-lookup]") : null; }

  // The text before the entry being typed in a list of villages ("64.09.01.1001; Salo").
  function donePart(value) {
    var cut = Math.max(value.lastIndexOf(";"), value.lastIndexOf("\n"));
    var head = cut >= 0 ? value.slice(0, cut + 1) : "";
    var pieces = value.slice(cut + 1).split(",");
    var codes = [];
    while (pieces.length > 1 && CODE.test(pieces[0])) codes.push(pieces.shift().trim());
    if (codes.length) head += (head ? " " : "") + codes.join(", ") + ", ";
    return head && !/\s$/.test(head) ? head + " " : head;
  }

  function close(wrap) {
    var list = wrap.querySelector(".lookup-options");
    var input = wrap.querySelector("input");
    if (list) list.innerHTML = "";
    if (input) input.setAttribute("aria-expanded", "false");
  }

  function choose(button) {
    var wrap = box(button);
    var input = wrap.querySelector("input");
    var code = button.getAttribute("data-value");
    input.value = wrap.hasAttribute("data-lookup-multiple") ? donePart(input.value) + code + "; " : code;
    close(wrap);
    input.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".lookup-option") : null;
    if (button) { event.preventDefault(); choose(button); return; }
    document.querySelectorAll("[data-lookup]").forEach(function (wrap) {
      if (!wrap.contains(event.target)) close(wrap);
    });
  });

  document.addEventListener("keydown", function (event) {
    var wrap = box(event.target);
    if (!wrap) return;
    var options = Array.prototype.slice.call(wrap.querySelectorAll(".lookup-option"));
    var at = options.indexOf(document.activeElement);
    if (event.key === "Escape") { close(wrap); wrap.querySelector("input").focus(); }
    else if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(at + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) wrap.querySelector("input").focus(); else options[at - 1].focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var wrap = box(event.target);
    if (!wrap) return;
    var input = wrap.querySelector("input");
    input.setAttribute("aria-expanded", wrap.querySelector(".lookup-option") ? "true" : "false");
  });
})();
