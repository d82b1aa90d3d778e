/* Keeps deadline states live in the visitor's browser, on the alert page and in the
   listings (home, archive, tag and target pages): the badge and "N days left" follow the
   clock, an alert page closes itself when its deadline passes, and on the home page a
   closed alert moves under "Just closed" (or is hidden). One copy of the state rules for
   every page; the rounding matches plugins/alerts/authoring/deadline.py. Without
   JavaScript the state the site was built with stands. */
(function () {
  "use strict";
  var printButton = document.querySelector("[data-print]");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  function stateAt(ms, closingMs) {
    return ms <= 0 ? "closed" : ms <= closingMs ? "closing" : "open";
  }

  function timeLeft(ms, words) {
    var minutes = Math.floor(ms / 60000), unit, n;
    if (minutes < 1) { unit = "less_than_minute"; n = 1; }
    else if (minutes < 60) { unit = "minute"; n = minutes; }
    else if (minutes < 48 * 60) { unit = "hour"; n = Math.floor(minutes / 60); }
    else { unit = "day"; n = Math.floor(minutes / 1440); }
    var amount = n === 1 ? words[unit] : words[unit + "s"].replace("{n}", n);
    return words[n === 1 ? "left_one" : "left"].replace("{n}", amount);
  }

  /* Everything that follows a deadline: {el, badge, left, deadline, closingMs, words,
     closed}; `closed()` runs once, when the deadline has passed. */
  var watched = [];

  function watch(el, scope, time, closingMs, words, closed) {
    var deadline = Date.parse(time);
    if (isNaN(deadline) || !words) return;
    watched.push({el: el, badge: scope.querySelector("[data-state-badge]"),
                  left: scope.querySelector("[data-time-left]"), deadline: deadline,
                  closingMs: closingMs, words: words, closed: closed});
  }

  function update() {
    var now = Date.now();
    watched = watched.filter(function (w) {
      var ms = w.deadline - now, state = stateAt(ms, w.closingMs);
      w.el.setAttribute("data-state", state);
      w.el.className = w.el.className.replace(/\balert-(open|closing|closed)\b/, "alert-" + state);
      if (w.badge) {
        w.badge.className = "badge badge-" + state;
        w.badge.textContent = w.words[state === "closing" ? "closing_soon" : state];
      }
      if (w.left) w.left.textContent = state === "closed" ? "" : timeLeft(ms, w.words);
      if (state === "closed") w.closed();
      return state !== "closed";
    });
    if (!watched.length) clearInterval(timer);
  }

  function hours(el) {
    return parseFloat(el.getAttribute("data-closing-hours")) * 3600000;
  }

  /* The alert page: the deadline box's words; closing hides the actions. */
  var box = document.querySelector("[data-deadline]");
  var page = document.querySelector("[data-alert]");
  if (box && page) {
    watch(page, box, box.getAttribute("data-deadline"), hours(box),
          JSON.parse(box.getAttribute("data-words")), function () {
      var notice = document.querySelector("[data-closed-notice]");
      if (notice) notice.hidden = false;
      var blocks = document.querySelectorAll("[data-actions], [data-actions-section]");
      for (var i = 0; i < blocks.length; i++) blocks[i].hidden = true;
    });
  }

  /* A listing: each alert not closed when the site was built, by its <time datetime>. */
  function closeOnHome(item, list) {
    if (list.getAttribute("data-home-closed") === "hidden") {
      item.hidden = true;
    } else {
      var section = document.querySelector("[data-just-closed]");
      var title = item.querySelector("h2");
      if (title) {  /* under the section's own h2 */
        var sub = document.createElement("h3");
        while (title.firstChild) sub.appendChild(title.firstChild);
        title.parentNode.replaceChild(sub, title);
      }
      var closedList = section.querySelector("ul");
      closedList.insertBefore(item, closedList.firstChild);  /* the latest first */
      section.hidden = false;
    }
    if (!list.querySelector("li:not([hidden])")) {
      var none = document.querySelector("[data-none-open]");
      if (none) none.hidden = false;
    }
  }

  var lists = document.querySelectorAll("[data-alert-list]");
  for (var l = 0; l < lists.length; l++) {
    var list = lists[l], byLang = JSON.parse(list.getAttribute("data-words"));
    var home = list.hasAttribute("data-home-closed");
    var items = list.querySelectorAll("[data-live]");
    for (var i = 0; i < items.length; i++) {
      var item = items[i], time = item.querySelector("time[datetime]");
      if (!time) continue;
      watch(item, item, time.getAttribute("datetime"), hours(list), byLang[item.lang],
            home ? closeOnHome.bind(null, item, list) : function () {});
    }
  }

  var timer = setInterval(update, 30000);
  update();
})();
