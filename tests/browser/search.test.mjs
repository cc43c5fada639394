// Search in a real browser: type a word found in one chapter's body only,
// that chapter comes first, Enter opens it at the matching heading. The same
// on a team edition (its own word found, another team's not), and under a
// sub-path base URL.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBundled, buildCopy, launch, serveStatic, watch } from "./helpers.mjs";

let browser;
const servers = [];
after(async () => { await browser?.close(); servers.forEach((s) => s.close()); });

async function site(args = [], base = "/", edit, from) {
  const built = from ? buildCopy(from, args, edit) : buildBundled(args, edit);
  const server = await serveStatic(built.out, base);
  servers.push(server);
  browser ||= await launch();
  return server;
}

/** Adds a part of made-up chapters ([file, title, body]) to the test handbook. */
function addChapters(chapters) {
  return (root) => {
    const dir = join(root, "chapters", "04-search-cases");
    mkdirSync(dir);
    writeFileSync(join(dir, "part.toml"), 'title = "Search cases"\n');
    for (const [file, title, body] of chapters) {
      writeFileSync(join(dir, file), `+++\ntitle = "${title}"\nreviewed = 2026-09-14\n+++\n\n${body}\n`);
    }
  };
}

/** The titles of the results for `query` on a freshly opened page. */
async function titles(server, query) {
  const page = await browser.newPage();
  await page.goto(server.url, { waitUntil: "networkidle" });
  const results = await search(page, query);
  await page.close();
  return results.map((r) => r.title);
}

async function search(page, query) {
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "pb-search", "/ focuses the search box");
  // One input event for the whole query: typed letter by letter, the
  // results of a partial query could be read before the last ones arrive.
  await page.fill("#pb-search", query);
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

const filler = "Teams agree on the next step and write it down where everyone can see it.";

test("a made-up word is found by its inflected forms and by a one-letter typo", async () => {
  const server = await site([], "/", addChapters([
    ["01-tending.md", "Tending the release notes", `${filler}\n\nEach Friday we frobnicate the release notes before they go out.\n\n${filler}`],
    ["02-other.md", "Other habits", `${filler}\n\n${filler}`],
  ]));
  for (const query of ["frobnicate", "frobnicated", "frobnicates", "frobnicating", "frobnocate", "frobnciate", "frobncate"]) {
    const found = await titles(server, query);
    assert.equal(found[0], "Tending the release notes", `${query}: ${found.join(" | ")}`);
  }
});

test("a chapter whose title holds a word ranks above chapters that mention it once", async () => {
  const server = await site([], "/", addChapters([
    ["01-mention-a.md", "Planning notes", `${filler}\n\nThe quillwort review is short.\n\n${filler}`],
    ["02-titled.md", "Quillwort reviews", `${filler}\n\n${filler}\n\n${filler}\n\n${filler}`],
    ["03-mention-b.md", "Meeting notes", `A quillwort agenda.\n\n${filler}`],
  ]));
  const found = await titles(server, "quillwort");
  assert.equal(found.length, 3, found.join(" | "));
  assert.equal(found[0], "Quillwort reviews", found.join(" | "));
});

test("two rare words in one paragraph rank that chapter first", async () => {
  const server = await site([], "/", addChapters([
    ["01-scattered.md", "Scattered notes",
      `## One\n\nThe zephyrine plan, the zephyrine draft.\n\n${filler}\n\n## Two\n\n${filler}\n\nThe marmoset board, the marmoset list.`],
    ["02-together.md", "Harbour notes", `${filler}\n\n${filler}\n\nOur zephyrine checklist names the marmoset owner.\n\n${filler}\n\n${filler}`],
    ["03-one-word.md", "Plain notes", "The zephyrine rota, the zephyrine owner, the zephyrine review."],
  ]));
  const found = await titles(server, "zephyrine marmoset");
  assert.deepEqual(found.slice(0, 2), ["Harbour notes", "Scattered notes"], found.join(" | "));
});

test("a title typed whole finds that page before longer titles holding the same words", async () => {
  const server = await site([], "/", addChapters([
    ["01-long.md", "Repair the budget before it hurts", `${filler}\n\nRepair the budget early; a budget repaired late costs more.`],
    ["02-short.md", "Repair the budget", filler],
    ["03-longer.md", "Repair the budget with your finance partner", `${filler}\n\nWe repair the budget together.`],
  ]));
  assert.equal((await titles(server, "repair the budget"))[0], "Repair the budget");
  assert.equal((await titles(server, "repair the budget before it hurts"))[0], "Repair the budget before it hurts");
  assert.equal((await titles(server, "repair the buget"))[0], "Repair the budget", "with a typo too");
});

test("on the bundled playbook, 'first week' finds the onboarding page first", async () => {
  // Its heading is "First week: ..."; a chapter that says "weekend" once must not outrank it.
  const server = await site([], "/", null, "playbook");
  const found = await titles(server, "first week");
  assert.match(found[0], /onboarding|first/i, found.join(" | "));
  const page = await browser.newPage();
  await page.goto(server.url, { waitUntil: "networkidle" });
  const [top] = await search(page, "first week");
  assert.match(top.href, /\/onboarding\/#first-week/, top.href);
  await page.close();
});
