// Search in a real browser: type a word found in one chapter's body only,
// that chapter comes first, Enter opens it at the matching heading. The same
// on a team edition (its own word found, another team's not), and under a
// sub-path base URL.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBundled, launch, serveStatic, watch } from "./helpers.mjs";

let browser;
const servers = [];
after(async () => { await browser?.close(); servers.forEach((s) => s.close()); });

async function site(args = [], base = "/", edit) {
  const built = buildBundled(args, edit);
  const server = await serveStatic(built.out, base);
  servers.push(server);
  browser ||= await launch();
  return server;
}

async function search(page, query) {
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "pb-search", "/ focuses the search box");
  await page.keyboard.type(query);
  await page.waitForFunction(() => {
    const list = document.getElementById("pb-search-results");
    const status = document.querySelector(".search-status");
    return list.children.length > 0 || status.textContent.length > 0;
  }, null, { timeout: 15000 });
  return page.$$eval("#pb-search-results li", (items) => items.map((li) => ({
    title: li.querySelector(".r-title").textContent,
    heading: li.querySelector(".r-heading")?.textContent || "",
    where: li.querySelector(".r-where")?.textContent || "",
    excerpt: li.querySelector(".r-excerpt").innerHTML,
    href: li.querySelector("a").getAttribute("href"),
  })));
}

test("a word from one chapter's body finds that chapter first and opens it at the heading", async () => {
  const server = await site();
  const page = await browser.newPage();
  const problems = watch(page, server.url.replace(/\/$/, ""));
  await page.goto(server.url, { waitUntil: "networkidle" });
  // "headcount" appears once, in Own the roadmap, under "Questions to ask in a roadmap review"
  const results = await search(page, "headcount");
  assert.ok(results.length >= 1);
  assert.equal(results[0].title, "Own the roadmap");
  assert.match(results[0].href, /^\/principles\/own-the-roadmap\/#questions-to-ask-in-a-roadmap-review$/);
  assert.match(results[0].excerpt, /<mark>headcount/);
  assert.equal(results[0].where, "Principles", "a result names its part");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForURL(/own-the-roadmap\/#questions-to-ask-in-a-roadmap-review$/);
  const top = await page.evaluate(() => document.getElementById("questions-to-ask-in-a-roadmap-review").getBoundingClientRect().top);
  assert.ok(top >= -5 && top < 200, `the heading is in view (top=${top})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("an inflected form and a one-letter typo find the chapter too", async () => {
  const server = await site();
  // "headcount" appears once, in Own the roadmap; the index holds stems
  for (const query of ["headcounts", "headcuont"]) {
    const page = await browser.newPage();
    await page.goto(server.url, { waitUntil: "networkidle" });
    const results = await search(page, query);
    assert.ok(results.length >= 1, `${query} finds something`);
    assert.equal(results[0].title, "Own the roadmap", query);
    await page.close();
  }
});

test("a page whose title or heading holds the words ranks above pages that mention them", async () => {
  const server = await site();
  const cases = [["roadmap", "Own the roadmap"], ["own the roadmap", "Own the roadmap"], ["roadmaps", "Own the roadmap"]];
  for (const [query, first] of cases) {
    const page = await browser.newPage();
    await page.goto(server.url, { waitUntil: "networkidle" });
    const results = await search(page, query);
    assert.equal(results[0]?.title, first, `${query}: ${results.map((r) => r.title).join(" | ")}`);
    await page.close();
  }
});

test("a team edition finds its own words and not another team's", async () => {
  const server = await site(["--team", "growth"]);
  const page = await browser.newPage();
  await page.goto(server.url + "principles/ship-small-ship-fast/", { waitUntil: "networkidle" });
  // "calculator" is in Growth's pricing-page story only
  const own = await search(page, "calculator");
  assert.ok(own.length >= 1, "growth's word is found");
  assert.match(own[0].where, /· Growth$/, "a match in an example names its team");
  assert.ok(own.every((r) => !r.href.includes("teams/payments")));
  await page.fill("#pb-search", "");
  // "chargebacks" is in a Payments story only
  await page.keyboard.type("chargebacks");
  await page.waitForFunction(() => document.querySelector(".search-status").textContent.includes("No results"), null, { timeout: 15000 });
  await page.close();
});

test("search works on a site served under a sub-path", async () => {
  const server = await site(["--base-url", "/handbook/"], "/handbook/");
  const page = await browser.newPage();
  const problems = watch(page, server.url.replace(/\/handbook\/$/, ""));
  await page.goto(server.url + "teams/", { waitUntil: "networkidle" });
  const results = await search(page, "headcount");
  assert.equal(results[0].title, "Own the roadmap");
  assert.match(results[0].href, /^\/handbook\/principles\/own-the-roadmap\//);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/handbook\/principles\/own-the-roadmap\//);
  assert.deepEqual(problems, []);
  await page.close();
});

test("results can be narrowed by team and part", async () => {
  const server = await site();
  const page = await browser.newPage();
  await page.goto(server.url, { waitUntil: "networkidle" });
  const run = (filters) => page.evaluate(async ([base, filters]) => {
    const engine = await import(base + "assets/search.js");
    await engine.init(base);
    return (await engine.search("roadmap", { filters })).map((r) => r.title);
  }, [new URL(server.url).pathname, filters]);
  const all = await run(null);
  const payments = await run({ team: "Payments" });
  const shift = await run({ part: "The shift" });
  assert.ok(all.length > payments.length && payments.length > 0, `${all} / ${payments}`);
  assert.ok(payments.every((t) => all.includes(t)));
  assert.deepEqual(shift.sort(), ["The breakthrough", "Why leaders stall"].filter((t) => shift.includes(t)).sort());
  assert.ok(shift.length >= 1 && !shift.includes("Own the roadmap"));
  await page.close();
});
