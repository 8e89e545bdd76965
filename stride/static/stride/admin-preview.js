// Live preview of an article's Markdown in the admin: asks the server to render it
// (the same sanitiser as the public page) a moment after typing stops.
(function () {
  var box = document.getElementById("live-preview");
  var body = document.getElementById("id_body");
  if (!box || !body) return;
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    fetch(box.dataset.renderUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin",
    })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { box.textContent = "The preview could not be shown. Your text is safe: save as usual."; });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  refresh();
})();
