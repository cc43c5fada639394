// Bytes a browser transfers for the first search query, per site size.
//   node bench/search_bytes.mjs DIR...   (built sites, e.g. bench/run --keep W: W/out-100 W/out-1000 ...)
// Serves each site on loopback, opens the home page, then counts every byte
// fetched from the moment the reader types a query until results show.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const helpers = await import(resolve(here, "../tests/browser/helpers.mjs"));
const query = process.env.QUERY || "escalations";
const browser = await helpers.launch();
console.log(`first query "${query}": bytes fetched after typing (search runtime + index + result documents)`);
for (const dir of process.argv.slice(2)) {
  const server = await helpers.serveStatic(resolve(dir));
  const page = await browser.newPage();
  await page.goto(server.url, { waitUntil: "networkidle" });
  // Everything fetched, and the search's own files (its code and index):
  // clicking the box also makes the page load its lazy full navigation on
  // large sites, which is the page's, not the search's.
  let bytes = 0, requests = 0, searchBytes = 0;
  const searchFile = /\/(search\/|assets\/search\.js|assets\/stem\.js)/;
  page.on("response", async (r) => {
    try {
      const n = (await r.body()).length;
      bytes += n; requests += 1;
      if (searchFile.test(new URL(r.url()).pathname)) searchBytes += n;
    } catch {}
  });
  await page.click("#pb-search");
  await page.keyboard.type(query);
  await page.waitForFunction(() => document.querySelectorAll("#pb-search-results li").length > 0 ||
    document.querySelector(".search-status").textContent.length > 0, null, { timeout: 30000 });
  await page.waitForLoadState("networkidle");
  const results = await page.$$eval("#pb-search-results li", (l) => l.length);
  console.log(`${dir}: search ${(searchBytes / 1024).toFixed(1)} KiB; all ${(bytes / 1024).toFixed(1)} KiB in ${requests} requests; ${results} results`);
  await page.close();
  server.close();
}
await browser.close();
