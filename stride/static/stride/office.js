// Back-office pages work without this file. With it, print buttons appear, and quick
// actions (marking attendance from the day's list) update their entry in place with
// htmx, keep keyboard focus on it and announce the result.
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    if (!window.htmx) { return; }
    root.querySelectorAll("form[data-quick]").forEach(function (form) {
      var target = form.getAttribute("data-quick");
      form.setAttribute("hx-post", form.getAttribute("action"));
      form.setAttribute("hx-target", target);
      form.setAttribute("hx-select", target);
      form.setAttribute("hx-swap", "outerHTML");
    });
    window.htmx.process(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var card = event.detail.elt;
      if (!card || !card.id) { return; }
      var fresh = document.getElementById(card.id);
      if (!fresh) { return; }
      enhance(fresh);
      var pressed = fresh.querySelector("[aria-pressed=true]");
      (pressed || fresh).focus();
      live.textContent = pressed ? "Marked: " + pressed.textContent.trim() : "Updated";
    });
  });
})();
