/* Phone and laptop helpers (issue 14.4); every page works without them.
   - Filters: a "Filter" button folds a list's filter panel; folded at first on small screens.
   - Columns: a table with data-columns="NAME" gets a "Kolom" chooser; the hidden columns are
     remembered in localStorage per NAME (the rows swapped in by htmx keep the choice).
   - Location: beside a form's latitude field (data-coordinate="lat"), "Gunakan lokasi saya" fills
     latitude and longitude from navigator.geolocation, written with a decimal comma. */
(function () {
  "use strict";

  var SMALL = window.matchMedia ? window.matchMedia("(max-width: 860px)") : { matches: false };
  var html = document.documentElement;
  var t = function (key, fallback) {
    return (html.dataset && html.dataset[key]) || fallback;
  };

  /* --- Filters ------------------------------------------------------------------------------ */
  function activeFilters(form) {
    var n = 0;
    // A choice that narrows the list: a select moved off its "Semua …" option, a code typed.
    form.querySelectorAll("select, input[type=text]").forEach(function (el) {
      if (!el.value || el.disabled || !el.name) return;
      if (el.tagName === "SELECT" && !(el.options.length && el.options[0].value === "")) return;
      n += 1;
    });
    return n;
  }

  function foldFilters(form) {
    if (form.dataset.foldable) return;
    var grid = form.querySelector(".filter-grid");
    if (!grid || grid.querySelectorAll(".field").length < 3) return;
    form.dataset.foldable = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small filters-toggle";
    button.setAttribute("aria-expanded", "true");
    var label = document.createElement("span");
    button.appendChild(label);
    form.insertBefore(button, form.firstChild);
    function set(open) {
      form.classList.toggle("filters-folded", !open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      var n = activeFilters(form);
      label.textContent = (open ? t("labelFiltersHide", "Sembunyikan filter") : t("labelFiltersShow", "Filter"))
        + (n ? " (" + n + ")" : "");
    }
    button.addEventListener("click", function () {
      set(form.classList.contains("filters-folded"));
    });
    form.addEventListener("change", function () {
      set(!form.classList.contains("filters-folded"));
    });
    set(!SMALL.matches);
  }

  /* --- Columns ------------------------------------------------------------------------------ */
  function storageKey(name) {
    return "sentra.columns." + name;
  }

  function hiddenColumns(name) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(name)) || "[]");
    } catch (e) {
      return [];
    }
  }

  function saveHidden(name, hidden) {
    try {
      window.localStorage.setItem(storageKey(name), JSON.stringify(hidden));
    } catch (e) {
      /* private mode: the choice lasts for the page */
    }
  }

  function columnKey(th, index) {
    return th.dataset.col || (th.textContent || "").replace(/\s+/g, " ").trim() || String(index);
  }

  function applyColumns(table, hidden) {
    var heads = table.querySelectorAll("thead tr:first-child > th");
    var hide = [];
    heads.forEach(function (th, i) {
      hide[i] = i > 0 && hidden.indexOf(columnKey(th, i)) >= 0;
    });
    table.querySelectorAll("tr").forEach(function (row) {
      var cells = row.children;
      if (cells.length !== heads.length) return; // a row spanning columns keeps its shape
      for (var i = 0; i < cells.length; i++) cells[i].hidden = !!hide[i];
    });
  }

  function chooseColumns(table) {
    if (table.dataset.chooser) return;
    table.dataset.chooser = "1";
    var name = table.dataset.columns;
    var hidden = hiddenColumns(name);
    applyColumns(table, hidden);
    var heads = table.querySelectorAll("thead tr:first-child > th");
    if (heads.length < 4) return;
    var chooser = document.createElement("details");
    chooser.className = "column-chooser";
    var summary = document.createElement("summary");
    summary.className = "btn btn-small";
    summary.textContent = t("labelColumns", "Kolom");
    chooser.appendChild(summary);
    var list = document.createElement("div");
    list.className = "column-chooser-list";
    heads.forEach(function (th, i) {
      if (i === 0) return; // the record's name always shows
      var key = columnKey(th, i);
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = hidden.indexOf(key) < 0;
      box.addEventListener("change", function () {
        hidden = hiddenColumns(name).filter(function (k) { return k !== key; });
        if (!box.checked) hidden.push(key);
        saveHidden(name, hidden);
        applyColumns(table, hidden);
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + key));
      list.appendChild(label);
    });
    chooser.appendChild(list);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(chooser, wrap);
  }

  /* --- Location ----------------------------------------------------------------------------- */
  function decimalComma(value) {
    return value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "").replace(".", ",");
  }

  function offerLocation(lat) {
    if (lat.dataset.locate || !navigator.geolocation) return;
    var lng = lat.form && lat.form.querySelector("[data-coordinate=lng]");
    if (!lng) return;
    lat.dataset.locate = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small locate-button";
    button.textContent = t("labelLocate", "Gunakan lokasi saya");
    var status = document.createElement("span");
    status.className = "help locate-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = t("labelLocating", "Mencari lokasi…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = decimalComma(position.coords.latitude);
          lng.value = decimalComma(position.coords.longitude);
          status.textContent = t("labelLocated", "Lokasi diisi; akurasi ±") + Math.round(position.coords.accuracy) + " m";
          button.disabled = false;
        },
        function () {
          status.textContent = t("labelLocateFailed", "Lokasi tidak dapat dibaca; isi koordinat secara manual.");
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
    var field = lat.closest(".field") || lat.parentNode;
    field.appendChild(button);
    field.appendChild(status);
  }

  function enhance(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form.filters").forEach(foldFilters);
    (root.querySelectorAll ? root : document).querySelectorAll("table[data-columns]").forEach(chooseColumns);
    (root.querySelectorAll ? root : document).querySelectorAll("[data-coordinate=lat]").forEach(offerLocation);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  // Rows swapped in by htmx (filters, sorting, paging) get their chooser and hidden columns again.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
