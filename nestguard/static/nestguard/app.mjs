// Starts GOV.UK Frontend's components; no inline script anywhere (CSP script-src 'self').
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
