/* Live deadline states on alert pages and listings, as plugins/alerts/authoring/deadline.py */
(function () {
  "use strict";
  var d = document, watched = [], timer;
  var print = d.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.onclick = function () { window.print(); };
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
      var all = d.querySelectorAll("[data-closed-notice], [data-actions], [data-actions-section]");
      for (var i = 0; i < all.length; i++) all[i].hidden = !all[i].hasAttribute("data-closed-notice");
    });
  }

  function closeOnHome(item, list) {
    var section = d.querySelector("[data-just-closed]"), title = item.querySelector("h2");
    if (!section || list.getAttribute("data-home-closed") === "hidden") {
      item.hidden = true;
    } else {
      title.outerHTML = "<h3>" + title.innerHTML + "</h3>";
      var ul = section.querySelector("ul");
      ul.insertBefore(item, ul.firstChild);
      section.hidden = false;
    }
    if (!list.querySelector("li:not([hidden])")) d.querySelector("[data-none-open]").hidden = false;
  }

  function listings() {
    var lists = d.querySelectorAll("[data-alert-list]"), l, i;
    for (l = 0; l < lists.length; l++) {
      var list = lists[l], words = JSON.parse(list.getAttribute("data-words"));
      var items = list.querySelectorAll("[data-live]"), home = list.hasAttribute("data-home-closed");
      for (i = 0; i < items.length; i++) {
        var item = items[i], time = item.querySelector("time[datetime]");
        if (time) watch(item, item, time.getAttribute("datetime"), list, words[item.lang],
                        home ? closeOnHome.bind(null, item, list) : function () {});
      }
    }
    update();
  }

  timer = setInterval(update, 30000);
  /* In the home page's head: at the list's end, before any paint */
  if (d.readyState !== "loading") {
    listings();
  } else {
    var wait = new MutationObserver(function () {
      if (d.querySelector("[data-listed]")) { wait.disconnect(); listings(); }
    });
    wait.observe(d, {childList: true, subtree: true});
  }
})();
