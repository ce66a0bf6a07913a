/* Map of a national programme's adoption per region (provinces or regencies/cities coloured by the
   status of their office's adoption). Leaflet and the boundaries are served by Sentra (no CDN); no
   inline styles (CSP): colours go through Leaflet's path options and element.style (CSSOM). The
   legend sits under the map with the count of each status, so it never covers a region. */
(function () {
  "use strict";

  var COLOURS = { adopted: "#2e8b57", declined: "#c0392b", pending: "#e0b400" };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function legend(el, counts) {
    var ds = el.dataset;
    var div = document.createElement("div");
    div.className = "map-legend map-legend-below";
    div.id = "programme-map-legend";
    var title = document.createElement("strong");
    title.textContent = ds.labelLegend;
    div.appendChild(title);
    ["adopted", "declined", "pending"].forEach(function (status) {
      var row = document.createElement("div");
      var swatch = document.createElement("i");
      swatch.style.background = COLOURS[status];
      row.appendChild(swatch);
      var key = "label" + status.charAt(0).toUpperCase() + status.slice(1);
      row.appendChild(document.createTextNode(ds[key] + " (" + (counts[status] || 0) + ")"));
      div.appendChild(row);
    });
    el.parentNode.insertBefore(div, el.nextSibling);
  }

  function init(el) {
    var ds = el.dataset;
    var map = L.map(el, { minZoom: 3, maxZoom: 11 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(ds.attribution || "");
    map.setView([-2.5, 118], 4);
    el.setAttribute("aria-busy", "true");
    fetch(ds.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        el.removeAttribute("aria-busy");
        var counts = {};
        data.features.forEach(function (f) { counts[f.properties.status] = (counts[f.properties.status] || 0) + 1; });
        legend(el, counts);
        if (!data.features.length) return;
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { fillColor: COLOURS[f.properties.status] || "#eef1f4", fillOpacity: 0.8, color: "#5f7388", weight: 0.7 };
          },
          onEachFeature: function (f, l) {
            var p = f.properties;
            l.bindTooltip("<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(p.status_label) +
              "<br>" + escapeHtml(p.agency), { sticky: true });
            l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#17324d" }); });
            l.on("mouseout", function () { layer.resetStyle(l); });
            l.on("click", function () { if (p.url) window.location.href = p.url; });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    el.sentraMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    var el = document.getElementById("programme-map");
    if (el && el.dataset.geojsonUrl) init(el);
  });
})();
