// settle web desk: a little progressive enhancement. Every page works without it; with it, the
// draft's copy button copies the draft (the Clipboard API, else selecting the text) and says so.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var area = document.getElementById(button.getAttribute("data-copy"));
  if (!area) return;
  var status = button.parentElement.querySelector(".copied");
  function done() {
    if (status) status.textContent = status.getAttribute("data-copied");
    button.setAttribute("data-done", "yes");
  }
  area.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(area.value).then(done, function () {
      document.execCommand("copy");
      done();
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
