/* Keeps the deadline state live: updates "N days left" and closes the page when the
   deadline passes in the visitor's browser. Without JavaScript the state the site was
   built with stands. The rounding matches plugins/alerts/authoring/deadline.py. */
(function () {
  "use strict";
  var box = document.querySelector("[data-deadline]");
  var page = document.querySelector("[data-alert]");
  var printButton = document.querySelector("[data-print]");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  if (!box || !page) return;
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  var closingMs = parseFloat(box.getAttribute("data-closing-hours")) * 3600000;
  var words = JSON.parse(box.getAttribute("data-words"));
  var left = box.querySelector("[data-time-left]");
  var badge = box.querySelector("[data-state-badge]");
  if (isNaN(deadline)) return;

  function timeLeft(ms) {
    var minutes = Math.floor(ms / 60000), unit, n;
    if (minutes < 1) { unit = "less_than_minute"; n = 1; }
    else if (minutes < 60) { unit = "minute"; n = minutes; }
    else if (minutes < 48 * 60) { unit = "hour"; n = Math.floor(minutes / 60); }
    else { unit = "day"; n = Math.floor(minutes / 1440); }
    var amount = n === 1 ? words[unit] : words[unit + "s"].replace("{n}", n);
    return words[n === 1 ? "left_one" : "left"].replace("{n}", amount);
  }

  function update() {
    var ms = deadline - Date.now();
    var state = ms <= 0 ? "closed" : ms <= closingMs ? "closing" : "open";
    page.setAttribute("data-state", state);
    page.className = page.className.replace(/\balert-(open|closing|closed)\b/, "alert-" + state);
    if (badge) {
      badge.className = "badge badge-" + state;
      badge.textContent = words[state === "closing" ? "closing_soon" : state];
    }
    if (state === "closed") {
      if (left) left.textContent = "";
      var notice = document.querySelector("[data-closed-notice]");
      if (notice) notice.hidden = false;
      var blocks = document.querySelectorAll("[data-actions], [data-actions-section]");
      for (var i = 0; i < blocks.length; i++) blocks[i].hidden = true;
      clearInterval(timer);
      return;
    }
    if (left) left.textContent = timeLeft(ms);
  }
  var timer = setInterval(update, 30000);
  update();
})();
