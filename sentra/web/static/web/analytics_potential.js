/* Leading potential (web/analytics/potential/page.html): the tables sort by a click on a column heading,
   and the map (web.views.analytics_potential.potential_map) shades the regencies by the LQ of one KBLI.
   No tile layer (offline). Built with DOM calls, never style="…" markup (CSP style-src 'self'). */
(function () {
  "use strict";

  // --- sortable tables: <table data-sortable>, cells carry data-value (numbers sort as numbers) -------
  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    var n = parseFloat(raw);
    return raw !== "" && !isNaN(n) && /^-?[\d.eE+-]+$/.test(raw.trim()) ? n : raw.trim().toLowerCase();
  }

  function makeSortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      th.classList.add("sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var descending = th.getAttribute("aria-sort") !== "descending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          if (x === y) return 0;
          if (x === "") return 1;
          if (y === "") return -1;
          var order = x < y ? -1 : 1;
          return descending ? -order : order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  // --- the map: regencies shaded by LQ --------------------------------------------------------------
  var STEPS = [
    { upTo: 0.5, colour: "#f2e6d9", label: "< 0,5" },
    { upTo: 1, colour: "#d9c7a7", label: "0,5–1" },
    { upTo: 1.5, colour: "#a5d6a7", label: "1–1,5" },
    { upTo: 2, colour: "#66bb6a", label: "1,5–2" },
    { upTo: Infinity, colour: "#1b5e20", label: "≥ 2" }
  ];
  var NONE = "#eceff1";

  function colour(lq) {
    if (lq === null || lq === undefined) return NONE;
    for (var i = 0; i < STEPS.length; i++) if (lq < STEPS[i].upTo) return STEPS[i].colour;
    return STEPS[STEPS.length - 1].colour;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function initMap(el) {
    var ds = el.dataset;
    var map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 12 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(ds.attribution || "");
    map.setView([-2.5, 118], 5);

    var legend = L.DomUtil.create("div", "map-legend map-legend-below");
    el.parentNode.insertBefore(legend, el.nextSibling);
    var title = document.createElement("strong");
    title.textContent = ds.labelLegend;
    legend.appendChild(title);
    function legendRow(c, label) {
      var row = document.createElement("div");
      var swatch = document.createElement("i");
      swatch.style.background = c;
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(label));
      legend.appendChild(row);
    }
    STEPS.forEach(function (s) { legendRow(s.colour, s.label); });
    legendRow(NONE, ds.labelNone);

    function tooltip(p) {
      var lq = p.lq === null ? "—" : String(p.lq).replace(".", ",");
      return "<strong>" + escapeHtml(p.name) + "</strong><br>LQ " + lq + "<br>" +
        Number(p.enterprises || 0).toLocaleString("id-ID") + " " + escapeHtml(ds.labelEnterprises) +
        (p.few ? " (" + escapeHtml(ds.labelFew) + ")" : "");
    }

    el.setAttribute("aria-busy", "true");
    fetch(ds.potentialUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        el.removeAttribute("aria-busy");
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { fillColor: colour(f.properties.lq), fillOpacity: f.properties.few ? 0.5 : 0.9, color: "#7f93a8", weight: 0.8 };
          },
          onEachFeature: function (f, l) {
            l.bindTooltip(tooltip(f.properties), { sticky: true });
            l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#17324d" }); });
            l.on("mouseout", function () { layer.resetStyle(l); });
            if (f.properties.url) l.on("click", function () { window.location.href = f.properties.url; });
          }
        }).addTo(map);
        el.setAttribute("data-features", String(layer.getLayers().length));
        if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    el.sentraMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-potential-url]").forEach(initMap);
  });
})();
