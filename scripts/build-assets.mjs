// Copies the built files of our npm dependencies into nestguard/static/vendor.
// They are never committed: `make setup` runs this after `npm ci`.
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "nestguard", "static", "vendor");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css", "govuk/govuk-frontend.min.css"],
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["node_modules/govuk-frontend/dist/govuk/assets", "govuk/assets"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["node_modules/axe-core/axe.min.js", "axe/axe.min.js"],
  ["node_modules/leaflet/dist/leaflet-src.esm.js", "leaflet/leaflet-src.esm.js"],
  ["node_modules/leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["node_modules/leaflet/dist/images", "leaflet/images"],
  ["node_modules/cytoscape/dist/cytoscape.esm.min.mjs", "cytoscape/cytoscape.esm.min.mjs"],
];
for (const [from, to] of copies) {
  const src = join(root, from);
  if (!existsSync(src)) {
    console.error(`missing ${from}: run npm ci`);
    process.exit(1);
  }
  cpSync(src, join(out, to), { recursive: true });
}
// GOV.UK Frontend's CSS points at /assets/; we serve its assets under /static/vendor/govuk/assets/.
const css = join(out, "govuk/govuk-frontend.min.css");
writeFileSync(css, readFileSync(css, "utf8").replaceAll("url(/assets/", "url(/static/vendor/govuk/assets/"));
console.log(`assets built into ${out}`);
