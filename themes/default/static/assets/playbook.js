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
  // tree once, in assets/nav.html.
  function loadFullNav() {
    var nav = document.getElementById("pb-nav");
    var url = nav && nav.dataset.full;
    if (!url) return;
    fetch(url).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
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
      var current = list.querySelector("[aria-current=page]");
      if (current) current.scrollIntoView({ block: "center" });
    }).catch(function () {});
  }

  // The onboarding checklist: ticks are kept in this browser.
  function setupChecklist() {
    var box = document.querySelector(".checklist");
    if (!box) return;
    var key = "playbook-checklist:" + location.pathname;
    var saved = {};
    try { saved = JSON.parse(store(key) || "{}"); } catch (e) { saved = {}; }
    var boxes = box.querySelectorAll("input[type=checkbox]");
    boxes.forEach(function (input, i) {
      var id = input.getAttribute("aria-label") || String(i);
      input.disabled = false;
      if (Object.prototype.hasOwnProperty.call(saved, id)) input.checked = saved[id];
      input.addEventListener("change", function () {
        saved[id] = input.checked;
        store(key, JSON.stringify(saved));
      });
    });
    var reset = document.querySelector(".checklist-reset");
    if (reset && boxes.length) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        store(key, null);
        saved = {};
        boxes.forEach(function (input) { input.checked = input.defaultChecked; });
      });
    }
  }

  setupTheme();
  setupNavToggle();
  loadFullNav();
  setupChecklist();
})();
