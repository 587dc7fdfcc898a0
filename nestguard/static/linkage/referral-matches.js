// Progressive enhancement of the referral's person page: as the referrer types a name and
// date of birth, ask /person-index/matches/ (with the page's own session) and show who
// already knows this person. Without this script the people page shows the same panel once
// the person is saved. Everything is written with textContent: nothing from the server is
// parsed as HTML.
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

  function render(data) {
    panel.textContent = "";
    if (!data.ready) {
      panel.appendChild(el("p", "govuk-body", "The person index has no linkage model yet, so Nestguard cannot say who else knows this person."));
      return;
    }
    var found = data.candidates || [];
    if (!found.length) {
      panel.appendChild(el("p", "govuk-body", "No one in the person index matches these details so far."));
      return;
    }
    panel.appendChild(el("h3", "govuk-heading-s", found.length + (found.length === 1 ? " possible match" : " possible matches") + " already known"));
    found.forEach(function (candidate, i) {
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
  }

  function lookUp() {
    var params = new URLSearchParams({
      given_name: value("given_name"),
      family_name: value("family_name"),
      date_of_birth: dateOfBirth()
    });
    if (!params.get("given_name") && !params.get("family_name")) { panel.textContent = ""; return; }
    var ticket = ++latest;
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 503) { return waiting(response); }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || ticket !== latest) { return; }
        if (!data.waiting) { render(data); return; }
        renderWaiting(data.detail);
        timer = setTimeout(function () { if (ticket === latest) { lookUp(); } }, data.wait * 1000);
      })
      .catch(function () { /* the panel after saving still shows the candidates */ });
  }

  form.addEventListener("input", function (event) {
    var name = event.target && event.target.name;
    if (!name || !/^(given_name|family_name|date_of_birth_)/.test(name)) { return; }
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  panel.hidden = false;
})();
