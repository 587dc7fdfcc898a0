// The address page's map: progressive enhancement only. Without JavaScript the page gives
// the coordinates in words. Without a tile source (the default) the point is drawn on a
// plain background; NESTGUARD_MAP_TILE_URL turns tiles on.
import * as L from "/static/vendor/leaflet/leaflet-src.esm.js";

for (const element of document.querySelectorAll("[data-ng-map]")) {
  const lat = Number(element.dataset.lat);
  const lon = Number(element.dataset.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
  const map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tiles) });
  map.setView([lat, lon], 17);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: element.dataset.attribution || "",
    }).addTo(map);
  }
  L.circleMarker([lat, lon], { radius: 9, color: "#d4351c", weight: 3, fillOpacity: 0.6 })
    .addTo(map)
    .bindTooltip(element.dataset.label || "The property");
}
