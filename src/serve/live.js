// playbook serve: live reload and the build-error overlay. Injected into
// pages by the dev server only; `playbook build` output never contains it.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.dataset.base) || "/";
  var key = "playbook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }

  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "playbook-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0d0d;color:#ffe9e9;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:12px 16px;" +
        "border-top:3px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
      // Its own colours throughout: the theme styles `pre` (a pale
      // background in light mode) and must not leak in.
      var title = document.createElement("strong");
      title.style.cssText = "color:#ffe9e9;background:transparent";
      title.textContent = "playbook: the last save does not build. The page shows the last good version.";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:8px 0 0;white-space:pre-wrap;background:transparent;color:#ffe9e9;" +
        "border:0;padding:0;font:inherit;box-shadow:none";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function clearError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var generation = null;
  var events = new EventSource(base + "__playbook/events");
  events.addEventListener("hello", function (e) {
    // A reconnect after the server restarted: the site may have changed.
    if (generation !== null && generation !== e.data) reload();
    generation = e.data;
    clearError();
  });
  events.addEventListener("reload", function (e) { generation = e.data; reload(); });
  events.addEventListener("build-error", function (e) { showError(JSON.parse(e.data)); });
  events.addEventListener("ok", clearError);

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
})();
