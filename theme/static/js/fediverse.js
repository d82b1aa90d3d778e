// The fediverse share page: read the words after "#" (no server receives them), ask for
// the visitor's server, check it is a plain host name, remember it in this browser, and
// go to https://<server>/share?text=…. Nothing is fetched; nothing else is sent anywhere.
(function () {
  "use strict";
  var box = document.querySelector("[data-fedi]");
  if (!box) { return; }
  var KEY = "fediverse-server";
  // Labels of letters, digits and hyphens (not first or last), at least two of them
  // separated by dots, the last not all digits, then an optional :port (1-65535). No
  // scheme, path, "@", space, empty label, IP address or brackets.
  var LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  var HOST = new RegExp("^(" + LABEL + "(?:\\." + LABEL + ")+)(?::([0-9]{1,5}))?$");

  function host(typed) {
    var value = typed.trim().toLowerCase();
    var match = HOST.exec(value);
    // A last label of digits only is an IP address, not a server's name.
    if (!match || match[1].length > 253 || /\.[0-9]+$/.test(match[1])) { return null; }
    if (match[2] !== undefined) {
      var port = Number(match[2]);
      if (port < 1 || port > 65535 || match[2].charAt(0) === "0") { return null; }
    }
    return value;
  }

  function stored() {
    try { return localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function store(value) {
    try {
      if (value) { localStorage.setItem(KEY, value); } else { localStorage.removeItem(KEY); }
    } catch (e) { /* storage off: the visitor types the server each time */ }
  }

  var params = new URLSearchParams(location.hash.slice(1));
  var text = params.get("text") || "";
  // The alert's language ("es-MX" takes the "es" words), when the page has its words.
  var lang = params.get("lang") || "";
  var words = {};
  if (/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(lang)) {
    try {
      words = JSON.parse(box.dataset.words)[lang.split("-")[0].toLowerCase()] || {};
    } catch (e) { words = {}; }
  }
  if (words.fedi_title) {
    var heading = box.querySelector("[data-word='fedi_title']").textContent;
    document.title = document.title.replace(heading, words.fedi_title);
    box.querySelectorAll("[data-word]").forEach(function (el) {
      var word = words[el.dataset.word];
      if (word) { el.textContent = word; }
    });
    box.lang = lang;
    box.dir = words.dir;
  }
  if (!text) {
    box.querySelector("[data-fedi-missing]").hidden = false;
    return;
  }
  box.querySelector("[data-fedi-text]").textContent = text;
  box.querySelector("[data-fedi-ready]").hidden = false;

  var form = box.querySelector("[data-fedi-form]");
  var input = box.querySelector("[data-fedi-server]");
  var error = box.querySelector("[data-fedi-error]");
  var forget = box.querySelector("[data-fedi-forget]");
  var bad = words.fedi_bad || box.dataset.bad;

  var remembered = host(stored());
  if (remembered) {
    input.value = remembered;
    forget.hidden = false;
  }
  forget.addEventListener("click", function () {
    store("");
    input.value = "";
    forget.hidden = true;
    input.focus();
  });
  input.addEventListener("input", function () {
    error.textContent = "";
    input.removeAttribute("aria-invalid");
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var server = host(input.value);
    if (!server) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = bad;
      input.focus();
      return;
    }
    store(server);
    location.assign("https://" + server + "/share?text=" + encodeURIComponent(text));
  });
})();
