// playbook default theme: theme toggle, phone navigation, the full sidebar on
// large playbooks, and the onboarding checklist. The site works without it.
(function () {
  "use strict";
  var root = document.documentElement;

  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { return null; }
  }

  function setupTheme() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var dark = root.dataset.theme ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      store("playbook-theme", root.dataset.theme);
    });
  }

  function setupNavToggle() {
    var button = document.querySelector(".nav-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Large playbooks ship a window of the sidebar in each page and the whole
  // tree once, in assets/nav.html. `version`: `playbook serve` patched the
  // sidebar (a chapter retitled), so the tree changed too.
  function loadFullNav(version) {
    var nav = document.getElementById("pb-nav");
    var url = nav && nav.dataset.full;
    if (!url) return;
    fetch(version ? url + "?v=" + encodeURIComponent(version) : url).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var box = document.createElement("div");
      box.innerHTML = html;
      var list = box.querySelector(".nav-list");
      if (!list) return;
      var here = location.pathname;
      list.querySelectorAll("a").forEach(function (a) {
        if (a.getAttribute("href") === here) a.setAttribute("aria-current", "page");
      });
      nav.querySelectorAll(".nav-more, .nav-list:not(.nav-top)").forEach(function (el) { el.remove(); });
      nav.appendChild(list);
      markChanged();
      var current = list.querySelector("[aria-current=page]");
      if (current) current.scrollIntoView({ block: "center" });
    }).catch(function () {});
  }

  // The onboarding checklist: ticks are kept in this browser. Run again
  // when `playbook serve` patches the page in place (`playbook:patched`):
  // controls already wired are not wired twice.
  var wired = typeof WeakSet === "function" ? new WeakSet() : null;
  function wire(el, event, handler) {
    if (wired && wired.has(el)) return;
    if (wired) wired.add(el);
    el.addEventListener(event, handler);
  }
  var TICKS = ".checklist input[type=checkbox]";
  function checklistKey() { return "playbook-checklist:" + location.pathname; }
  // `{#key}` at the end of an item names its tick, so rewording the item keeps it.
  function tickId(input) {
    return input.getAttribute("data-key") || input.getAttribute("aria-label") ||
      String([].indexOf.call(document.querySelectorAll(TICKS), input));
  }
  function savedTicks() {
    try { return JSON.parse(store(checklistKey()) || "{}") || {}; } catch (e) { return {}; }
  }
  function countTicks() {
    var boxes = document.querySelectorAll(TICKS);
    var progress = document.querySelector(".checklist-progress");
    if (!progress || !boxes.length) return;
    var done = 0;
    boxes.forEach(function (input) { if (input.checked) done++; });
    progress.textContent = done + " of " + boxes.length + " done";
    progress.hidden = false;
  }
  function setupChecklist() {
    var boxes = document.querySelectorAll(TICKS);
    if (!boxes.length) return;
    var saved = savedTicks();
    boxes.forEach(function (input) {
      var id = tickId(input);
      input.disabled = false;
      if (Object.prototype.hasOwnProperty.call(saved, id)) input.checked = saved[id];
      wire(input, "change", function () {
        var all = savedTicks();
        all[tickId(input)] = input.checked;
        store(checklistKey(), JSON.stringify(all));
        countTicks();
      });
    });
    countTicks();
    var reset = document.querySelector(".checklist-reset");
    if (reset) {
      reset.hidden = false;
      wire(reset, "click", function () {
        store(checklistKey(), null);
        document.querySelectorAll(TICKS).forEach(function (input) { input.checked = input.defaultChecked; });
        countTicks();
      });
    }
  }

  // "New since your last visit": links to pages whose last commit
  // (data-changed, seconds) is newer than this browser's last read of them.
  // Kept in this browser only. Times are the history's, not the reader's
  // clock: a first visit starts from the site's newest change
  // (data-latest-change), so a new reader sees no marks.
  var SEEN = "playbook-seen";
  function seen() {
    var state = null;
    try { state = JSON.parse(store(SEEN) || "null"); } catch (e) { state = null; }
    var plain = state && typeof state.since === "number" && state.pages && typeof state.pages === "object" &&
      !Array.isArray(state.pages);
    return plain ? state : null;
  }
  function markChanged() {
    var latest = Number(document.body.dataset.latestChange || 0);
    if (!latest) return;
    var state = seen() || { since: latest, pages: {} };
    // Reading a page is having seen its newest change.
    state.pages[location.pathname] = latest;
    // Pages read before the last "Mark all read" need no entry; past 500
    // entries the oldest reads go (their pages count as read at `since`).
    var paths = Object.keys(state.pages).filter(function (p) {
      if (!(Number(state.pages[p]) > state.since)) { delete state.pages[p]; return false; }
      return true;
    });
    if (paths.length > 500) {
      paths.sort(function (a, b) { return state.pages[a] - state.pages[b]; });
      paths.slice(0, paths.length - 500).forEach(function (p) { delete state.pages[p]; });
    }
    store(SEEN, JSON.stringify(state));
    var count = 0;
    document.querySelectorAll("a[data-changed]").forEach(function (a) {
      var path = new URL(a.href, location.href).pathname;
      var read = Math.max(state.since, state.pages[path] || 0);
      var fresh = Number(a.dataset.changed) > read;
      var mark = a.querySelector(".new-mark");
      if (fresh && !mark) {
        mark = document.createElement("span");
        mark.className = "new-mark";
        mark.textContent = "New";
        a.appendChild(document.createTextNode(" "));
        a.appendChild(mark);
      } else if (!fresh && mark) {
        mark.remove();
      }
      if (fresh) count++;
    });
    document.querySelectorAll(".mark-read-line").forEach(function (line) { line.hidden = false; });
    var nav = document.getElementById("pb-nav");
    var control = document.querySelector(".mark-all-read");
    if (count && !control && nav) {
      control = document.createElement("p");
      control.className = "mark-all-read";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mark-read";
      button.textContent = "Mark all read";
      control.appendChild(button);
      nav.insertBefore(control, nav.firstChild);
    } else if (!count && control) {
      control.remove();
    }
  }
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".mark-read")) return;
    store(SEEN, JSON.stringify({ since: Number(document.body.dataset.latestChange || 0), pages: {} }));
    markChanged();
  });

  // Search: loads assets/search.js and the index on first use; results as you type, with
  // the matching section and a highlighted excerpt; arrows and Enter pick.
  function setupSearch() {
    var input = document.getElementById("pb-search");
    if (!input) return;
    var panel = input.parentNode.querySelector(".search-panel");
    var list = document.getElementById("pb-search-results");
    var status = panel.querySelector(".search-status");
    var engine = null, active = -1, seq = 0;

    function load() {
      if (!engine) {
        // The engine imports stem.js: fetch it beside the engine, not after.
        var preload = document.createElement("link");
        preload.rel = "modulepreload";
        preload.href = input.dataset.index.replace(/search\.js$/, "stem.js");
        document.head.appendChild(preload);
        engine = import(input.dataset.index).then(function (s) {
          return s.init(document.body.dataset.base || "/").then(function () { return s; });
        });
      }
      return engine;
    }
    function open(show) {
      panel.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
    }
    function select(i) {
      var items = list.children;
      if (!items.length) return;
      active = (i + items.length) % items.length;
      for (var k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", k === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function text(tag, cls, value, html) {
      var el = document.createElement(tag);
      el.className = cls;
      if (html) el.innerHTML = value; else el.textContent = value;
      return el;
    }
    function run() {
      var query = input.value.trim();
      var mine = ++seq;
      if (!query) { list.innerHTML = ""; status.textContent = ""; open(false); return; }
      load().then(function (engine) { return engine.search(query); }).then(function (results) {
        if (mine !== seq) return;
        list.innerHTML = "";
        active = -1;
        input.removeAttribute("aria-activedescendant");
        results.forEach(function (r, i) {
          var li = document.createElement("li");
          li.id = "pb-result-" + i;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          var a = document.createElement("a");
          a.href = r.url;
          a.tabIndex = -1;
          a.appendChild(text("span", "r-title", r.title));
          if (r.where) a.appendChild(text("span", "r-where", r.where));
          if (r.heading && r.heading !== r.title) a.appendChild(text("span", "r-heading", r.heading));
          a.appendChild(text("span", "r-excerpt", r.excerpt, true));
          li.appendChild(a);
          list.appendChild(li);
        });
        status.textContent = results.length ? "" : "No results for “" + query + "”";
        open(true);
      }).catch(function () {
        status.textContent = "Search is not available here.";
        open(true);
      });
    }
    input.addEventListener("focus", load);
    // `playbook serve` rebuilt the index after a save: search the new one.
    document.addEventListener("playbook:indexed", function (e) {
      if (!engine) return;
      var generation = String(e.detail && e.detail.generation);
      engine = engine.then(function (s) { return s.refresh(generation).then(function () { return s; }); });
      if (input.value.trim()) engine.then(run);
    });
    // No debounce: a search takes milliseconds once its shards are here,
    // and `seq` drops the answer to a query the reader has typed past.
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(active - 1); }
      else if (e.key === "Enter") {
        var items = list.querySelectorAll("a");
        var pick = items[active >= 0 ? active : 0];
        if (pick) { e.preventDefault(); location.href = pick.href; }
      } else if (e.key === "Escape") { open(false); input.blur(); }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!input.parentNode.contains(e.target)) open(false); });
  }

  setupTheme();
  setupSearch();
  setupNavToggle();
  loadFullNav();
  setupChecklist();
  markChanged();
  document.addEventListener("playbook:patched", setupChecklist);
  document.addEventListener("playbook:patched", markChanged);
  document.addEventListener("playbook:patched", function (e) {
    if (e.detail && e.detail.nav) loadFullNav(String(e.detail.generation));
  });
})();
