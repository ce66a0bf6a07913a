/* The coverage map (web.views.facilitator_coverage.coverage_map): the provinces, or the regencies of a
   province, shaded by the share of their sentra IKM that have an active facilitator. A click opens the
   region's coverage page, so the map and the table below it always show the same level.
   No tile layer (offline). Built with DOM calls, never style="…" markup (CSP style-src 'self'). */
(function () {
  "use strict";

  // Low coverage is the warning: red for few centres covered, through amber, to green for all.
  var STEPS = [
    { upTo: 20, colour: "#c0392b", label: "0–20%" },
    { upTo: 40, colour: "#e67e22", label: "20–40%" },
    { upTo: 60, colour: "#f1c40f", label: "40–60%" },
    { upTo: 80, colour: "#9ccc65", label: "60–80%" },
    { upTo: 100, colour: "#2e7d32", label: "80–100%" }
  ];
  var NONE = "#eef2f7";

  function colour(share) {
    if (share === null || share === undefined) return NONE;
    for (var i = 0; i < STEPS.length; i++) if (share < STEPS[i].upTo || i === STEPS.length - 1) return STEPS[i].colour;
    return NONE;
  }

  function fmt(n) {
    return Number(n || 0).toLocaleString("id-ID");
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function init(el) {
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
      var share = p.share === null ? "—" : String(p.share).replace(".", ",") + "%";
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(ds.labelLegend) + ": " + share +
        "<br>" + fmt(p.facilitators) + " " + escapeHtml(ds.labelFacilitators) +
        " · " + fmt(p.uncovered) + " " + escapeHtml(ds.labelUncovered);
    }

    el.setAttribute("aria-busy", "true");
    fetch(ds.coverageUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        el.removeAttribute("aria-busy");
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { fillColor: colour(f.properties.share), fillOpacity: 0.9, color: "#7f93a8", weight: 0.8 };
          },
          onEachFeature: function (f, l) {
            l.bindTooltip(tooltip(f.properties), { sticky: true });
            l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#17324d" }); });
            l.on("mouseout", function () { layer.resetStyle(l); });
            if (f.properties.url) l.on("click", function () { window.location.href = f.properties.url; });
          }
        }).addTo(map);
        if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    el.sentraMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-coverage-url]").forEach(init);
  });
})();
