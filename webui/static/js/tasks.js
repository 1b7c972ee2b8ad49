// Task page: the required mark of a `required_if` field follows the field it depends on, and a form is
// sent once (a double click would post it twice; the server refuses the second, this spares the wait).
"use strict";
(function () {
  const form = document.querySelector("form.task-form");
  if (!form) {
    return;
  }

  function currentValue(name) {
    const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    for (const input of inputs) {
      if ((input.type === "radio" || input.type === "checkbox")) {
        if (input.checked) {
          return input.value;
        }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function refresh() {
    for (const input of form.querySelectorAll("[data-required-if]")) {
      const needed = currentValue(input.dataset.requiredIf) === input.dataset.requiredValue;
      input.required = needed;
      input.setAttribute("aria-required", needed ? "true" : "false");
      const box = input.closest(".task-field");
      const mark = box && box.querySelector(".required-mark");
      if (mark) {
        mark.classList.toggle("d-none", !needed);
      }
    }
  }

  form.addEventListener("change", refresh);
  refresh();

  let sent = false;
  form.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
  });
  // Back to the page from the history: it may be sent again (the server judges whether it still can).
  window.addEventListener("pageshow", function () {
    sent = false;
  });
})();
