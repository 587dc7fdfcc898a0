// Progressive enhancement of the referral's person page: once the referrer has given a
// name and moves on from a field, ask /person-index/matches/ (with the page's own session)
// whether this person may already be known, and whom to ask at the hub; those who may be
// told also see who knows them (docs/decisions/0072). Without this script the people page
// shows the same panel once the person is saved. Everything is written with textContent:
// nothing from the server is parsed as HTML.
//
// Lookups are limited per user and hour (NESTGUARD_KNOWN_LOOKUPS_PER_HOUR), so the script
// asks only when a field is left ("change", not every key), only with a given and a family
// name, and never twice for the same details. Past the limit the answer is 429 and the
// panel shows its message.
//
// While the web process is still building its index the answer is 503 with Retry-After
// (docs/decisions/0043): the panel says the check is starting, and asks again after that
// many seconds unless the referrer has typed something since.
(function () {
  "use strict";
  var panel = document.querySelector("[data-linkage-matches]");
  if (!panel || !window.fetch) { return; }
  var form = panel.closest("form") || document.querySelector("form");
  if (!form) { return; }
  var url = panel.getAttribute("data-linkage-matches");
  var timer = null;
  var latest = 0;
  var lastAsked = "";
  var STARTING = "The check for people already known to other agencies is starting and will be available shortly.";

  function value(name) {
    var field = form.querySelector("[name='" + name + "']");
    return field ? field.value.trim() : "";
  }

  function dateOfBirth() {
    var d = value("date_of_birth_day"), m = value("date_of_birth_month"), y = value("date_of_birth_year");
    if (!/^\d{4}$/.test(y)) { return ""; }
    if (!/^\d{1,2}$/.test(m)) { return y; }
    var month = ("0" + m).slice(-2);
    if (!/^\d{1,2}$/.test(d)) { return y + "-" + month; }
    return y + "-" + month + "-" + ("0" + d).slice(-2);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function row(list, key, build) {
    var wrapper = el("div", "govuk-summary-list__row");
    wrapper.appendChild(el("dt", "govuk-summary-list__key", key));
    var dd = el("dd", "govuk-summary-list__value");
    build(dd);
    wrapper.appendChild(dd);
    list.appendChild(wrapper);
  }

  function renderWaiting(detail) {
    panel.textContent = "";
    var inset = el("div", "govuk-inset-text");
    inset.appendChild(el("p", "govuk-body", detail || STARTING));
    inset.appendChild(el("p", "govuk-body", "You can carry on with the referral. Nestguard will check again by itself."));
    panel.appendChild(inset);
  }

  function retrySeconds(response) {
    var seconds = parseInt(response.headers.get("Retry-After"), 10);
    if (isNaN(seconds)) { seconds = 30; }
    return Math.min(Math.max(seconds, 5), 120);
  }

  function waiting(response) {
    var wait = retrySeconds(response);
    return response.json()
      .catch(function () { return {}; })
      .then(function (body) { return { waiting: true, detail: body && body.detail, wait: wait }; });
  }

  function renderAsk(ask) {
    panel.appendChild(el("p", "govuk-body", "To find out more, ask the triage team at the hub. They can tell you what you need to know, under the partnership's information sharing agreements."));
    if (!ask.length) { return; }
    var ul = el("ul", "govuk-list");
    ask.forEach(function (hub) {
      var li = el("li");
      li.appendChild(el("strong", "", hub.team + ", " + hub.agency));
      [hub.name, hub.phone, hub.email].filter(Boolean).forEach(function (line) {
        li.appendChild(document.createElement("br"));
        li.appendChild(document.createTextNode(line));
      });
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function renderRefused(detail) {
    panel.textContent = "";
    var warning = el("div", "govuk-warning-text");
    var icon = el("span", "govuk-warning-text__icon", "!");
    icon.setAttribute("aria-hidden", "true");
    warning.appendChild(icon);
    var text = el("strong", "govuk-warning-text__text");
    text.appendChild(el("span", "govuk-visually-hidden", "Warning"));
    text.appendChild(document.createTextNode(detail || "You have checked too many times in the last hour."));
    warning.appendChild(text);
    panel.appendChild(warning);
  }

  function render(data) {
    panel.textContent = "";
    if (!data.ready) {
      panel.appendChild(el("p", "govuk-body", "The person index has no linkage model yet, so Nestguard cannot say whether this person is already known."));
      return;
    }
    if (data.answer !== "may_be_known") {
      panel.appendChild(el("p", "govuk-body", "No one in the person index matches these details so far."));
      return;
    }
    var lead = el("p", "govuk-body");
    lead.appendChild(el("strong", "", "This person may already be known to the partnership."));
    panel.appendChild(lead);
    (data.candidates || []).forEach(function (candidate, i) {
      var card = el("div", "govuk-summary-card");
      var title = el("div", "govuk-summary-card__title-wrapper");
      title.appendChild(el("h4", "govuk-summary-card__title", "Possible match " + (i + 1) + ": " + Math.round(candidate.match_probability * 100) + "% likely (match weight " + candidate.match_weight.toFixed(1) + ")"));
      card.appendChild(title);
      var content = el("div", "govuk-summary-card__content");
      var list = el("dl", "govuk-summary-list");
      row(list, "What agreed", function (dd) {
        var ul = el("ul", "govuk-list");
        candidate.evidence.forEach(function (e) { ul.appendChild(el("li", "", e.field + ": " + e.comparison)); });
        dd.appendChild(ul);
      });
      row(list, "Known to", function (dd) {
        var ul = el("ul", "govuk-list");
        candidate.known_to.forEach(function (k) {
          var li = el("li");
          li.appendChild(el("strong", "", k.agency));
          k.contacts.forEach(function (c) {
            li.appendChild(document.createElement("br"));
            var parts = [c.name, c.phone, c.email].filter(Boolean);
            li.appendChild(document.createTextNode("Contact: " + parts.join(", ")));
          });
          ul.appendChild(li);
        });
        dd.appendChild(ul);
      });
      if (candidate.people.length) {
        row(list, "In Nestguard", function (dd) {
          candidate.people.forEach(function (p, j) {
            if (j) { dd.appendChild(document.createTextNode(", ")); }
            var a = el("a", "govuk-link", p.display_name);
            a.href = p.url;
            dd.appendChild(a);
          });
        });
      }
      content.appendChild(list);
      card.appendChild(content);
      panel.appendChild(card);
    });
    renderAsk(data.ask || []);
  }

  function lookUp() {
    var params = new URLSearchParams({
      given_name: value("given_name"),
      family_name: value("family_name"),
      date_of_birth: dateOfBirth()
    });
    if (!params.get("given_name") || !params.get("family_name")) { panel.textContent = ""; lastAsked = ""; return; }
    var query = params.toString();
    if (query === lastAsked) { return; }
    lastAsked = query;
    var ticket = ++latest;
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 503) { lastAsked = ""; return waiting(response); }
        if (response.status === 429) {
          return response.json().catch(function () { return {}; })
            .then(function (body) { return { refused: true, detail: body && body.detail }; });
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || ticket !== latest) { return; }
        if (data.refused) { lastAsked = ""; renderRefused(data.detail); return; }
        if (!data.waiting) { render(data); return; }
        renderWaiting(data.detail);
        timer = setTimeout(function () { if (ticket === latest) { lookUp(); } }, data.wait * 1000);
      })
      .catch(function () { /* the panel after saving still shows the candidates */ });
  }

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (!name || !/^(given_name|family_name|date_of_birth_)/.test(name)) { return; }
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  panel.hidden = false;
})();
