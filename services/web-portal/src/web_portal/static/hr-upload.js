// Progressive enhancement of the roster upload: show the progress bar while the file is sent.
// Without this script the form still works (a plain multipart POST).
document.querySelectorAll("form[data-upload]").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.classList.add("sending");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
  });
});
