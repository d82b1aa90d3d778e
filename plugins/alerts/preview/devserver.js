/* The devserver's live preview (plugins/alerts/preview/devserver.py serves it and adds it to
   each page it serves; it is never in the built site). It listens to the devserver's
   build events: a newer good build reloads this tab, a failed build lists its problems
   over the page until a good build replaces it. Problem lines quote what writers typed,
   so they are set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var pageBuild = Number(script && script.getAttribute("data-build"));
  var overlay = null;
  if (!window.EventSource) return;

  function style(element, rules) {
    Object.keys(rules).forEach(function (name) { element.style[name] = rules[name]; });
    return element;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  function hideOverlay() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function showOverlay(problems) {
    hideOverlay();
    overlay = style(element("section"), {
      position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647",
      maxHeight: "80vh", overflow: "auto", boxSizing: "border-box", padding: "1rem 1.5rem",
      background: "#fff", color: "#111", borderBottom: "4px solid #b00020",
      boxShadow: "0 2px 12px rgba(0,0,0,.3)", font: "16px/1.5 system-ui, sans-serif"
    });
    overlay.id = "devserver-overlay";
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", "devserver-overlay-title");
    overlay.lang = "en";
    overlay.dir = "ltr";
    var title = style(element("h2", "The site did not build"), {margin: "0 0 .5rem"});
    title.id = "devserver-overlay-title";
    overlay.appendChild(title);
    overlay.appendChild(element("p", "Fix these and save: the page reloads when the " +
      "build succeeds. Below is the last version that built."));
    var list = style(element("ul"), {margin: "0", paddingLeft: "1.25rem"});
    (problems.length ? problems : ["see the terminal for what went wrong"])
      .forEach(function (line) {
        var item = style(element("li"), {margin: ".25rem 0"});
        item.appendChild(style(element("code", line), {whiteSpace: "pre-wrap"}));
        list.appendChild(item);
      });
    overlay.appendChild(list);
    var close = style(element("button", "Hide"), {marginTop: ".75rem"});
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  var events = new EventSource("/__devserver/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    // Not "newer than": a restarted devserver counts from 1 again, and its site is new.
    if (state.site > 0 && state.site !== pageBuild) {
      events.close();
      window.location.reload();
    } else if (state.ok) {
      hideOverlay();
    } else {
      showOverlay(state.problems);
    }
  };
}());
