// The questionnaire works without this file. With it, each step swaps in place
// (htmx), focus moves to the new step's heading and screen readers hear it, and the
// results page gets a print button.
(function () {
  "use strict";

  function enhancePrint(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll("[data-print-hint]").forEach(function (hint) { hint.hidden = true; });
  }

  function enhanceForms(root) {
    if (!window.htmx) { return; }
    root.querySelectorAll("form[data-step-form]").forEach(function (form) {
      form.setAttribute("hx-post", form.getAttribute("action"));
      form.setAttribute("hx-target", "#questionnaire");
      form.setAttribute("hx-select", "#questionnaire");
      form.setAttribute("hx-swap", "outerHTML");
    });
    window.htmx.process(root);
  }

  function announce() {
    var heading = document.getElementById("step-heading");
    var announcer = document.getElementById("step-announcer");
    if (!heading) { return; }
    heading.focus();
    if (announcer) { announcer.textContent = heading.textContent.trim(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("questionnaire");
    if (!root) { return; }
    enhancePrint(root);
    enhanceForms(root);
    document.body.addEventListener("htmx:afterSettle", function () {
      var fresh = document.getElementById("questionnaire");
      if (!fresh) { return; }
      enhancePrint(fresh);
      enhanceForms(fresh);
      window.scrollTo(0, 0);
      announce();
    });
  });
})();
