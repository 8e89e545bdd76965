// Back-office pages work without this file. With it, print buttons appear; quick
// actions (arrival and attendance from the diary's grid) update their entry in place
// with htmx, keep keyboard focus on it and announce the result; and the diary's day and
// week links swap the grid in place, keeping the address and moving focus to the heading.
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    if (!window.htmx) { return; }
    root.querySelectorAll("a[data-diary-nav]").forEach(function (link) {
      link.setAttribute("hx-get", link.getAttribute("href"));
      link.setAttribute("hx-target", "#diary");
      link.setAttribute("hx-swap", "outerHTML");
    });
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
      var diary = document.getElementById("diary");
      if (diary && event.detail.target && event.detail.target.id === "diary") {
        enhance(diary);
        var path = event.detail.pathInfo && event.detail.pathInfo.requestPath;
        if (path) { window.history.replaceState(null, "", path); }
        var heading = diary.querySelector("h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
          document.title = "Diary: " + heading.textContent.trim();
          live.textContent = heading.textContent.trim();
        }
        return;
      }
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
