/* Deadline states to the visitor's clock on the alert page and in listings; the rules and
   rounding of plugins/alerts/authoring/deadline.py. Without it the built state stands. */
(function () {
  "use strict";
  var d = document, watched = [], timer;
  var print = d.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
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

  function watch(el, scope, time, holder, words, closed) {
    var deadline = Date.parse(time);
    if (isNaN(deadline) || !words) return;
    watched.push({el: el, badge: scope.querySelector("[data-state-badge]"), words: words,
                  left: scope.querySelector("[data-time-left]"), deadline: deadline,
                  closingMs: parseFloat(holder.getAttribute("data-closing-hours")) * 36e5,
                  closed: closed});
  }

  function update() {
    var now = Date.now();
    watched = watched.filter(function (w) {
      var ms = w.deadline - now;
      var state = ms <= 0 ? "closed" : ms <= w.closingMs ? "closing" : "open";
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

  var box = d.querySelector("[data-deadline]"), page = d.querySelector("[data-alert]");
  if (box && page) {
    watch(page, box, box.getAttribute("data-deadline"), box,
          JSON.parse(box.getAttribute("data-words")), function () {
      var notice = d.querySelector("[data-closed-notice]"), i;
      if (notice) notice.hidden = false;
      var hide = d.querySelectorAll("[data-actions], [data-actions-section]");
      for (i = 0; i < hide.length; i++) hide[i].hidden = true;
    });
  }

  function closeOnHome(item, list) {
    var section = d.querySelector("[data-just-closed]"), title = item.querySelector("h2");
    if (list.getAttribute("data-home-closed") === "hidden" || !section) {
      item.hidden = true;
    } else {
      var sub = d.createElement("h3");
      while (title.firstChild) sub.appendChild(title.firstChild);
      item.replaceChild(sub, title);
      var ul = section.querySelector("ul");
      ul.insertBefore(item, ul.firstChild);
      section.hidden = false;
    }
    if (!list.querySelector("li:not([hidden])")) d.querySelector("[data-none-open]").hidden = false;
  }

  var lists = d.querySelectorAll("[data-alert-list]");
  for (var l = 0; l < lists.length; l++) {
    var list = lists[l], byLang = JSON.parse(list.getAttribute("data-words"));
    var items = list.querySelectorAll("[data-live]");
    for (var i = 0; i < items.length; i++) {
      var time = items[i].querySelector("time[datetime]");
      if (time) {
        watch(items[i], items[i], time.getAttribute("datetime"), list, byLang[items[i].lang],
              list.hasAttribute("data-home-closed")
                ? closeOnHome.bind(null, items[i], list) : function () {});
      }
    }
  }

  timer = setInterval(update, 30000);
  update();
})();
