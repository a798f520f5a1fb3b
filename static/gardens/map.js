/* Café-garden maps (Leaflet + Leaflet.draw, served locally; no inline script, so a strict CSP holds).
 *
 * An element with data-garden-map gets a map. Its data attributes:
 *   data-tiles       the tile URL template (empty: a plain background, as in tests and offline)
 *   data-attribution the tiles' attribution
 *   data-centre      "lat,lon" to start at when there is nothing to show
 *   data-neighbours  the id of a <script type="application/json"> holding a FeatureCollection (other gardens)
 *   data-outline     the id of a <script type="application/json"> holding this garden's polygon, shown read-only
 *   data-input       the id of a hidden <input> the drawn polygon is written to (as GeoJSON): the map draws
 *   data-area        the id of an element that shows the drawn area in m²
 *   data-zoom        the starting zoom (18; the drawing page starts closer, at 20)
 */
(function () {
  "use strict";

  function readJson(id) {
    if (!id) { return null; }
    var node = document.getElementById(id);
    if (!node) { return null; }
    try {
      var text = node.tagName === "INPUT" ? node.value : node.textContent;
      return text ? JSON.parse(text) : null;
    } catch (e) { return null; }
  }

  // Area in m² of a [lng, lat] ring on a local equirectangular plane (as gardens/geometry.py computes it).
  function areaM2(ring) {
    var R = 6371008.8, lat0 = 0, i;
    for (i = 0; i < ring.length; i++) { lat0 += ring[i][1]; }
    lat0 = (lat0 / ring.length) * Math.PI / 180;
    var k = Math.cos(lat0), sum = 0;
    for (i = 0; i < ring.length - 1; i++) {
      var x1 = R * ring[i][0] * Math.PI / 180 * k, y1 = R * ring[i][1] * Math.PI / 180;
      var x2 = R * ring[i + 1][0] * Math.PI / 180 * k, y2 = R * ring[i + 1][1] * Math.PI / 180;
      sum += x1 * y2 - x2 * y1;
    }
    return Math.abs(sum / 2);
  }

  function formatArea(value, lang) {
    return value.toLocaleString(lang || "pl-PL", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + "\u00a0m²";
  }

  function setup(element) {
    var tiles = element.getAttribute("data-tiles");
    var centre = (element.getAttribute("data-centre") || "53.0102,18.6048").split(",").map(Number);
    var zoom = Number(element.getAttribute("data-zoom") || 18);
    var map = L.map(element, {scrollWheelZoom: false, maxZoom: 21}).setView(centre, zoom);
    if (tiles) {
      L.tileLayer(tiles, {maxZoom: 21, maxNativeZoom: 19,
        attribution: element.getAttribute("data-attribution") || ""}).addTo(map);
    } else {
      element.classList.add("plain-map");
    }
    var bounds = L.latLngBounds([]);
    var neighbours = readJson(element.getAttribute("data-neighbours"));
    if (neighbours && neighbours.features && neighbours.features.length) {
      var layer = L.geoJSON(neighbours, {
        style: {color: "#555", weight: 1, fillColor: "#999", fillOpacity: 0.35},
        onEachFeature: function (feature, lyr) {
          var p = feature.properties || {};
          var text = [p.permit_number, p.business, p.address, p.period].filter(Boolean).join(" · ");
          if (text) { lyr.bindTooltip(text); }
        }
      }).addTo(map);
      bounds.extend(layer.getBounds());
    }
    var own = readJson(element.getAttribute("data-outline"));
    if (own) {
      var ownLayer = L.geoJSON(own, {style: {color: "#8c2f1b", weight: 3, fillOpacity: 0.4}}).addTo(map);
      bounds.extend(ownLayer.getBounds());
    }
    var inputId = element.getAttribute("data-input");
    if (inputId) { drawing(map, element, document.getElementById(inputId), bounds); }
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.5), {maxZoom: 19}); }
    element.setAttribute("data-ready", "true");
  }

  function drawing(map, element, input, bounds) {
    var drawn = new L.FeatureGroup().addTo(map);
    var areaNode = document.getElementById(element.getAttribute("data-area"));
    var lang = document.documentElement.lang === "en" ? "en-GB" : "pl-PL";
    function show(geometry) {
      if (!areaNode) { return; }
      areaNode.textContent = geometry ? formatArea(areaM2(geometry.coordinates[0]), lang) : "—";
    }
    function store() {
      var layers = drawn.getLayers();
      var geometry = layers.length ? layers[layers.length - 1].toGeoJSON().geometry : null;
      input.value = geometry ? JSON.stringify(geometry) : "";
      show(geometry);
    }
    var existing = readJson(input.id);
    if (existing) {
      L.geoJSON(existing).eachLayer(function (layer) { drawn.addLayer(layer); });
      bounds.extend(drawn.getBounds());
      show(existing);
    }
    map.addControl(new L.Control.Draw({
      draw: {polygon: {allowIntersection: false, showArea: false}, polyline: false, rectangle: false,
             circle: false, marker: false, circlemarker: false},
      edit: {featureGroup: drawn}
    }));
    map.on(L.Draw.Event.CREATED, function (event) {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      store();
    });
    map.on(L.Draw.Event.EDITED, store);
    map.on(L.Draw.Event.DELETED, store);
  }

  function start() {
    var maps = document.querySelectorAll("[data-garden-map]");
    for (var i = 0; i < maps.length; i++) { setup(maps[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
