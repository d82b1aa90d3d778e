/* The act on the page, in the visitor's browser only: their details fill the call script
   and the letters; each email opens in their own mail program; offices say whether they
   are open now; the call log remembers which offices they reached. Details and calls are
   kept in this browser's localStorage and never sent anywhere. Without JavaScript the
   page still works: the placeholders stand as highlighted blanks, the email links carry
   the letter as written, and the hours are given in words. */
(function () {
  "use strict";
  var DETAILS = "alerts:details";
  var CALLS = "alerts:calls:" + location.pathname;
  var MAX_MAILTO = 2000; /* as plugins/alerts/authoring/mailto.py */
  var acts = document.querySelector("[data-act-words]");
  if (!acts) return;
  var words = JSON.parse(acts.getAttribute("data-act-words"));
  var placeholders = JSON.parse(acts.getAttribute("data-placeholders"));

  function load(key, otherwise) { /* otherwise: when storage is off */
    try { return JSON.parse(localStorage.getItem(key)) || {}; }
    catch (e) { return otherwise || {}; }
  }
  function save(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage off (private mode): the page works for this visit */ }
  }
  function each(selector, fn, root) {
    var found = (root || document).querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) fn(found[i]);
  }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  /* -- details and placeholders ------------------------------------------------ */
  var details = load(DETAILS);

  function fillText(template, map) {
    return template.replace(/\[([^\[\]\n]+)\]/g, function (all, name) {
      var field = map[name];
      return field && details[field] ? details[field] : all;
    });
  }

  function fillAll() {
    each("[data-fill]", function (mark) {
      var value = details[mark.getAttribute("data-fill")];
      mark.textContent = value || "[" + mark.getAttribute("data-blank") + "]";
      mark.classList.toggle("filled", !!value);
    });
    each("[data-compose]", function (box) { refill(box); });
  }

  var form = document.querySelector("[data-details]");
  if (form) {
    form.hidden = false;
    each("[data-detail]", function (input) {
      var field = input.getAttribute("data-detail");
      input.value = details[field] || "";
      input.addEventListener("input", function () {
        if (input.value.trim()) details[field] = input.value.trim();
        else delete details[field];
        save(DETAILS, details);
        fillAll();
      });
    }, form);
    form.querySelector("[data-forget-details]").addEventListener("click", function () {
      details = {};
      save(DETAILS, null);
      each("[data-detail]", function (input) { input.value = ""; }, form);
      fillAll();
    });
  }

  /* -- emails ------------------------------------------------------------------ */
  function encode(text) {
    return encodeURIComponent(text.replace(/\r\n|\r|\n/g, "\r\n"));
  }

  function lines(text) { return text.replace(/\r\n|\r/g, "\n"); }

  /* A field the visitor wrote in is theirs. Besides the input event, the browser may put
     their text back when they return to the page: it is neither the text as built nor
     as the details filled it. */
  function noticeEdit(field) {
    var text = lines(field.value);
    if (field.edited || text === lines(field.defaultValue) || text === field.filled ||
        text === lines(fillText(field.defaultValue, placeholders))) return;
    field.edited = true;
  }

  function refill(box) {
    each("[data-subject], [data-body]", function (field) {
      noticeEdit(field);
      /* defaultValue: the text the page was built with, placeholders and all. */
      if (!field.edited) {
        field.value = fillText(field.defaultValue, placeholders);
        field.filled = lines(field.value);
      }
    }, box);
    relink(box);
  }

  function relink(box) {
    var to = encodeURIComponent(box.getAttribute("data-to")).replace(/%40/g, "@");
    var head = "mailto:" + to + "?subject=" + encode(box.querySelector("[data-subject]").value);
    var full = head + "&body=" + encode(box.querySelector("[data-body]").value);
    var long = full.length > MAX_MAILTO;
    box.querySelector("[data-mailto]").href = long ? head : full;
    box.querySelector("[data-long-note]").hidden = !long;
  }

  function copy(text, done) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); },
                                               function () { done(false); });
    } else {
      done(false);
    }
  }

  each("[data-compose]", function (box) {
    each("[data-subject], [data-body]", function (field) {
      field.addEventListener("input", function () { field.edited = true; relink(box); });
    }, box);
    var button = box.querySelector("[data-copy]");
    var status = box.querySelector("[data-copied]");
    var body = box.querySelector("[data-body]");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = ""; /* so that a second copy is announced again */
      copy(body.value, function (ok) {
        if (!ok) { body.focus(); body.select(); }
        status.textContent = words[ok ? "copied" : "letter_copy_failed"];
      });
    });
  });

  /* -- office hours ------------------------------------------------------------ */
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  function inZone(zone, date) {
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date);
    var got = {};
    for (var i = 0; i < parts.length; i++) got[parts[i].type] = parts[i].value;
    return { day: WEEKDAYS.indexOf(got.weekday),
             minutes: (parseInt(got.hour, 10) % 24) * 60 + parseInt(got.minute, 10) };
  }

  function openingText(hours, now) {
    var at = inZone(hours.zone, now);
    var today = hours.week[at.day];
    function clock(minutes) { return hours.clock[String(minutes)] + " " + hours.label; }
    for (var i = 0; i < today.length; i++) {
      if (today[i][0] <= at.minutes && at.minutes < today[i][1]) {
        return { open: true, text: format(words.open_now, { time: clock(today[i][1]) }) };
      }
    }
    for (var ahead = 0; ahead < 8; ahead++) {
      var day = (at.day + ahead) % 7;
      var spans = hours.week[day];
      for (var j = 0; j < spans.length; j++) {
        if (ahead > 0 || spans[j][0] > at.minutes) {
          var name = ahead === 0 ? words.today : ahead === 1 ? words.tomorrow : hours.days[day];
          return { open: false, text: format(words.closed_opens,
                                              { day: name, time: clock(spans[j][0]) }) };
        }
      }
    }
    return null;
  }

  function showHours() {
    var now = new Date();
    each("[data-hours]", function (office) {
      var found = null;
      try {
        found = openingText(JSON.parse(office.getAttribute("data-hours")), now);
      } catch (e) { /* a zone this browser does not know: the hours in words stand */ }
      var line = office.querySelector("[data-open-now]");
      if (!line || !found) return;
      line.textContent = found.text;
      line.className = "open-now " + (found.open ? "is-open" : "is-closed");
    });
  }
  showHours();
  setInterval(showHours, 60000);

  /* -- the call log ------------------------------------------------------------ */
  var calls = load(CALLS);

  function showCalls() {
    each("[data-call-summary]", function (summary) {
      var act = summary.closest("[data-act]");
      var reached = 0;
      each("[data-office]", function (office) {
        var outcome = calls[office.getAttribute("data-office")];
        if (outcome === "called" || outcome === "message") reached++;
        each("[data-outcome]", function (button) {
          button.setAttribute("aria-pressed",
                              String(button.getAttribute("data-outcome") === outcome));
        }, office);
      }, act);
      var total = parseInt(summary.getAttribute("data-total"), 10);
      summary.querySelector("[data-reached]").textContent =
        format(words.reached, { n: reached, m: total });
    });
  }

  each("[data-call-log]", function (log) {
    var key = log.closest("[data-office]").getAttribute("data-office");
    log.hidden = false;
    each("[data-outcome]", function (button) {
      button.addEventListener("click", function () {
        var outcome = button.getAttribute("data-outcome");
        if (calls[key] === outcome) delete calls[key];
        else calls[key] = outcome;
        save(CALLS, calls);
        showCalls();
      });
    }, log);
  });
  each("[data-call-summary]", function (summary) {
    summary.hidden = false;
    summary.querySelector("[data-forget-calls]").addEventListener("click", function () {
      calls = {};
      save(CALLS, null);
      showCalls();
    });
  });

  function refresh() {
    details = load(DETAILS, details);
    calls = load(CALLS, calls);
    each("[data-detail]", function (input) {
      input.value = details[input.getAttribute("data-detail")] || "";
    });
    fillAll();
    showCalls();
  }

  fillAll();
  showCalls();
  /* Back on the page, the browser may have put old text back in the fields, and another
     tab may have changed what is stored: the stored details win, edits are kept. */
  window.addEventListener("pageshow", function () { refresh(); showHours(); });
  window.addEventListener("storage", refresh);
})();
