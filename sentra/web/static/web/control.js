/* Choropleth of budget absorption per province (Pengendalian); click drills to the province view.
   Reuses Leaflet and the province GeoJSON; no inline styles (CSP): colours go through Leaflet's
   path options and element.style (CSSOM). */
(function () {
  "use strict";

  // Bins at the default quarter targets: below 15, 15–40, 40–60, 60–90, 90 and above.
  var BINS = [15, 40, 60, 90];
  var COLOURS = ["#c0392b", "#e67e22", "#f1c40f", "#7fb36a", "#1d7a46"];
  var NONE = "#eef1f4";

  function colour(value) {
    if (value === null || value === undefined) return NONE;
    for (var i = 0; i < BINS.length; i++) if (value < BINS[i]) return COLOURS[i];
    return COLOURS[COLOURS.length - 1];
  }

  function fmt(n, digits) {
    return Number(n || 0).toLocaleString("id-ID", { maximumFractionDigits: digits || 0 });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function init(el) {
    var ds = el.dataset;
    var map = L.map(el, { minZoom: 3, maxZoom: 10 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(ds.attribution || "");
    map.setView([-2.5, 118], 5);

    // The legend sits under the map, not on it: inside the map it covered half the country on a phone.
    var legend = {};
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend map-legend-below");
      var title = document.createElement("strong");
      title.textContent = ds.labelLegend;
      div.appendChild(title);
      var labels = ["< 15", "15–40", "40–60", "60–90", "≥ 90"];
      COLOURS.forEach(function (c, i) { row(div, c, labels[i]); });
      row(div, NONE, ds.labelNone);
      return div;
    };
    function row(div, c, label) {
      var r = document.createElement("div");
      var sw = document.createElement("i");
      sw.style.background = c;
      r.appendChild(sw);
      r.appendChild(document.createTextNode(label));
      div.appendChild(r);
    }
    el.parentNode.insertBefore(legend.onAdd(), el.nextSibling);

    el.setAttribute("aria-busy", "true");
    fetch(ds.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        el.removeAttribute("aria-busy");
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { fillColor: colour(f.properties.absorption), fillOpacity: 0.9, color: "#7f93a8", weight: 0.8 };
          },
          onEachFeature: function (f, l) {
            var p = f.properties;
            var text = "<strong>" + escapeHtml(p.name) + "</strong><br>";
            text += p.absorption === null ? escapeHtml(ds.labelNone)
              : escapeHtml(ds.labelAbsorption) + " " + fmt(p.absorption, 1) + "% · " + escapeHtml(ds.labelTarget) + " " + p.target +
                "%<br>" + escapeHtml(ds.labelPagu) + " Rp" + fmt(p.pagu);
            l.bindTooltip(text, { sticky: true });
            l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#17324d" }); });
            l.on("mouseout", function () { layer.resetStyle(l); });
            l.on("click", function () {
              window.location.href = ds.drillUrl + "&wilayah=" + encodeURIComponent(p.code);
            });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    el.sentraMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    var el = document.getElementById("control-map");
    if (el && el.dataset.geojsonUrl) init(el);
  });
})();
