// The chain-verification page: while a check runs, poll its progress and reload the page when it ends.
(function () {
  "use strict";
  var section = document.getElementById("check");
  if (!section || section.dataset.status !== "running") { return; }
  var bar = document.querySelector("#check-progress .progress-bar");
  var progress = document.getElementById("check-progress");
  var state = document.getElementById("check-state");
  var template = state.textContent.trim();

  function poll() {
    fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (check) {
        bar.style.width = check.percent + "%";
        progress.setAttribute("aria-valuenow", String(check.percent));
        if (check.status !== "running") {
          // The server renders the result with its words and links: reload once done.
          window.location.assign(section.dataset.pageUrl);
          return;
        }
        // Keep the server's sentence, only with the new count of chains done.
        state.textContent = template.replace(/\d+/, String(check.chains_done));
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
