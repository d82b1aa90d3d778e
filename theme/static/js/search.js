// The search page: finds alerts with Pagefind's index of this page's language, in this
// browser only (what is typed is sent nowhere). Pagefind runs without a web worker, so
// only this page needs 'wasm-unsafe-eval' (plugins/alerts/site/headers.py). Loaded with
// defer; no inline script. Without JavaScript the page links the browsing pages instead.
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var words = JSON.parse(root.getAttribute("data-words"));
  var keys = root.getAttribute("data-filters").split(" ");
  var input = root.querySelector("[data-search-input]");
  var box = root.querySelector("[data-search-filters]");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var fallback = document.querySelector("[data-search-fallback]");
  var browse = document.querySelector("[data-search-browse]");
  var bundle = new URL(root.getAttribute("data-bundle"), location.href).href;
  var site = new URL(root.getAttribute("data-site"), location.href).pathname;
  var pagefind = null, timer = null, asked = 0, totals = {}, labels = [];

  function say(text) { status.textContent = text; }

  function element(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  // States in their natural order (open, closing, closed, then outcomes); the rest A–Z.
  function order(key, value) {
    var i = key === "state" ? words.states.indexOf(value) : -1;
    return i < 0 ? words.states.length : i;
  }

  // One fieldset per filter, one checkbox per value; within a filter any checked value
  // matches, across filters every filter must.
  function buildFilters(available) {
    keys.forEach(function (key) {
      var values = Object.keys(available[key] || {});
      if (!values.length) return;
      values.sort(function (a, b) {
        var i = order(key, a), j = order(key, b);
        return i !== j ? i - j : a.localeCompare(b);
      });
      var set = element("fieldset", {"class": "search-filter"});
      set.appendChild(element("legend", {}, words["filter_" + key]));
      values.forEach(function (value, i) {
        var id = "search-" + key + "-" + i;
        var row = element("p");
        var check = element("input", {type: "checkbox", id: id, value: value,
                                      "data-filter": key});
        row.appendChild(check);
        var label = element("label", {"for": id});
        labels.push({key: key, value: value, node: label});
        row.appendChild(label);
        set.appendChild(row);
      });
      box.appendChild(set);
    });
    totals = available;
    counts(totals);
  }

  // Each value's count of alerts: of every alert before a search, then of those the
  // search and the other checked values leave.
  function counts(found) {
    labels.forEach(function (l) {
      l.node.textContent = l.value + " (" + ((found[l.key] || {})[l.value] || 0) + ")";
    });
  }

  // The counts to show: for a filter with checked values, as if none of them were
  // checked (within a filter any value matches, so a count says what checking that
  // value finds); for the others, Pagefind's counts for this search.
  function facets(term, filters, found) {
    var checked = Object.keys(filters || {});
    return Promise.all(checked.map(function (key) {
      var others = {};
      checked.forEach(function (k) { if (k !== key) others[k] = filters[k]; });
      if (!term && !Object.keys(others).length) return totals[key] || {};
      return pagefind.search(term || null, {filters: others}).then(function (search) {
        return (search && search.filters[key]) || {};
      });
    })).then(function (lists) {
      var merged = {};
      Object.keys(found || {}).forEach(function (k) { merged[k] = found[k]; });
      checked.forEach(function (key, i) { merged[key] = lists[i]; });
      return merged;
    });
  }

  function chosen() {
    var filters = {}, any = false;
    box.querySelectorAll("input[data-filter]:checked").forEach(function (check) {
      var key = check.getAttribute("data-filter");
      (filters[key] = filters[key] || {any: []}).any.push(check.value);
      any = true;
    });
    return any ? filters : null;
  }

  function show(results, count) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = element("li", {"class": "search-result"});
      var heading = element("h3");
      heading.appendChild(element("a", {href: data.url}, data.meta.title || data.url));
      item.appendChild(heading);
      if (data.meta.status) item.appendChild(element("p", {"class": "meta"}, data.meta.status));
      if (data.meta.summary) item.appendChild(element("p", {}, data.meta.summary));
      list.appendChild(item);
    });
    say(count === 0 ? words.search_none : count === 1 ? words.search_one
        : words.search_many.replace("{n}", count));
  }

  function run() {
    var term = input.value.trim(), filters = chosen(), mine = ++asked;
    if (!term && !filters) {
      list.textContent = "";
      counts(totals);
      say(words.search_start);
      root.setAttribute("data-searched", mine);
      return;
    }
    say(words.search_loading);
    var options = {filters: filters || {}};
    if (!term) options.sort = {date: "desc"};  // filters alone: the latest alerts first
    pagefind.search(term || null, options).then(function (search) {
      return Promise.all([facets(term, filters, search.filters)].concat(
        search.results.map(function (r) { return r.data(); })));
    }).then(function (all) {
      if (mine !== asked) return;  // a newer search has started
      counts(all[0]);
      show(all.slice(1), all.length - 1);
      root.setAttribute("data-searched", mine);  // for the browser tests: this one is shown
    }).catch(failed);
  }

  function failed() {
    root.hidden = true;
    if (browse) browse.hidden = true;
    if (fallback) {
      fallback.textContent = words.search_failed;
      fallback.hidden = false;
    }
  }

  import(bundle + "pagefind.js").then(function (module) {
    pagefind = module;
    return pagefind.options({baseUrl: site, basePath: bundle, noWorker: true});
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    buildFilters(available);
    // On a phone the filters would push the results off the screen: folded there.
    var fold = box.closest("details");
    if (fold && window.matchMedia("(max-width: 40rem)").matches) fold.open = false;
    box.addEventListener("change", run);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    if (fallback) fallback.hidden = true;
    if (browse) browse.hidden = false;
    root.hidden = false;
    run();
  }).catch(failed);
})();
