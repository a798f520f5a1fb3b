/* Maps of the portal (Leaflet, served from static/vendor): the centre map's layers and the murals trail.
 * No data in the page: the layers come from the open-data GeoJSON endpoints named in data-attributes, the tile
 * source from data-tiles (empty: a plain background). No inline script, so a strict CSP holds. */
(function () {
  "use strict";

  var STYLE = {
    gardens: {color: "#1d4f2f", fillColor: "#2f7d4a", fillOpacity: 0.6, weight: 4, radius: 8},
    murals: {color: "#6b2213", fillColor: "#b8432a", fillOpacity: 0.85, weight: 2, radius: 8},
    partners: {color: "#123f94", fillColor: "#2f6fe0", fillOpacity: 0.85, weight: 2, radius: 7}
  };

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.title || props.name || props.business || "";
    box.appendChild(title);
    var address = props.address;
    if (address) {
      var line = document.createElement("div");
      line.textContent = address;
      box.appendChild(line);
    }
    if (props.url) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = document.querySelector("[data-map]").dataset.more || "More";
      box.appendChild(link);
    }
    return box;
  }

  function drawLayer(map, key, data, options) {
    var style = STYLE[key] || STYLE.murals;
    var className = "map-feature map-feature-" + key;
    var features = (data.features || []).filter(function (f) { return f.geometry; });
    if (options.onlyTrail) {
      features = features.filter(function (f) { return f.properties.trail_order; });
    }
    var group = L.featureGroup();
    var rank = {};  // a trail stop's number is its place in the walk (1, 2, 3…), as in the list beside the map
    features.filter(function (f) { return f.properties.trail_order; })
      .sort(function (a, b) { return a.properties.trail_order - b.properties.trail_order; })
      .forEach(function (f, i) { rank[f.id] = i + 1; });
    features.forEach(function (feature) {
      var layer = L.geoJSON(feature, {
        style: function () { return Object.assign({className: className}, style); },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, Object.assign({className: className}, style));
        }
      });
      layer.bindPopup(popup(feature.properties));
      if (options.numbered && rank[feature.id]) {
        layer.bindTooltip(String(rank[feature.id]), {permanent: true, direction: "top", className: "map-stop"});
      }
      group.addLayer(layer);
    });
    var route = null;
    if (options.route) {
      var stops = features.filter(function (f) { return f.properties.trail_order && f.geometry.type === "Point"; })
        .sort(function (a, b) { return a.properties.trail_order - b.properties.trail_order; })
        .map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0]]; });
      if (stops.length > 1) {
        route = L.polyline(stops, {color: "#6b2213", weight: 4, opacity: 0.8, dashArray: "8 6", className: "map-trail"});
        group.addLayer(route);
        route.bringToBack();
      }
    }
    return {group: group, count: features.length};
  }

  function init(container) {
    var page = container.closest(".map-page") || document;
    var status = page.querySelector("[data-map-status]");
    var center = (container.dataset.center || "53.0104,18.6046").split(",").map(Number);
    var map = L.map(container, {scrollWheelZoom: false}).setView(center, Number(container.dataset.zoom || 16));
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, {maxZoom: 19, attribution: container.dataset.attribution || ""}).addTo(map);
    } else {
      container.classList.add("map-plain");
    }
    if (status) { status.textContent = container.dataset.loading || ""; }
    var items = Array.prototype.slice.call(page.querySelectorAll("[data-map-layer]"));
    var bounds = L.latLngBounds([]);
    var loads = items.map(function (item) {
      var key = item.dataset.mapLayer;
      return fetch(item.dataset.url, {headers: {Accept: "application/geo+json"}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var drawn = drawLayer(map, key, data, {
            route: item.dataset.route === "trail", onlyTrail: item.dataset.onlyTrail === "1",
            numbered: item.dataset.numbered === "1"
          });
          drawn.group.addTo(map);
          if (drawn.count) { bounds.extend(drawn.group.getBounds()); }
          item.dataset.drawn = String(drawn.count);
          var count = item.querySelector("[data-layer-count]");
          if (count) { count.textContent = "(" + drawn.count + ")"; }
          var toggle = item.querySelector("[data-layer-toggle]");
          if (toggle) {
            toggle.addEventListener("change", function () {
              if (toggle.checked) { drawn.group.addTo(map); } else { map.removeLayer(drawn.group); }
            });
          }
        });
    });
    Promise.all(loads).then(function () {
      if (bounds.isValid()) { map.fitBounds(bounds, {padding: [24, 24], maxZoom: 17}); }
      if (status) { status.textContent = ""; }
      container.dataset.ready = "1";
    }).catch(function () {
      if (status) { status.textContent = container.dataset.failed || ""; }
      container.dataset.ready = "error";
    });
  }

  if (window.L) {
    document.querySelectorAll("[data-map]").forEach(init);
  }
})();
