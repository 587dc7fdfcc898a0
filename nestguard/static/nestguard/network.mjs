// The network chart: progressive enhancement only. The tables below it hold the same network
// (and are the keyboard's way through it); without JavaScript the page is complete.
import cytoscape from "/static/vendor/cytoscape/cytoscape.esm.min.mjs";

const COLOURS = {
  person: "#1d70b8", address: "#00703c", phone: "#f47738", vehicle: "#6f72af",
  line: "#d4351c", referral: "#505a5f", case: "#505a5f", missing: "#912b88",
  enforcement: "#28a197", intelligence: "#b58840",
};

for (const element of document.querySelectorAll("[data-ng-network]")) {
  const source = document.getElementById(element.dataset.ngNetwork);
  if (!source) continue;
  const elements = JSON.parse(source.textContent);
  const large = elements.length > 600;
  const cy = cytoscape({
    container: element,
    elements,
    wheelSensitivity: 0.2,
    layout: large ? { name: "concentric", concentric: (n) => (n.data("start") ? 10 : 1) } : { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, width: 14, height: 14, "background-color": (n) => COLOURS[n.data("kind")] || "#0b0c0c" } },
      { selector: "node[?start]", style: { width: 24, height: 24, "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "edge", style: { width: 1, "line-color": "#b1b4b6", "curve-style": "haystack" } },
    ],
  });
  cy.on("tap", "node", (event) => {
    const url = event.target.data("url");
    if (url) window.location.assign(url);
  });
}
