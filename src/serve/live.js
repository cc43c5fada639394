// playbook serve: live updates and the build-error overlay. Injected into
// pages by the dev server only; `playbook build` output never contains it.
// The server says which files changed and how (see src/serve/changes.rs):
// a page changed only inside <main> (or there, in its sidebar and its
// <title>: a chapter retitled) is patched in place, a stylesheet is
// swapped, anything else reloads.
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
  // "late-change": the print view and the search index, built after the
  // rest of a save is served.
  events.addEventListener("change", onChange);
  events.addEventListener("late-change", onChange);
  // The search index follows every save in `late-change`: a theme's
  // search drops what it fetched (`playbook:indexed`).
  events.addEventListener("late-change", function (e) {
    var detail = { generation: JSON.parse(e.data).generation };
    document.dispatchEvent(new CustomEvent("playbook:indexed", { detail: detail }));
  });
  function onChange(e) {
    var change = JSON.parse(e.data);
    generation = String(change.generation);
    clearError();
    if (change.other || !change.pages) return reload();
    // A sheet no <link> of this page names (an @import) is not swappable.
    if (!change.css.every(swapStylesheet)) return reload();
    var scope = change.pages[shownFile()];
    if (scope === "page") reload();
    else if (scope === "main" || scope === "nav") patch(scope === "nav");
  }
  events.addEventListener("build-error", function (e) { showError(JSON.parse(e.data)); });
  events.addEventListener("ok", clearError);

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  // The file this tab shows, as the server names it (`a/b/index.html`).
  function shownFile() {
    if (document.body.classList.contains("kind-404")) return "404.html";
    var path = decodeURIComponent(location.pathname);
    path = path.indexOf(base) === 0 ? path.slice(base.length) : path.replace(/^\//, "");
    return path === "" || /\/$/.test(path) ? path + "index.html" : path;
  }

  // Swaps this page's sheet `file`; false if the page has no such <link>.
  function swapStylesheet(file) {
    var found = false;
    document.querySelectorAll("link[rel=stylesheet]").forEach(function (link) {
      if (decodeURIComponent(new URL(link.href).pathname) !== base + file) return;
      found = true;
      var fresh = link.cloneNode();
      fresh.href = base + file + "?v=" + generation;
      // The old sheet stays until the new one has loaded: no flash.
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      link.after(fresh);
    });
    return found;
  }

  // Only the inside of <main> changed (with `nav`: the sidebar and the
  // title too): fetch the page and bring the shown <main> (and sidebar) in
  // line with it, node by node, so what did not change (and the reader's
  // scroll, focus, ticks and open <details>) stays as it is.
  var patching = Promise.resolve();
  function patch(nav) {
    patching = patching.then(function () {
      return fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); });
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var pairs = [[document.querySelector("main"), doc.querySelector("main")]];
      if (nav) pairs.push([document.getElementById("pb-nav"), doc.getElementById("pb-nav")]);
      // Parsed here, scripts would not run and <noscript> would come alive:
      // only a load treats them as a load does.
      var live = "script, noscript, template, iframe[srcdoc]";
      var unsafe = pairs.some(function (p) { return !p[0] || !p[1] || p[0].querySelector(live) || p[1].querySelector(live); });
      if (unsafe) return reload();
      pairs.forEach(function (p) { morph(p[0], p[1]); });
      if (nav) document.title = doc.title;
      // `nav`: a theme that swapped in a sidebar of its own (the whole
      // tree) fetches it again.
      var detail = { generation: generation, nav: !!nav };
      document.dispatchEvent(new CustomEvent("playbook:patched", { detail: detail }));
    }).catch(reload);
  }

  function morph(from, to) {
    if (from.nodeType !== 1) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    // The reader's state is theirs: a <details> stays open or closed, and
    // the focused control is not disabled (that would drop the focus; the
    // theme's script enables controls again after a patch).
    var keep = from.nodeName === "DETAILS" ? "open" : from === document.activeElement ? "disabled" : "";
    var i, name;
    for (i = from.attributes.length - 1; i >= 0; i--) {
      name = from.attributes[i].name;
      if (!to.hasAttribute(name) && name !== keep) from.removeAttribute(name);
    }
    for (i = 0; i < to.attributes.length; i++) {
      name = to.attributes[i].name;
      if (name === keep) continue;
      if (from.getAttribute(name) !== to.attributes[i].value) from.setAttribute(name, to.attributes[i].value);
    }
    morphChildren(from, to);
  }

  function morphChildren(parent, to) {
    var cur = parent.firstChild;
    var want = to.firstChild;
    while (want) {
      if (!cur) { parent.appendChild(document.importNode(want, true)); want = want.nextSibling; continue; }
      // Moves are looked for between elements only: a text node (often a
      // line break) would match the first one ahead and shift the rest.
      if (cur.nodeType === 1 && want.nodeType === 1 && !alike(cur, want)) {
        var later = alikeAhead(cur.nextSibling, want);
        if (later) {
          // Removed: the shown nodes up to the one wanted.
          while (cur !== later) { var gone = cur; cur = cur.nextSibling; parent.removeChild(gone); }
        } else {
          // Inserted: the wanted nodes up to the one shown.
          var match = alikeAhead(want.nextSibling, cur);
          while (match && want !== match) { parent.insertBefore(document.importNode(want, true), cur); want = want.nextSibling; }
        }
      }
      var next = cur.nextSibling;
      if (cur.isEqualNode(want)) {
        // Unchanged.
      } else if (cur.nodeType === want.nodeType && cur.nodeName === want.nodeName &&
          (cur.nodeType !== 1 || cur.id === want.id)) {
        morph(cur, want);
      } else {
        parent.replaceChild(document.importNode(want, true), cur);
      }
      cur = next;
      want = want.nextSibling;
    }
    while (cur) { var rest = cur.nextSibling; parent.removeChild(cur); cur = rest; }
  }

  // The same node, or the same element with the same text: scripts change
  // attributes and state (a checkbox enabled), which must not make an
  // unchanged item look new, or a tick would move to its neighbour.
  function alike(a, b) {
    return a.isEqualNode(b) || (a.nodeType === 1 && a.nodeName === b.nodeName && a.id === b.id &&
      a.textContent === b.textContent);
  }

  // The first of the next few elements alike to `node`.
  function alikeAhead(start, node) {
    for (var n = start, k = 0; n && k < 16; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      if (alike(n, node)) return n;
      k++;
    }
    return null;
  }
})();
