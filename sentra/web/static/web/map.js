/* Choropleth of sentra IKM per province with drill-down to regencies; no tile layer (offline). */
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

  function initChoropleth(el) {
    var ds = el.dataset;
    var map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 12 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(ds.attribution || "");
    map.setView([-2.5, 118], 5);
    var layer = null;
    var title = document.getElementById("map-title");
    // The legend sits under the map, not on it: inside the map it covered half the country on a phone.
    var legendDiv = L.DomUtil.create("div", "map-legend map-legend-below");
    el.parentNode.insertBefore(legendDiv, el.nextSibling);

    var back = L.control({ position: "topright" });
    back.onAdd = function () {
      var btn = L.DomUtil.create("button", "map-back btn btn-small");
      btn.type = "button";
      btn.textContent = ds.labelBack;
      L.DomEvent.disableClickPropagation(btn);
      L.DomEvent.on(btn, "click", function () { showProvinces(); });
      return btn;
    };

    // Built with DOM calls and element.style (CSSOM), never style="…" markup: the
    // Content-Security-Policy (style-src 'self') blocks inline style attributes.
    function legendRow(colour, label) {
      var row = document.createElement("div");
      var swatch = document.createElement("i");
      swatch.style.background = colour;
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(label));
      legendDiv.appendChild(row);
    }

    function drawLegend(bounds) {
      legendDiv.textContent = "";
      var title = document.createElement("strong");
      title.textContent = ds.labelLegend;
      legendDiv.appendChild(title);
      legendRow(PALETTE[0], "0");
      for (var i = 0; i < bounds.length; i++) {
        var lo = bounds[i] + 1;
        var hi = bounds[i + 1];
        legendRow(PALETTE[Math.min(i + 1, PALETTE.length - 1)],
          hi ? (lo === hi ? fmt(lo) : fmt(lo) + "–" + fmt(hi)) : fmt(lo) + "+");
      }
    }

    function render(data, onClick) {
      if (layer) map.removeLayer(layer);
      var values = data.features.map(function (f) { return f.properties.centres || 0; });
      var bounds = breaks(values);
      layer = L.geoJSON(data, {
        style: function (f) {
          return { fillColor: colour(f.properties.centres, bounds), fillOpacity: 0.95, color: "#7f93a8", weight: 0.8 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindTooltip("<strong>" + escapeHtml(p.name) + "</strong><br>" + fmt(p.centres) + " " + ds.labelCentres +
            " · " + fmt(p.enterprises) + " " + ds.labelEnterprises, { sticky: true });
          l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#17324d" }); });
          l.on("mouseout", function () { layer.resetStyle(l); });
          if (onClick) l.on("click", function () { onClick(p); });
        }
      }).addTo(map);
      drawLegend(bounds);
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    }

    function load(url, cb) {
      el.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { el.removeAttribute("aria-busy"); cb(data); })
        .catch(function () { el.removeAttribute("aria-busy"); el.classList.add("map-error"); });
    }

    var provinces = null;
    function showProvinces() {
      map.removeControl(back);
      if (title) title.textContent = title.dataset.national;
      if (provinces) return render(provinces, showRegencies);
      load(ds.provincesUrl, function (data) { provinces = data; render(data, showRegencies); });
    }

    function showRegencies(p) {
      var url = ds.regenciesUrl.replace("/00/", "/" + encodeURIComponent(p.code) + "/");
      load(url, function (data) {
        if (title) title.textContent = p.name;
        render(data, null);
        back.addTo(map);
      });
    }

    el.sentraMap = map;
    showProvinces();
  }

  function initMarker(el) {
    var ds = el.dataset;
    var lat = parseFloat(ds.markerLat), lng = parseFloat(ds.markerLng);
    var map = L.map(el, { attributionControl: false }).setView([lat, lng], 9);
    fetch(ds.provincesUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        L.geoJSON(data, { style: { color: "#8aa4c2", weight: 1, fillColor: "#eef2f7", fillOpacity: 1 }, interactive: false })
          .addTo(map).bringToBack();
      });
    L.circleMarker([lat, lng], { radius: 8, color: "#0b3a6f", weight: 2, fillColor: "#f2a900", fillOpacity: 1 })
      .addTo(map).bindTooltip(ds.markerLabel || "");
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    var el = document.getElementById("map");
    if (el && el.dataset.provincesUrl) initChoropleth(el);
    document.querySelectorAll("[data-marker-lat]").forEach(initMarker);
  });
})();
