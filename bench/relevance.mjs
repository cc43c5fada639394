// Search quality on a built site: runs each query of a relevance set
// through the site's own search (assets/search.js, in Chromium) and prints
// the rank of the expected page, top-1 and MRR@5.
//   node bench/relevance.mjs SITE_DIR QUERIES_JSON
// QUERIES_JSON: [{"q": "roadmaps", "expect": "/principles/own-the-roadmap/"}, ...]
// (`expect` is matched against the start of a result's path).
import { readFileSync } from "node:fs";
import { launch, serveStatic } from "../tests/browser/helpers.mjs";

const [site, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(queriesFile, "utf8"));
const server = await serveStatic(site, "/");
const browser = await launch();
const page = await browser.newPage();
await page.goto(server.url, { waitUntil: "networkidle" });
let top1 = 0;
let rr = 0;
for (const { q, expect } of queries) {
  const urls = await page.evaluate(async (query) => {
    const m = await import("/assets/search.js");
    await m.init("/");
    return (await m.search(query, { limit: 5 })).map((r) => new URL(r.url, location.href).pathname);
  }, q);
  const rank = urls.findIndex((u) => u.startsWith(expect)) + 1;
  if (rank === 1) top1++;
  if (rank) rr += 1 / rank;
  console.log(`${rank ? `#${rank}` : "--"}\t${q}\t${rank === 1 ? "" : urls.slice(0, 3).join(" ")}`);
}
console.log(`${queries.length} queries: top-1 ${(top1 / queries.length).toFixed(2)}, MRR@5 ${(rr / queries.length).toFixed(3)}`);
await browser.close();
server.close();
