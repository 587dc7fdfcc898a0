// The linkage run page asks for its run's progress every two seconds while it is running,
// and reloads once it has finished so the counts appear. Without this script the page has
// a link to refresh it.
(function () {
  "use strict";
  var box = document.querySelector("[data-linkage-run]");
  if (!box || !window.fetch || box.getAttribute("data-active") !== "true") { return; }
  var url = box.getAttribute("data-linkage-run");
  var status = box.querySelector("[data-run-status]");
  var bar = box.querySelector("[data-run-progress]");
  var percent = box.querySelector("[data-run-percent]");
  var stage = box.querySelector("[data-run-stage]");
  var announce = box.querySelector("[data-run-announce]");
  var lastStage = "";

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        status.textContent = data.status_label;
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        percent.textContent = data.progress + "%";
        stage.textContent = data.stage || "Waiting to start";
        if (data.stage && data.stage !== lastStage) { announce.textContent = data.stage; lastStage = data.stage; }
        if (data.active) { setTimeout(poll, 2000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
