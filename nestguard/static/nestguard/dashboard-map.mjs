// The dashboard's ward map (decision 0093): progressive enhancement only. The table beside
// the map gives every ward's count; the map colours each ward's outline by the band the
// server chose, from the same suppressed table. No tile server is needed: the wards are
// drawn on a plain background unless NESTGUARD_MAP_TILE_URL turns tiles on.
import * as L from "/static/vendor/leaflet/leaflet-src.esm.js";

const element = document.querySelector("[data-ng-ward-map]");
const source = document.getElementById("ng-ward-features");
if (element && source) {
  const features = JSON.parse(source.textContent);
  const map = L.map(element, {
    scrollWheelZoom: false,
    attributionControl: Boolean(element.dataset.tiles),
    zoomSnap: 0.25,
  });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: element.dataset.attribution || "",
    }).addTo(map);
  }
  const style = (feature, highlighted) => {
    const withheld = feature.properties.band === "withheld";
    return {
      color: highlighted ? "#0b0c0c" : "#505a5f",
      weight: highlighted ? 4 : 1,
      dashArray: withheld ? "4 3" : null,
      fillColor: feature.properties.colour,
      fillOpacity: 1,
    };
  };
  const layer = L.geoJSON({ type: "FeatureCollection", features }, {
    style: (feature) => style(feature, false),
    onEachFeature: (feature, shape) => {
      const shown = feature.properties.shown;
      shape.bindTooltip(`${feature.properties.name}: ${shown === "[c]" ? "[c] (a small number, withheld)" : shown}`);
    },
  }).addTo(map);
  if (features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  element.dataset.ready = "true";

  // The key: each colour is a button that outlines its wards on the map.
  for (const button of document.querySelectorAll(".ng-legend__item")) {
    button.addEventListener("click", () => {
      const pressed = button.getAttribute("aria-pressed") !== "true";
      for (const other of document.querySelectorAll(".ng-legend__item")) {
        other.setAttribute("aria-pressed", "false");
      }
      button.setAttribute("aria-pressed", String(pressed));
      layer.eachLayer((shape) => {
        const on = pressed && shape.feature.properties.band === button.dataset.band;
        shape.setStyle(style(shape.feature, on));
        if (on) shape.bringToFront();
      });
    });
  }
}
