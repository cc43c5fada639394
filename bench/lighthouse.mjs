// Lighthouse (mobile) on every page kind of a built site: prints the four
// category scores per page (median of RUNS) and the audits that cost points
// outside performance.
//   node bench/lighthouse.mjs SITE_DIR [RUNS] [--uncompressed]
// SITE_DIR: a build of the bundled playbook (`playbook build --root playbook
// --out SITE_DIR`). Lighthouse comes from npm into bench/.lighthouse/ on
// first use (`npm install lighthouse --ignore-scripts`: nothing downloads a
// browser); it drives the system's Chromium (CHROME_PATH, default
// /usr/bin/chromium) headless with the flags that keep it off the network.
// The site is served gzip-compressed, as every static host serves text
// (--uncompressed to see the difference: Lighthouse then charges the print
// page, the whole playbook in one document, for every byte of it).
// A benchmark, not a test: scores move with the machine's load.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const { serveStatic } = await import(resolve(here, "../tests/browser/helpers.mjs"));
const args = process.argv.slice(2);
const gzip = !args.includes("--uncompressed");
const [site, runsArg] = args.filter((a) => !a.startsWith("--"));
if (!site) {
  console.error("usage: node bench/lighthouse.mjs SITE_DIR [RUNS]");
  process.exit(2);
}
const RUNS = Number(runsArg || 1);
const tool = join(here, ".lighthouse");
const bin = join(tool, "node_modules/.bin/lighthouse");
if (!existsSync(bin)) {
  mkdirSync(tool, { recursive: true });
  writeFileSync(join(tool, "package.json"), '{"private": true}\n');
  execFileSync("npm", ["install", "lighthouse@13", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: tool, stdio: "inherit" });
}

const PAGES = {
  home: "",
  chapter: "principles/own-the-roadmap/",
  "toolkit chapter": "toolkit/one-page-proposal/",
  part: "practice/",
  teams: "teams/",
  team: "teams/growth/",
  onboarding: "onboarding/",
  tags: "tags/",
  tag: "tags/career/",
  print: "print/",
  "404 page": "404.html",
};
const FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run " +
  "--disable-background-networking --disable-component-update --disable-sync";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const server = await serveStatic(resolve(site), "/", { gzip });
const out = mkdtempSync(join(tmpdir(), "lighthouse-"));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`Lighthouse, mobile, ${gzip ? "served gzip-compressed" : "served uncompressed"}, ${RUNS} run(s) each, median: performance / accessibility / best practices / SEO`);
for (const [kind, path] of Object.entries(PAGES)) {
  const scores = CATEGORIES.map(() => []);
  const lost = new Set();
  for (let i = 0; i < RUNS; i++) {
    const report = join(out, `${i}.json`);
    // Asynchronously: the site is served from this process.
    const failed = await promisify(execFile)(bin, [server.url + path, "--quiet", "--form-factor=mobile",
      "--output=json", `--output-path=${report}`, `--chrome-flags=${FLAGS}`],
    { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || "/usr/bin/chromium" } })
      .then(() => null, (e) => (e.stderr || String(e)).trim().split("\n").pop());
    if (failed !== null || !existsSync(report)) {
      console.log(`${kind.padEnd(16)} lighthouse failed: ${failed}`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    CATEGORIES.forEach((c, k) => scores[k].push(Math.round((r.categories[c]?.score ?? 0) * 100)));
    for (const c of CATEGORIES.slice(1)) {
      for (const ref of r.categories[c].auditRefs) {
        const audit = r.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) lost.add(ref.id);
      }
    }
  }
  if (!scores[0].length) continue;
  console.log(`${kind.padEnd(16)} ${scores.map(median).join(" / ")}${lost.size ? `   (${[...lost].join(", ")})` : ""}`);
}
rmSync(out, { recursive: true, force: true });
server.close();
