// The time picker works without this file: every day and month is a link (or a button
// of the posted form). With it, htmx swaps the picker in place, focus moves to what
// changed (the day's times, or the month) and screen readers hear what is shown.
// Should the swap fail, the link is followed (the form posted) as usual.
(function () {
  "use strict";

  var last = null; // the control that asked for the swap: {kind, href}

  function enhance(root) {
    if (!window.htmx) { return; }
    root.querySelectorAll("[data-picker]").forEach(function (control) {
      if (control.tagName === "A") {
        control.setAttribute("hx-get", control.getAttribute("href"));
      } else if (control.form) {
        control.setAttribute("hx-post", control.form.getAttribute("action"));
      }
      control.setAttribute("hx-target", "#picker");
      control.setAttribute("hx-swap", "outerHTML");
      control.setAttribute("hx-indicator", "#picker");
      control.addEventListener("click", function () {
        last = { kind: control.dataset.picker, href: control.getAttribute("href"), control: control };
      });
    });
    window.htmx.process(root);
  }

  function fallBack() {
    if (!last) { return; }
    var control = last.control;
    last = null;
    if (control.tagName === "A") {
      window.location.assign(control.href);
    } else if (control.form) {
      control.form.requestSubmit(control);
    }
  }

  function settle() {
    var fresh = document.getElementById("picker");
    var status = document.getElementById("picker-status");
    if (!fresh || !last) { return; }
    enhance(fresh);
    var target;
    var words = fresh.dataset.dayLabel;
    if (last.kind === "day") {
      target = document.getElementById("picker-day");
    } else {
      target = fresh.querySelector("[data-picker='" + last.kind + "']") ||
        document.getElementById("picker-month");
      words = fresh.dataset.monthLabel + " " + words;
    }
    if (last.href) {
      window.history.replaceState(null, "", last.href);
    }
    last = null;
    if (target) { target.focus(); }
    if (status) { status.textContent = words; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("picker");
    if (!root) { return; }
    enhance(root);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var picker = document.getElementById("picker");
      if (picker) { picker.setAttribute("aria-busy", "true"); }
      if (!last) { last = { kind: "day", href: null, control: event.detail.elt }; }
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var text = event.detail.serverResponse || "";
      if (event.detail.xhr.status !== 200 || text.indexOf('id="picker"') === -1) {
        event.detail.shouldSwap = false;
        fallBack();
      }
    });
    document.body.addEventListener("htmx:sendError", fallBack);
    document.body.addEventListener("htmx:afterSettle", settle);
  });
})();
