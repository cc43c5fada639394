// What an author sees while editing: save -> the change painted in the
// browser, for `playbook serve` and, beside it, `hugo server` (and `zola
// serve --fast`: not yet, see the end) on the same content.
//   node bench/live_paint.mjs [--sizes 100,1000,10000] [--runs 20] [--peers hugo]
// (after `cargo build --release`; `npm ci` in tests/browser for Chromium's
// driver). For each size it generates a playbook with the project's
// generator (examples/gen_playbook.rs, seed 1), serves it, opens its
// middle chapter in headless Chromium and, RUNS times each, appends a
// unique marker to the chapter's body, puts one in its title, and sets a
// unique colour in a stylesheet; it records the time from just before the
// file is written to the first animation frame in which the page shows
// the marker (checked on every frame), on the machine's one clock. Prints
// median and 90th percentile, and how many saves a server never showed. Hugo gets the same chapters (bench/run's
// converter); a peer that is not installed is skipped with a message.
// A benchmark, not a test: figures move with the machine's load.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "..");
const { launch } = await import(resolve(repo, "tests/browser/helpers.mjs"));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg("--sizes", "100,1000,10000").split(",").map(Number);
const RUNS = Number(arg("--runs", "20"));
const PEERS = arg("--peers", "hugo").split(",").filter(Boolean);
const PLAYBOOK = join(repo, "target/release/playbook");
const GEN = join(repo, "target/release/examples/gen_playbook");
if (!existsSync(PLAYBOOK) || !existsSync(GEN)) {
  execFileSync("cargo", ["build", "--release", "--quiet", "--bin", "playbook", "--example", "gen_playbook"], { cwd: repo, stdio: "inherit" });
}
const has = (tool) => { try { execFileSync("which", [tool], { stdio: "ignore" }); return true; } catch { return false; } };
const stripNum = (name) => name.replace(/^\d+[-_]?/, "");
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const now = () => performance.timeOrigin + performance.now();

/** Starts a server and resolves with its URL, read from its output. */
function start(cmd, args, pattern, cwd) {
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((ok, fail) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`${cmd} did not start: ${log.slice(-500)}`)), 600_000);
    const read = (d) => {
      log += d;
      const m = log.match(pattern);
      if (m) { clearTimeout(timer); ok({ child, url: m[1] }); }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
  });
}

// Runs in every document the tab loads (a reload included): on each
// animation frame, looks for the marker the benchmark set and notes the
// frame's time once the page shows it. The page's own clock and Node's are
// the machine's one wall clock.
function watchForMarker() {
  const check = () => {
    const want = localStorage.getItem("bench-marker");
    if (want && !localStorage.getItem("bench-seen")) {
      const kind = localStorage.getItem("bench-kind");
      const h1 = document.querySelector("h1");
      const seen = kind === "body" ? document.querySelector("main")?.textContent.includes(want)
        : kind === "title" ? h1?.textContent.includes(want)
        : h1 && getComputedStyle(h1).getPropertyValue("outline-color") === want;
      if (seen) localStorage.setItem("bench-seen", String(performance.timeOrigin + performance.now()));
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Save -> painted, RUNS times: `edit(i)` writes and returns the marker to look for. */
async function measure(page, kind, edit) {
  const times = [];
  let missed = 0;
  for (let i = 1; i <= RUNS; i++) {
    const marker = kind === "css" ? colour(i) : `m${Date.now().toString(36)}x${i}`;
    await page.evaluate(([k, m]) => {
      localStorage.removeItem("bench-seen");
      localStorage.setItem("bench-kind", k);
      localStorage.setItem("bench-marker", m);
    }, [kind, marker]);
    const t0 = now();
    edit(marker);
    const seen = await page.waitForFunction(() => localStorage.getItem("bench-seen"), null, { polling: 20, timeout: 10_000 })
      .catch(() => null);
    if (!seen) {
      // A save the server never showed: counted, not timed.
      missed++;
      await page.reload();
      continue;
    }
    times.push(Number(await seen.jsonValue()) - t0);
    // Quiet between saves: Hugo drops a save that follows the last too closely.
    await sleep(1000);
  }
  await page.evaluate(() => localStorage.removeItem("bench-marker"));
  times.sort((a, b) => a - b);
  if (!times.length) return null;
  return { median: times[Math.floor(times.length / 2)], p90: times[Math.ceil(times.length * 0.9) - 1], missed };
}

const colour = (i) => `rgb(${(i * 37) % 256}, ${(i * 91) % 256}, ${(i * 13 + 7) % 256})`;

async function run(browser, label, url, file, cssFile) {
  const context = await browser.newContext();
  await context.addInitScript(watchForMarker);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  const original = readFileSync(file, "utf8");
  const title = original.match(/^title = "(.*)"$/m);
  const rows = [];
  rows.push(["body edit", await measure(page, "body", (m) => appendFileSync(file, `\nA line marked ${m}.\n`))]);
  writeFileSync(file, original);
  await sleep(1000);
  if (title) {
    rows.push(["title edit", await measure(page, "title", (m) => writeFileSync(file, original.replace(title[0], `title = "${title[1]} ${m}"`)))]);
    writeFileSync(file, original);
    await sleep(1000);
  }
  rows.push(["CSS edit", await measure(page, "css", (m) => writeFileSync(cssFile, `h1 { outline: 1px solid ${m}; }\n`))]);
  await context.close();
  for (const [what, r] of rows) {
    const figures = !r ? "the page never showed the edit"
      : `median ${r.median.toFixed(1).padStart(7)} ms   p90 ${r.p90.toFixed(1).padStart(7)} ms` +
        (r.missed ? `   (${r.missed} of ${RUNS} saves never shown within 10 s)` : "");
    console.log(`  ${label.padEnd(16)} ${what.padEnd(11)} ${figures}`);
  }
}

const browser = await launch();
console.log(`Save -> painted in headless Chromium, ${RUNS} runs each (median, 90th percentile)`);
for (const n of SIZES) {
  const work = mkdtempSync(join(tmpdir(), "playbook-paint-"));
  const root = join(work, "pb");
  execFileSync(GEN, ["--chapters", String(n), "--parts", String(Math.max(1, Math.floor(n / 50))), "--teams", "5",
    "--examples-per-team", "4", "--seed", "1", root], { stdio: "ignore" });
  mkdirSync(join(root, "static"), { recursive: true });
  writeFileSync(join(root, "static/custom.css"), "h1 { outline: 1px solid rgb(0, 0, 0); }\n");
  const parts = readdirSync(join(root, "chapters"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const part = parts[Math.floor(parts.length / 2)];
  const files = readdirSync(join(root, "chapters", part)).filter((f) => f.endsWith(".md")).sort();
  const chapter = join(root, "chapters", part, files[Math.floor(files.length / 2)]);
  const path = `${stripNum(part)}/${stripNum(basename(chapter, ".md"))}/`;
  console.log(`${n} chapters (${path}):`);

  const ours = await start(PLAYBOOK, ["serve", "--port", "0", "-q", "--root", root], /at (http:\/\/127\.0\.0\.1:\d+\/)/);
  try {
    await run(browser, "playbook serve", ours.url + path, chapter, join(root, "static/custom.css"));
  } finally {
    ours.child.kill();
  }

  if (PEERS.includes("hugo")) {
    if (!has("hugo")) console.log("  hugo: not installed (apt-get install hugo), skipped");
    else {
      const hsrc = join(work, "hugo");
      execFileSync("python3", ["-c", "import importlib.machinery as m, sys; r = m.SourceFileLoader('run', sys.argv[1]).load_module(); r.write_hugo(sys.argv[2], sys.argv[3])",
        join(here, "run"), root, hsrc]);
      mkdirSync(join(hsrc, "static"), { recursive: true });
      writeFileSync(join(hsrc, "static/style.css"), "h1 { outline: 1px solid rgb(0, 0, 0); }\n");
      const port = String(20000 + Math.floor(Math.random() * 20000));
      const hugo = await start("hugo", ["server", "-s", hsrc, "--bind", "127.0.0.1", "--port", port, "--baseURL", `http://127.0.0.1:${port}/`],
        /Web Server is available at (http:\/\/127\.0\.0\.1:\d+\/)/);
      try {
        const hfile = join(hsrc, "content", stripNum(part), basename(chapter).replace(/^\d+[-_]?/, ""));
        await run(browser, "hugo server", hugo.url + path, hfile, join(hsrc, "static/style.css"));
      } finally {
        hugo.child.kill();
      }
    }
  }
  if (PEERS.includes("zola")) console.log("  zola: not measured (not installed here, and no converter to its layout yet)");
  rmSync(work, { recursive: true, force: true });
}
await browser.close();
