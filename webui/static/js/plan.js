// Planning editors: add and remove SKP rows (RHK, IKI) from <template>s, and filter the list of raters.
// Input names are the engine's error paths (skp/rhk/0/iki/1/target): rows are renumbered after each change
// so the server, which accepts any count, reads them in the order shown.
"use strict";

(function () {
  const ATTRIBUTES = ["name", "id", "for", "aria-describedby", "aria-labelledby"];

  function replaceIn(root, pattern, replacement) {
    const nodes = [root, ...root.querySelectorAll("*")];
    for (const node of nodes) {
      for (const attribute of ATTRIBUTES) {
        const value = node.getAttribute && node.getAttribute(attribute);
        if (value) node.setAttribute(attribute, value.replace(pattern, replacement));
      }
    }
  }

  function renumber(list) {
    list.querySelectorAll(":scope > [data-plan-rhk]").forEach(function (card, i) {
      replaceIn(card, /(rhk[/-])(\d+|__I__)/g, "$1" + i);
      const number = card.querySelector("[data-plan-rhk-number]");
      if (number) number.textContent = String(i + 1);
      card.querySelectorAll("[data-plan-iki]").forEach(function (row, j) {
        replaceIn(row, /(iki[/-])(\d+|__J__)/g, "$1" + j);
        const label = row.querySelector("[data-plan-iki-number]");
        if (label) label.textContent = String(j + 1);
      });
    });
  }

  function cloneTemplate(id) {
    const template = document.getElementById(id);
    return template ? template.content.firstElementChild.cloneNode(true) : null;
  }

  function setUpSkpEditor(list) {
    const form = list.closest("form");
    form.addEventListener("click", function (event) {
      const target = event.target.closest("button");
      if (!target) return;
      if (target.hasAttribute("data-plan-add-rhk")) {
        const card = cloneTemplate("plan-rhk-template");
        if (!card) return;
        list.appendChild(card);
        renumber(list);
        card.querySelector("textarea, input:not([type=hidden])").focus();
      } else if (target.hasAttribute("data-plan-remove-rhk")) {
        target.closest("[data-plan-rhk]").remove();
        renumber(list);
      } else if (target.hasAttribute("data-plan-add-iki")) {
        const row = cloneTemplate("plan-iki-template");
        if (!row) return;
        target.closest("[data-plan-rhk]").querySelector("[data-plan-iki-list]").appendChild(row);
        renumber(list);
        row.querySelector("input").focus();
      } else if (target.hasAttribute("data-plan-remove-iki")) {
        target.closest("[data-plan-iki]").remove();
        renumber(list);
      }
    });
  }

  function setUpRaterFilter(input) {
    const items = document.querySelectorAll("[data-plan-candidate]");
    input.addEventListener("input", function () {
      const wanted = input.value.trim().toLowerCase();
      items.forEach(function (item) {
        const text = item.getAttribute("data-plan-candidate");
        item.classList.toggle("d-none", wanted !== "" && text.indexOf(wanted) === -1);
      });
    });
  }

  function setUpRaterCount(output) {
    const boxes = document.querySelectorAll("input[name='daftar_rekan']");
    function update() {
      output.textContent = String(Array.from(boxes).filter(function (box) { return box.checked; }).length);
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const list = document.querySelector("[data-plan-rhk-list]");
    if (list) setUpSkpEditor(list);
    const filter = document.querySelector("[data-plan-rater-filter]");
    if (filter) setUpRaterFilter(filter);
    const count = document.querySelector("[data-plan-rater-count]");
    if (count) setUpRaterCount(count);
  });
})();
