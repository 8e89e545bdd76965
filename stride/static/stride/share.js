// "Copy link": copies the page address. Without JavaScript it is a plain link to the page.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a.copy-link");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.dataset.copy).then(function () {
    var status = document.getElementById("copy-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "copy-status";
      status.setAttribute("role", "status");
      link.closest("section").appendChild(status);
    }
    status.textContent = "Link copied.";
  });
});
