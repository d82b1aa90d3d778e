// Copy-link and native-share buttons: each is shown only where the browser has the
// feature, so readers without them see nothing broken. Loaded with defer; no inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-share]").forEach(function (box) {
    var d = box.dataset;
    // The page may carry a root-relative link when SITEURL is unset; resolve it here.
    var url = new URL(d.url, location.href).href;
    var status = box.querySelector("[data-share-status]");
    var copy = box.querySelector("[data-share-copy]");
    var sheet = box.querySelector("[data-share-native]");

    function say(text) {
      // Clear first so the same words are announced again on a second click.
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 100);
    }

    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(
          function () { say(d.copied); },
          function () { say(d.copyFailed); });
      });
    }

    var data = { title: d.title, text: d.text, url: url };
    if (sheet && navigator.share && (!navigator.canShare || navigator.canShare(data))) {
      sheet.hidden = false;
      sheet.addEventListener("click", function () {
        // A reader closing the sheet rejects the promise; that is not an error.
        navigator.share(data).catch(function () {});
      });
    }
  });
})();
