// Search latency as a reader sees it: from the keystroke that completes a
// query in the search box to the first frame with results painted, in real
// headless Chromium (Debian's /usr/bin/chromium, through
// tests/browser/helpers.mjs), sites served over loopback HTTP (no network
// delay: fetches cost only the server and the browser). A benchmark: it
// prints figures (median and p95), it checks no threshold.
//
//   node bench/search_latency.mjs SITE_DIR...        built sites
//   node bench/search_latency.mjs --build [SIZES]    generate + build 100,1000,10000
//                                                   chapters (or SIZES, e.g. 100,1000)
//                                                   under /dev/shm/lat, measure, delete them
// Options: --runs N (runs per query and case, default 5); --page PATH (the
// page the reader is on: default "/", the home page; "chapter" for the
// first indexed page, search/p/0.json); --focus click|key (how the box gets
// focus: a mouse click, the default, which leaves the pointer over the box,
// or the page's "/" shortcut, the pointer never on the page); --engine-loaded
// (also the "cold, engine loaded" case below); --work DIR (with --build,
// instead of /dev/shm/lat); --keep (with --build, keep DIR).
// --build uses target/release/playbook and target/release/examples/gen_playbook
// (built with cargo if missing), `--parts max(1, N/50) --teams 5
// --examples-per-team 4 --seed 1`, as bench/run does. Takes about 6 minutes
// for the three sizes on 2 cores (3 with --page chapter), most of it loading
// and settling the 10,000-chapter home page (8 MiB of HTML).
// Reproduce the figures of the commit that added it:
//   cargo build --release && node bench/search_latency.mjs --build
//   node bench/search_latency.mjs --build --page chapter
//
// Method. The page is loaded, left to reach network idle, then to settle
// (5 frames in a row under 40 ms: a 10,000-chapter home page keeps the main
// thread busy for seconds after network idle). The box is clicked, as a
// reader would (the mouse stays over it; see --focus). Per measurement the box is
// cleared (the page's own empty search allowed to run, the page to settle),
// the query minus its last character is put in the box by script without an
// input event, then the last character is a real key press. That is one
// search, for the whole query, as when a reader types faster than the
// debounce (each key restarts the timer); a reader typing slower would start
// searches for the prefixes too, which may fetch the query's shards early.
// In the page, instrumentation installed before the site's scripts records:
//   t0      the keydown event's timeStamp (when the browser received the
//           key, in performance.now() time), read in a capture-phase keydown
//           listener on window, which runs before any of the page's handlers;
//           the listener's own performance.now() minus t0 is "queue" (the
//           key waiting for a busy main thread);
//   insert  a MutationObserver on #pb-search-results: the first mutation
//           after t0 that leaves an <li> in the list (the page renders all
//           results in one task);
//   paint   requestAnimationFrame from that observer, then setTimeout(0)
//           from inside the rAF callback. rAF callbacks run in the rendering
//           step just before style, layout and paint of the frame, and a
//           task queued from there runs once that frame has been painted and
//           committed, so this is the end of the first frame holding the
//           results. (Double rAF would also wait for the next vsync, up to
//           16.7 ms more than the paint; the figure would be an overestimate.)
// The reported time is paint - t0: it includes the page's input debounce
// (read from the site's assets/playbook.js: `setTimeout(run, N)` on every
// input event, or none when the page runs the search on every input) and,
// for cold runs, every fetch.
//
// Cases:
//   cold                  fresh browser context (empty HTTP cache), page
//                         loaded, box clicked (focus starts loading the
//                         engine: assets/search.js, stem.js, search/meta.json)
//                         and the query typed immediately: the engine, the
//                         shards and the result documents load after the key.
//   cold, engine loaded   (with --engine-loaded) the same, but typed once the focus-triggered engine
//                         load is done (a reader takes longer than that to
//                         type): shards and documents load after the key.
//   warm, new query       one page, engine loaded, each query for the first
//                         time on it (its shards/documents fetched unless an
//                         earlier query fetched them).
//   warm, repeat          the same query again, N (--runs) times (everything in
//                         the engine's in-memory cache): debounce + ranking +
//                         rendering.
// Also "engine": search() of assets/search.js called directly in the page,
// warm (no debounce, no DOM). p95 is nearest-rank (of 10 samples, the
// largest). Bytes: encoded bodies of the search requests (search.js,
// stem.js, search/...) of the cold runs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, rmdirSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "..");
const { launch, serveStatic } = await import(resolve(repo, "tests/browser/helpers.mjs"));

// Words the generator (src/testkit/words.rs) puts in every playbook of 100
// chapters or more; each must give results (checked at run time).
const QUERIES = [
  "escalations",        // OBJECTS "customer escalations", OUTCOMES "stop escalating"
  "postmortems",        // OBJECTS
  "onboarding",         // OBJECTS, PART_NAMES, TAGS
  "roadmap",            // ARTIFACTS, OBJECTS
  "calibrate",          // VERBS (titles)
  "negotiate",          // VERBS (titles)
  "dissent",            // ACTIONS "invite dissent"
  "capacity planning",  // two words, OBJECTS
  "team charter",       // two words, "team" on nearly every page (ARTIFACTS)
  "onbaording",         // one typo (two letters swapped) of a 10-letter word
];
const COLD_QUERIES = ["escalations", "capacity planning"];

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i >= 0) argv.splice(i, 1);
  return i >= 0;
};
const RUNS = Number(opt("--runs", "5"));
const PAGE = opt("--page", "/");
const WORK = resolve(opt("--work", "/dev/shm/lat"));
const keep = flag("--keep");
const FOCUS = opt("--focus", "click");
const withLoaded = flag("--engine-loaded");
const build = flag("--build");
let built = [];
if (build) {
  const sizes = (argv[0] && /^[\d,]+$/.test(argv[0]) ? argv.shift() : "100,1000,10000").split(",").map(Number);
  built = buildSites(sizes);
}
const sites = [...built];
sites.push(...argv.map((d) => resolve(d)));
if (!sites.length) {
  console.error("usage: node bench/search_latency.mjs SITE_DIR... | --build [100,1000,10000] [--runs N] [--page PATH]");
  process.exit(2);
}

function buildSites(sizes) {
  const playbook = join(repo, "target/release/playbook");
  const gen = join(repo, "target/release/examples/gen_playbook");
  if (!existsSync(playbook)) execFileSync("cargo", ["build", "--release", "--quiet"], { cwd: repo, stdio: "inherit" });
  if (!existsSync(gen)) {
    execFileSync("cargo", ["build", "--release", "--quiet", "--example", "gen_playbook"], { cwd: repo, stdio: "inherit" });
  }
  mkdirSync(WORK, { recursive: true });
  return sizes.map((n) => {
    const src = join(WORK, `pb-${n}`);
    const out = join(WORK, `site-${n}`);
    rmSync(src, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    console.error(`generating and building ${n} chapters in ${WORK}`);
    execFileSync(gen, ["--chapters", String(n), "--parts", String(Math.max(1, Math.floor(n / 50))), "--teams", "5",
      "--examples-per-team", "4", "--seed", "1", src], { stdio: "ignore" });
    const run = spawnSync(playbook, ["build", "--root", src, "--out", out, "-q"], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`playbook build failed: ${run.stderr}`);
    return out;
  });
}

// Installed before the site's scripts on every page load.
function instrument() {
  const L = (window.__lat = { armed: false });
  const SEARCH = /\/(assets\/search\.js|assets\/stem\.js|search\/)/;
  L.reset = () => Object.assign(L, { armed: true, t0: null, handled: null, insert: null, paint: null, inputs: 0 });
  L.reset();
  L.armed = false;
  // Search requests since `since` (resource timing): count and encoded bytes.
  L.fetched = (since) => {
    const list = performance.getEntriesByType("resource")
      .filter((e) => SEARCH.test(new URL(e.name).pathname) && e.startTime >= since);
    return { requests: list.length, bytes: list.reduce((s, e) => s + e.encodedBodySize, 0) };
  };
  addEventListener("keydown", (e) => {
    if (!L.armed || L.t0 !== null) return;
    L.handled = performance.now();
    L.t0 = Math.min(e.timeStamp, L.handled);
  }, true);
  addEventListener("input", () => { if (L.armed) L.inputs++; }, true);
  const watch = () => {
    const list = document.getElementById("pb-search-results");
    if (!list) return;
    new MutationObserver(() => {
      if (!L.armed || L.t0 === null || L.insert !== null || !list.querySelector("li")) return;
      L.insert = performance.now();
      requestAnimationFrame(() => setTimeout(() => { L.paint = performance.now(); }, 0));
    }).observe(list, { childList: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)];
const ms = (x) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(0));
const kib = (b) => `${(b / 1024).toFixed(b < 10240 ? 1 : 0)} KiB`;
const pad = (s, n) => String(s).padStart(n);

/** Until 5 frames in a row take under 40 ms (at most 30 s). */
async function settle(page) {
  await page.evaluate(async () => {
    const tick = () => new Promise((ok) => {
      const s = performance.now();
      requestAnimationFrame(() => setTimeout(() => ok(performance.now() - s), 0));
    });
    const end = performance.now() + 30000;
    for (let quiet = 0; quiet < 5 && performance.now() < end;) quiet = (await tick()) < 40 ? quiet + 1 : 0;
  });
}

const browser = await launch();

async function focusBox(page) {
  if (FOCUS === "key") await page.keyboard.press("/");
  else await page.click("#pb-search");
  if (!(await page.evaluate(() => document.activeElement.id === "pb-search"))) throw new Error("the box did not get focus");
}

async function freshPage(url) {
  const context = await browser.newContext();
  await context.addInitScript(instrument);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  await settle(page);
  return { context, page };
}

/** Waits for the engine load that focusing the box starts (meta.json fetched and parsed). */
async function engineLoaded(page) {
  await page.waitForFunction(() => performance.getEntriesByType("resource")
    .some((e) => e.name.endsWith("/search/meta.json") && e.responseEnd > 0));
  await page.waitForTimeout(100);
  await settle(page);
}

async function clearBox(page, debounce) {
  await page.fill("#pb-search", "");
  // The page runs its (empty) search after the debounce: let it.
  await page.waitForTimeout(debounce + 40);
  await page.waitForFunction(() => !document.querySelector("#pb-search-results li"));
  await settle(page);
}

/** One measurement: the prefix set by script (no event), the last character a real key. */
async function measure(page, query) {
  await page.evaluate((prefix) => {
    window.__lat.reset();
    const box = document.getElementById("pb-search");
    box.value = prefix;
    box.setSelectionRange(prefix.length, prefix.length);
  }, query.slice(0, -1));
  const since = await page.evaluate(() => performance.now());
  await page.keyboard.press(query.slice(-1) === " " ? "Space" : query.slice(-1));
  await page.waitForFunction(() => window.__lat.paint !== null ||
    document.querySelector(".search-status").textContent.length > 0, null, { timeout: 60000, polling: 50 });
  const r = await page.evaluate((s) => {
    const L = window.__lat;
    L.armed = false;
    return { ...L, value: document.getElementById("pb-search").value, fetched: L.fetched(s),
      results: document.querySelectorAll("#pb-search-results li").length,
      status: document.querySelector(".search-status").textContent };
  }, since);
  if (r.paint === null) throw new Error(`"${query}": no results (${r.status})`);
  if (r.value !== query || r.inputs !== 1) throw new Error(`"${query}": box holds "${r.value}" after ${r.inputs} input events`);
  return { total: r.paint - r.t0, queue: r.handled - r.t0, insert: r.insert - r.t0, frame: r.paint - r.insert,
    results: r.results, ...r.fetched };
}

const summary = [];
for (const dir of sites) {
  const js = readFileSync(join(dir, "assets/playbook.js"), "utf8");
  // `setTimeout(run, N)` on input, or no debounce: run on every input event.
  const debounce = /addEventListener\("input", run\)/.test(js) ? 0
    : Number((js.match(/setTimeout\(run,\s*(\d+)\)/) || [])[1] ?? NaN);
  if (Number.isNaN(debounce)) throw new Error("could not find the search debounce in assets/playbook.js");
  const meta = JSON.parse(readFileSync(join(dir, "search/meta.json"), "utf8"));
  const path = (PAGE === "chapter" ? JSON.parse(readFileSync(join(dir, "search/p/0.json"), "utf8")).u : PAGE)
    .replace(/^\//, "");
  const html = readFileSync(join(dir, path, path.endsWith(".html") ? "" : "index.html")).length;
  const server = await serveStatic(dir, "/");
  const url = server.url + path;
  console.error(`measuring ${dir}`);

  // Cold: a fresh context (empty HTTP cache) per run.
  const cold = { now: [], loaded: [] };
  const coldBytes = {};
  const coldBy = {};
  for (const q of COLD_QUERIES) {
    coldBy[q] = { now: [], loaded: [] };
    coldBytes[q] = { bytes: [], requests: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const kind of withLoaded ? ["now", "loaded"] : ["now"]) {
        const { context, page } = await freshPage(url);
        const since = await page.evaluate(() => performance.now());
        await focusBox(page);
        if (kind === "loaded") await engineLoaded(page);
        const r = await measure(page, q);
        cold[kind].push(r.total);
        coldBy[q][kind].push(r.total);
        if (kind === "now") {
          await page.waitForLoadState("networkidle");
          const all = await page.evaluate((s) => window.__lat.fetched(s), since);
          coldBytes[q].bytes.push(all.bytes);
          coldBytes[q].requests.push(all.requests);
        }
        await context.close();
      }
    }
  }

  // Warm: one page, engine loaded on focus.
  const { context, page } = await freshPage(url);
  await focusBox(page);
  await engineLoaded(page);
  const rows = [];
  for (const q of QUERIES) {
    const runs = [];
    for (let i = 0; i <= RUNS; i++) {
      await clearBox(page, debounce);
      runs.push(await measure(page, q));
    }
    rows.push({ q, runs });
  }
  // The engine alone, called directly (no debounce, no DOM), warm.
  const engine = await page.evaluate(async ([queries, n]) => {
    const m = await import(document.getElementById("pb-search").dataset.index);
    const out = {};
    for (const q of queries) {
      const ts = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await m.search(q);
        ts.push(performance.now() - t);
      }
      out[q] = ts;
    }
    return out;
  }, [QUERIES, RUNS]);
  await context.close();
  server.close();

  const rep = rows.flatMap((r) => r.runs.slice(1));
  const s = {
    pages: meta.pages, coldNow: cold.now, coldLoaded: cold.loaded,
    warmNew: rows.map((r) => r.runs[0].total), warmRep: rep.map((r) => r.total),
    bytes: median(coldBytes[COLD_QUERIES[0]].bytes),
    queue: median(rep.map((r) => r.queue)), insert: median(rep.map((r) => r.insert)),
    frame: median(rep.map((r) => r.frame)), engine: median(Object.values(engine).flat()),
  };
  summary.push(s);
  console.log(`\n${dir}: ${meta.pages} pages indexed, ${Object.keys(meta.shards).length} shards, ` +
    `meta.json ${kib(readFileSync(join(dir, "search/meta.json")).length)}; reader on /${path} (${kib(html)} of HTML)`);
  console.log(`ms from the last keystroke to the first frame with results painted, ` +
    `including the page's ${debounce} ms input debounce`);
  console.log(`${"query".padEnd(18)} ${pad("results", 7)} ${pad("new", 5)} ${pad("rep.med", 7)} ${pad("rep.p95", 7)}` +
    ` ${pad("queue", 5)} ${pad("insert", 6)} ${pad("frame", 5)} ${pad("engine", 6)}  ${pad("cold", 11)}` +
    (withLoaded ? ` ${pad("cold loaded", 11)}` : ""));
  for (const { q, runs } of rows) {
    const r = runs.slice(1);
    const c = coldBy[q];
    const mp = (xs) => `${ms(median(xs))} / ${ms(p95(xs))}`;
    console.log(`${q.padEnd(18)} ${pad(runs[0].results, 7)} ${pad(ms(runs[0].total), 5)} ` +
      `${pad(ms(median(r.map((x) => x.total))), 7)} ${pad(ms(p95(r.map((x) => x.total))), 7)} ` +
      `${pad(ms(median(r.map((x) => x.queue))), 5)} ${pad(ms(median(r.map((x) => x.insert))), 6)} ` +
      `${pad(ms(median(r.map((x) => x.frame))), 5)} ${pad(ms(median(engine[q])), 6)}  ` +
      `${pad(c ? mp(c.now) : "", 11)}` + (withLoaded ? ` ${pad(c ? mp(c.loaded) : "", 11)}` : ""));
  }
  console.log(`  new: first time on the page; rep.: ${RUNS} repeats (median, p95); queue, insert, frame: medians of ` +
    `the repeats, key to its handler, key to results in the DOM, DOM to painted; engine: median of search() called ` +
    `directly; cold: median / p95 of ${RUNS} fresh loads each`);
  const line = (label, xs) => console.log(`  ${label.padEnd(20)} median ${pad(ms(median(xs)), 4)}, p95 ${pad(ms(p95(xs)), 4)} ` +
    `(n=${xs.length})`);
  line("cold:", s.coldNow);
  if (withLoaded) line("cold, engine loaded:", s.coldLoaded);
  line("warm, new query:", s.warmNew);
  line("warm, repeat:", s.warmRep);
  console.log(`  first query, search bytes (median of the cold runs): ` + COLD_QUERIES.map((q) =>
    `"${q}" ${kib(median(coldBytes[q].bytes))} in ${ms(median(coldBytes[q].requests))} requests`).join(", "));
  console.log(`  warm repeat, medians: queue ${ms(s.queue)} + debounce ${debounce} + engine ${ms(s.engine)} ` +
    `(direct call) + rest ${ms(s.insert - s.queue - debounce - s.engine)} = insert ${ms(s.insert)}; ` +
    `+ frame ${ms(s.frame)} (rest: the page's other main-thread work before the timer runs, such as the frame ` +
    `for the typed character, and rendering the list)`);
}
await browser.close();

console.log(`\nSummary: ms from the keystroke to the first results painted, debounce included, median / p95 ` +
  `(reader on ${PAGE === "/" ? "the home page" : PAGE === "chapter" ? "a chapter page, search/p/0.json" : PAGE}, box focused by ${FOCUS === "key" ? 'the "/" key' : "a click"})`);
console.log(`${pad("pages", 6)}  ${pad("cold", 13)}  ${withLoaded ? `${pad("cold, loaded", 13)}  ` : ""}` +
  `${pad("warm, new", 11)}  ${pad("warm, repeat", 12)}  ${pad("engine", 6)}  ${pad(`bytes, "${COLD_QUERIES[0]}"`, 20)}`);
for (const s of summary) {
  const f = (xs) => `${ms(median(xs))} / ${ms(p95(xs))}`;
  console.log(`${pad(s.pages, 6)}  ${pad(f(s.coldNow), 13)}  ${withLoaded ? `${pad(f(s.coldLoaded), 13)}  ` : ""}` +
    `${pad(f(s.warmNew), 11)}  ` +
    `${pad(f(s.warmRep), 12)}  ${pad(ms(s.engine), 6)}  ${pad(kib(s.bytes), 20)}`);
}
if (build && !keep) {
  // Only what --build made, then the folder if that leaves it empty.
  for (const site of built) {
    rmSync(site, { recursive: true, force: true });
    rmSync(site.replace(/site-(\d+)$/, "pb-$1"), { recursive: true, force: true });
  }
  try { rmdirSync(WORK); } catch { /* not empty */ }
}
