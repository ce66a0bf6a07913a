/* The dashboard's map: the level below the dashboard's region (web.views.maps.region_geojson).
   Provinces and regencies are shaded by number of sentra; districts and villages (no boundary file)
   are circles at the mean position of their geolocated IKM, over their regency's outline. A click
   opens that region's dashboard, so the map and the table below it always show the same level.
   No tile layer (offline). Built with DOM calls, never style="…" markup (CSP style-src 'self'). */
(function () {
  "use strict";

  var PALETTE = ["#fbfaf4", "#c9d9ec", "#9dbde0", "#6b9bcf", "#3f77b5", "#1f5596", "#0b3a6f"];

  function fmt(n) {
    return Number(n || 0).toLocaleString("id-ID");
  }

  function breaks(values) {
    var max = Math.max.apply(null, values.concat([0]));
    if (max <= 0) return [0];
    var steps = PALETTE.length - 1;
    var out = [0];
    for (var i = 1; i < steps; i++) {
      var b = Math.ceil((max * i) / steps);
      if (b > out[out.length - 1]) out.push(b);
    }
    return out;
  }

  function colour(value, bounds) {
    if (!value) return PALETTE[0];
    var idx = 1;
    for (var i = 1; i < bounds.length; i++) if (value > bounds[i]) idx = i + 1;
    return PALETTE[Math.min(idx, PALETTE.length - 1)];
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function init(el) {
    var ds = el.dataset;
    var map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 14 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(ds.attribution || "");
    map.setView([-2.5, 118], 5);

    // The legend sits under the map, not on it: inside the map it covered half the country on a phone.
    var legendDiv = L.DomUtil.create("div", "map-legend map-legend-below");
    el.parentNode.insertBefore(legendDiv, el.nextSibling);

    function drawLegend(bounds) {
      legendDiv.textContent = "";
      var title = document.createElement("strong");
      title.textContent = ds.labelLegend;
      legendDiv.appendChild(title);
      function row(c, label) {
        var line = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = c;
        line.appendChild(swatch);
        line.appendChild(document.createTextNode(label));
        legendDiv.appendChild(line);
      }
      row(PALETTE[0], "0");
      for (var i = 0; i < bounds.length; i++) {
        var lo = bounds[i] + 1;
        var hi = bounds[i + 1];
        row(PALETTE[Math.min(i + 1, PALETTE.length - 1)], hi ? (lo === hi ? fmt(lo) : fmt(lo) + "–" + fmt(hi)) : fmt(lo) + "+");
      }
    }

    function tooltip(p) {
      return "<strong>" + escapeHtml(p.name) + "</strong><br>" + fmt(p.centres) + " " + escapeHtml(ds.labelCentres) +
        " · " + fmt(p.enterprises) + " " + escapeHtml(ds.labelEnterprises);
    }

    function render(data) {
      var shown = data.features.filter(function (f) { return !f.properties.outline; });
      var bounds = breaks(shown.map(function (f) { return f.properties.centres || 0; }));
      var layer = L.geoJSON(data, {
        style: function (f) {
          if (f.properties.outline) return { fillColor: "#eef2f7", fillOpacity: 1, color: "#7f93a8", weight: 1 };
          return { fillColor: colour(f.properties.centres, bounds), fillOpacity: 0.95, color: "#7f93a8", weight: 0.8 };
        },
        pointToLayer: function (f, latlng) {
          var size = 5 + Math.min(10, Math.sqrt(f.properties.enterprises || 0));
          return L.circleMarker(latlng, {
            radius: size, color: "#17324d", weight: 1, fillColor: colour(f.properties.centres, bounds), fillOpacity: 0.95
          });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          if (p.outline) { l.options.interactive = false; return; }
          l.bindTooltip(tooltip(p), { sticky: true });
          if (p.url) l.on("click", function () { window.location.href = p.url; });
        }
      }).addTo(map);
      drawLegend(bounds);
      if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8], maxZoom: 12 });
      if (!shown.length) {
        var note = L.control({ position: "topright" });
        note.onAdd = function () {
          var div = L.DomUtil.create("div", "map-legend");
          div.textContent = ds.labelEmpty;
          return div;
        };
        note.addTo(map);
      }
    }

    el.setAttribute("aria-busy", "true");
    fetch(ds.regionUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { el.removeAttribute("aria-busy"); render(data); })
      .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    el.sentraMap = map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-region-url]").forEach(init);
  });
})();
