// "Copy email HTML" on a draft's preview page: copies the draft's email edition
// (email.html, beside the page) to the clipboard, for pasting into an email tool.
// The file is fetched when the page loads, so the click itself only writes the
// clipboard (some browsers refuse it after a wait). Loaded with defer; no inline script.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-email]");
  if (!button || !navigator.clipboard || !window.isSecureContext) return;
  var status = document.querySelector("[data-copy-email-status]");
  var d = button.dataset;

  function say(text) {
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 100);
  }

  fetch(new URL(d.copyEmail, location.href).href, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    })
    .then(function (html) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(html).then(
          function () { say(d.copied); },
          function () { say(d.failed); });
      });
    })
    .catch(function () {});
})();
