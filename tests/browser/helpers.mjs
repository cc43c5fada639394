// Shared helpers for the browser tests: build a real site with the real
// binary, serve it over loopback HTTP, drive Debian's Chromium headless.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const bin = process.env.PLAYBOOK_BIN || join(repo, "target/debug/playbook");
/** The tests' "today" (2026-11-25): no test depends on the real date. */
export const testEnv = { ...process.env, SOURCE_DATE_EPOCH: "1795564800", NO_COLOR: "1" };

/** Copies the frozen test handbook into a fresh folder and builds it. */
export function buildBundled(args = [], edit) {
  return buildCopy("tests/fixtures/handbook", args, edit);
}

/**
 * Copies a playbook of the repository (by path) into a fresh folder and
 * builds it; `edit(root)`, when given, changes the copy first.
 */
export function buildCopy(from, args = [], edit) {
  const root = mkdtempSync(join(tmpdir(), "playbook-browser-"));
  cpSync(join(repo, from), root, {
    recursive: true,
    filter: (src) => !src.includes("/public"),
  });
  edit?.(root);
  const run = spawnSync(bin, ["build", "-q", ...args], { cwd: root, encoding: "utf8", env: testEnv });
  if (run.status !== 0) throw new Error(`playbook build failed: ${run.stderr}`);
  return { root, out: join(root, "public") };
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json",
  ".xml": "application/xml", ".wasm": "application/wasm", ".txt": "text/plain",
};

/**
 * A minimal static server for a built site, mounted at `base`; with
 * `gzip`, text is sent compressed when the client accepts it, as static
 * hosts (GitHub Pages, Netlify, Cloudflare) send it.
 */
export function serveStatic(dir, base = "/", { gzip = false } = {}) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!path.startsWith(base)) { res.writeHead(404); return res.end(); }
    path = normalize(path.slice(base.length)).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      return res.end(readFileSync(join(dir, "404.html")));
    }
    const type = TYPES[extname(file)] || "application/octet-stream";
    const body = readFileSync(file);
    if (gzip && /^(text|application\/(json|xml)|image\/svg)/.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
      res.writeHead(200, { "content-type": type, "content-encoding": "gzip", vary: "accept-encoding" });
      return res.end(gzipSync(body));
    }
    res.writeHead(200, { "content-type": type });
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => {
    ok({ url: `http://127.0.0.1:${server.address().port}${base}`, close: () => server.close() });
  }));
}

/** Headless Chromium with the flags this closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** Records console errors, page errors, failed and off-site requests. */
export function watch(page, origin) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url || page.url()})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) problems.push(`off-site request: ${r.url()}`);
  });
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

export const axeSource = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");

/** Serious and critical WCAG 2 A/AA violations on the current page (or
 * only inside the element `selector` names). */
export async function axeViolations(page, selector = null) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate((sel) =>
    window.axe.run(sel ? document.querySelector(sel) : document,
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }), selector);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/** Runs the Nu Html Checker over a folder; returns its error messages. */
export function vnuErrors(dir) {
  const jar = join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const run = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", "--skip-non-html", dir], {
    encoding: "utf8", maxBuffer: 64 << 20,
  });
  const report = JSON.parse(run.stderr || run.stdout || '{"messages":[]}');
  return report.messages.map((m) => `${m.url.replace("file:" + dir, "")}:${m.lastLine}: ${m.message}`);
}

export { execFileSync };
