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

  // The diagram's areas are links (they work without JavaScript); with it, a click
  // just ticks the region, keeping what was typed.
  function enhanceDiagram(root) {
    root.querySelectorAll(".region-diagram a[data-region]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var radio = root.querySelector("input[name=region][value='" + link.dataset.region + "']");
        if (!radio) { return; }
        event.preventDefault();
        radio.checked = true;
        radio.focus();
      });
    });
  }

  // The foot diagram's places are submit buttons (they work without JavaScript); with
  // it, a tap ticks or unticks the place's checkbox here, and the two stay in step.
  function enhancePins(root) {
    root.querySelectorAll(".fd-pin[data-place]").forEach(function (pin) {
      var place = pin.getAttribute("data-place");
      var box = root.querySelector("input[name=place][value='" + place + "']");
      if (!box) { return; }
      function show() {
        pin.setAttribute("aria-pressed", box.checked ? "true" : "false");
        root.querySelectorAll(".fd-patch[data-place='" + place + "']").forEach(function (patch) {
          patch.classList.toggle("is-chosen", box.checked);
        });
      }
      pin.addEventListener("click", function (event) {
        event.preventDefault();
        box.checked = !box.checked;
        show();
      });
      box.addEventListener("change", show);
    });
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
    enhanceDiagram(root);
    enhancePins(root);
    // An answer that is not a step (a server error, an expired form) or no answer at
    // all must never blank the page: keep the step and say what to do.
    function showError(text) {
      var current = document.getElementById("questionnaire");
      if (!current || current.querySelector("[data-swap-error]")) { return; }
      var note = document.createElement("div");
      note.className = "message message-error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-swap-error", "");
      note.textContent = text + " In an emergency, call 999. For urgent advice, call NHS 111.";
      current.insertBefore(note, current.firstChild);
    }
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var text = event.detail.serverResponse || "";
      if (text.indexOf('id="questionnaire"') !== -1) { return; }
      event.detail.shouldSwap = false;
      showError("Sorry, something went wrong. Please try again, or start again.");
    });
    document.body.addEventListener("htmx:sendError", function () {
      showError("We could not reach the website. Check your connection and try again.");
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      var fresh = document.getElementById("questionnaire");
      if (!fresh) { return; }
      enhancePrint(fresh);
      enhanceForms(fresh);
      enhanceDiagram(fresh);
      enhancePins(fresh);
      // Emergency advice says 999 once, in its card; the footer's reminder steps aside.
      var note = document.querySelector(".emergency-note");
      if (note) { note.hidden = !!fresh.querySelector("[data-emergency]"); }
      window.scrollTo(0, 0);
      announce();
    });
  });
})();
