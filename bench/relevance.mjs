// Search quality on a built site: runs each query of a relevance set
// through a search engine in Chromium and prints the rank of the expected
// page, top-1 and MRR@5.
//   node bench/relevance.mjs SITE_DIR QUERIES_JSON [--pagefind PAGEFIND_BIN]
// QUERIES_JSON: [{"q": "roadmaps", "expect": "/principles/own-the-roadmap/"}, ...]
// (`expect` is matched against the start of a result's path).
//
// Without --pagefind it queries the site's own search (assets/search.js).
// With it, Pagefind (npm `pagefind`, which ships its binary) indexes the
// same pages our index covers (the URLs in search/p/*.json), reading only
// each page's <main>, into SITE_DIR/pagefind/, and is queried instead.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, serveStatic } from "../tests/browser/helpers.mjs";

const [site, queriesFile, flag, pagefindBin] = process.argv.slice(2);
const pagefind = flag === "--pagefind";
const queries = JSON.parse(readFileSync(queriesFile, "utf8"));

if (pagefind) {
  const pages = mkdtempSync(join(tmpdir(), "relevance-"));
  for (const file of readdirSync(join(site, "search/p"))) {
    const url = JSON.parse(readFileSync(join(site, "search/p", file), "utf8")).u;
    const rel = join(url.replace(/^\//, ""), "index.html");
    mkdirSync(join(pages, url), { recursive: true });
    cpSync(join(site, rel), join(pages, rel));
  }
  rmSync(join(site, "pagefind"), { recursive: true, force: true });
  execFileSync(pagefindBin, ["--site", pages, "--root-selector", "main", "--output-path", join(site, "pagefind")],
    { stdio: "ignore" });
  rmSync(pages, { recursive: true });
}

const server = await serveStatic(site, "/");
const browser = await launch();
const page = await browser.newPage();
await page.goto(server.url, { waitUntil: "networkidle" });
// Bytes the first query downloads (engine code, index, top documents).
let bytes = 0;
let counting = true;
// Only what the search loads: the page's own lazy loads (the full
// navigation of a large site) are not the engine's.
const searchFile = /\/(search\/|pagefind\/|assets\/search\.js|assets\/stem\.js)/;
page.on("response", async (response) => {
  if (!counting || !searchFile.test(new URL(response.url()).pathname)) return;
  try { bytes += (await response.body()).length; } catch { /* redirects have no body */ }
});
let top1 = 0;
let rr = 0;
let firstQueryBytes = null;
for (const { q, expect } of queries) {
  const urls = await page.evaluate(async ([query, usePagefind]) => {
    if (usePagefind) {
      const pf = await import("/pagefind/pagefind.js");
      await pf.init();
      const found = await pf.search(query);
      const data = await Promise.all(found.results.slice(0, 5).map((r) => r.data()));
      return data.map((d) => new URL(d.url, location.href).pathname);
    }
    const m = await import("/assets/search.js");
    await m.init("/");
    return (await m.search(query, { limit: 5 })).map((r) => new URL(r.url, location.href).pathname);
  }, [q, pagefind]);
  if (firstQueryBytes === null) {
    await page.waitForLoadState("networkidle");
    firstQueryBytes = bytes;
    counting = false;
  }
  const rank = urls.findIndex((u) => u.startsWith(expect)) + 1;
  if (rank === 1) top1++;
  if (rank) rr += 1 / rank;
  console.log(`${rank ? `#${rank}` : "--"}\t${q}\t${rank === 1 ? "" : urls.slice(0, 3).join(" ")}`);
}
const engine = pagefind ? "Pagefind" : "playbook";
console.log(`${engine}, ${queries.length} queries: top-1 ${(top1 / queries.length).toFixed(2)}, MRR@5 ${(rr / queries.length).toFixed(3)}, first query ${(firstQueryBytes / 1024).toFixed(0)} KiB`);
await browser.close();
server.close();
