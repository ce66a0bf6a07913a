/* Suggestions under village and KBLI inputs (web/registry/_lookup_input.html): htmx fetches the
   list; this puts the chosen code into the input. Without it the input takes names and codes.
   The centre's member picker (web/registry/_member_picker.html) adds the chosen enterprise as a
   chip and a line of the hidden textarea that is sent; without it the textarea is the field. */
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

  function picker(el) { return el.closest ? el.closest("[data-member-picker]") : null; }

  function lines(area) {
    return area.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function recount(pick) {
    var count = pick.querySelectorAll(".member-chip").length;
    pick.querySelector("[data-member-count]").textContent = String(count);
    pick.querySelector(".member-warning").hidden = count >= Number(pick.getAttribute("data-minimum"));
  }

  function addMember(button) {
    var pick = picker(button);
    var wrap = box(button);
    var area = pick.querySelector("textarea");
    var id = button.getAttribute("data-id");
    if (!pick.querySelector('.member-chip[data-id="' + id + '"]')) {
      var chip = pick.querySelector(".member-chip-template").content.firstElementChild.cloneNode(true);
      var name = button.getAttribute("data-name");
      chip.setAttribute("data-id", id);
      chip.setAttribute("data-line", button.getAttribute("data-value"));
      chip.querySelector(".member-name").textContent = name;
      chip.querySelector(".member-meta").textContent = button.getAttribute("data-meta");
      chip.querySelector(".visually-hidden").textContent += " " + name;
      pick.querySelector(".member-chips").appendChild(chip);
      area.value = lines(area).concat([button.getAttribute("data-value")]).join("\n");
    }
    var input = wrap.querySelector("input");
    input.value = "";
    close(wrap);
    recount(pick);
    input.focus();
  }

  function removeMember(button) {
    var chip = button.closest(".member-chip");
    var pick = picker(chip);
    var area = pick.querySelector("textarea");
    var line = chip.getAttribute("data-line");
    area.value = lines(area).filter(function (l) { return l !== line; }).join("\n");
    chip.parentNode.removeChild(chip);
    recount(pick);
    pick.querySelector(".member-search input").focus();
  }

  // With this script the chips and the search replace the textarea, which the label then leaves.
  document.querySelectorAll("[data-member-picker]").forEach(function (pick) {
    var area = pick.querySelector("textarea");
    var search = pick.querySelector(".member-search input");
    var label = document.querySelector('label[for="' + area.id + '"]');
    if (label) label.htmlFor = search.id;
    pick.classList.add("is-live");
  });

  function choose(button) {
    if (picker(button)) { addMember(button); return; }
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
    var remove = event.target.closest ? event.target.closest(".member-remove") : null;
    if (remove) { event.preventDefault(); removeMember(remove); return; }
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
    else if (event.key === "Enter" && picker(wrap) && event.target.tagName === "INPUT") {
      // Enter in the member search picks the first suggestion instead of sending the form.
      event.preventDefault();
      if (options.length) choose(options[0]);
    }
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
    var pick = picker(wrap);
    if (pick) {
      // Enterprises already chosen are not offered again.
      wrap.querySelectorAll(".member-option").forEach(function (option) {
        var id = option.getAttribute("data-id");
        if (pick.querySelector('.member-chip[data-id="' + id + '"]')) option.parentNode.remove();
      });
      var target = wrap.querySelector(".lookup-options");
      if (target.querySelector(".lookup-list") && !target.querySelector(".lookup-option")) target.innerHTML = "";
    }
    var input = wrap.querySelector("input");
    input.setAttribute("aria-expanded", wrap.querySelector(".lookup-option") ? "true" : "false");
  });
})();
