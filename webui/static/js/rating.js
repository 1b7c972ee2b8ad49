// Rating and calibration pages (no inline script: the CSP forbids it). Without JavaScript both still work:
// the rating page shows the predikat matrix and the preview after a submission, the server checks every reason.
"use strict";

// Calibration page: a changed predikat makes its reason required (the server refuses it without one).
(function () {
  document.querySelectorAll("select[data-current]").forEach(function (select) {
    const reason = document.getElementById(select.dataset.reason);
    const hint = document.getElementById(select.dataset.reason + "-hint");
    function mark() {
      const changed = select.value !== select.dataset.current;
      reason.required = changed;
      hint.classList.toggle("d-none", !changed);
    }
    select.addEventListener("change", mark);
    mark();
  });
}());

// Rating page: ask the server for the predikat the process's own DMN gives whenever an overall rating changes.
(function () {
  const box = document.getElementById("predikat-preview");
  if (!box) {
    return;
  }
  const label = box.querySelector("[data-predikat-label]");
  const empty = box.querySelector("[data-predikat-empty]");
  const inputs = Array.from(document.querySelectorAll("[data-rating-input]"));
  let pending = null;

  function update() {
    const params = new URLSearchParams();
    inputs.forEach(function (input) {
      if (input.value) {
        params.set(input.dataset.ratingInput, input.value);
      }
    });
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(box.dataset.previewUrl + "?" + params.toString(), {
      credentials: "same-origin", headers: {"Accept": "application/json"}, signal: pending.signal,
    }).then(function (response) {
      return response.ok ? response.json() : {label: null};
    }).then(function (data) {
      label.textContent = data.label || empty.textContent;
    }).catch(function () { /* keep the last answer: the server checks again on submission */ });
  }

  inputs.forEach(function (input) {
    input.addEventListener("change", update);
  });
  if (inputs.some(function (input) { return input.value; })) {
    update();
  }
}());
