// Live editing in a real browser: a page served by `playbook serve` follows
// its markdown by itself (patched in place when only its <main> changed,
// reloaded when more did), keeps the reader's place, swaps a stylesheet
// without a reload, and shows a build error as an overlay until the next
// good save.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axeViolations, bin, launch, repo, testEnv } from "./helpers.mjs";

let root, server, url, browser;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "playbook-live-"));
  cpSync(join(repo, "tests/fixtures/handbook"), root, { recursive: true, filter: (s) => !s.includes("/public") });
  server = spawn(bin, ["serve", "--port", "0"], { cwd: root, stdio: ["ignore", "ignore", "pipe"], env: testEnv });
  url = await new Promise((ok, fail) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error("serve did not start: " + log)), 20000);
    server.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
  });
  browser = await launch();
});
after(async () => { await browser?.close(); server?.kill(); });

const chapter = "chapters/02-principles/01-own-the-roadmap.md";

test("editing the markdown updates the open page at the same scroll position", async () => {
  const page = await browser.newPage();
  await page.goto(url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  await page.evaluate(() => window.scrollTo(0, 900));
  const before = readFileSync(join(root, chapter), "utf8");
  writeFileSync(join(root, chapter), before.replace("A roadmap is a list of bets.", "A roadmap is a portfolio of bets."));
  await page.waitForSelector("text=A roadmap is a portfolio of bets.", { timeout: 15000 });
  await page.waitForFunction(() => window.scrollY > 800, null, { timeout: 5000 });
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - 900) < 50);
  await page.close();
});

test("a broken save shows an overlay over the last good page; the fix removes it", async () => {
  const page = await browser.newPage();
  await page.goto(url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  const good = readFileSync(join(root, chapter), "utf8");
  writeFileSync(join(root, chapter), good.replace("weight = 10", "weight = \"ten\""));
  const overlay = page.locator("#playbook-error-overlay");
  await overlay.waitFor({ timeout: 15000 });
  assert.match(await overlay.textContent(), /01-own-the-roadmap\.md:7:\d+: error: `weight` must be an integer/);
  assert.ok(await page.isVisible("h1:text('Own the roadmap')"), "the last good page stays");
  // Readable whatever the theme: the overlay keeps its own colours.
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await axeViolations(page, "#playbook-error-overlay"), [], `axe on the overlay (${scheme})`);
  }
  writeFileSync(join(root, chapter), good);
  await overlay.waitFor({ state: "detached", timeout: 15000 });
  await page.close();
});

// Set on the page's window: gone if the page reloaded.
const mark = (page) => page.evaluate(() => { window.__notReloaded = true; });
const reloaded = async (page) => !(await page.evaluate(() => window.__notReloaded === true));

test("a body edit patches the page in place: scroll, ticks and open details survive, and the DOM equals a fresh load", async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.goto(url + "onboarding/", { waitUntil: "networkidle" });
  const box = page.locator(".checklist input[type=checkbox]").nth(2);
  await box.check();
  await page.evaluate(() => {
    const details = document.createElement("details");
    details.id = "probe";
    document.querySelector("main").appendChild(details);
  });
  await page.evaluate(() => window.scrollTo(0, 600));
  await page.locator(".checklist input[type=checkbox]").nth(3).focus();
  await mark(page);

  const file = join(root, "onboarding.md");
  const before = readFileSync(file, "utf8");
  const line = "- [ ] Ask your manager which two or three company goals your team's work should move.";
  assert.ok(before.includes(line));
  writeFileSync(file, before.replace(line, line + "\n- [ ] Write down the one metric your team moved last quarter.") +
    "\n<details open><summary>Why</summary>Added by the test.</details>\n");
  await page.waitForSelector("text=Write down the one metric your team moved last quarter.", { timeout: 15000 });

  assert.equal(await reloaded(page), false, "patched in place, not reloaded");
  assert.ok(await box.isChecked(), "the ticked item is still ticked");
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - 600) < 5, "the scroll position is kept");
  assert.equal(await page.evaluate(() => document.activeElement.closest("li")?.textContent.trim().slice(0, 11)), "Find the da", "focus is kept");
  assert.match(await page.textContent(".checklist-progress"), /^1 of \d+ done$/);

  // The same page loaded afresh shows the same <main> (ticks are in this
  // browser's storage, so both show the same ticks).
  const shown = await page.evaluate(() => document.querySelector("main").outerHTML);
  const fresh = await context.newPage();
  await fresh.goto(url + "onboarding/", { waitUntil: "networkidle" });
  assert.equal(shown.replace(/<details id="probe"><\/details>/, ""), await fresh.evaluate(() => document.querySelector("main").outerHTML));
  await fresh.close();

  // An open <details> stays open across a patch that does not touch it.
  await page.evaluate(() => { document.querySelector("details:not(#probe)").open = false; });
  writeFileSync(file, readFileSync(file, "utf8").replace("Added by the test.", "Added by the test, edited."));
  await page.waitForSelector("text=Added by the test, edited.", { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.querySelector("details:not(#probe)").open), false, "the reader closed it: it stays closed");
  assert.equal(await reloaded(page), false);

  writeFileSync(file, before);
  await page.waitForSelector("text=Write down the one metric", { state: "detached", timeout: 15000 });
  await context.close();
});

test("a title edit patches the page, its sidebar and its <title> in place", async () => {
  const page = await browser.newPage();
  await page.goto(url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  await page.evaluate(() => window.scrollTo(0, 400));
  await mark(page);
  const before = readFileSync(join(root, chapter), "utf8");
  assert.match(before, /title = "Own the roadmap"/);
  writeFileSync(join(root, chapter), before.replace('title = "Own the roadmap"', 'title = "Own the whole roadmap"'));
  await page.waitForSelector("#pb-nav a[aria-current=page]:text('Own the whole roadmap')", { timeout: 15000 });
  assert.equal(await page.textContent("main h1"), "Own the whole roadmap");
  assert.match(await page.title(), /^Own the whole roadmap/);
  assert.equal(await reloaded(page), false, "patched in place, not reloaded");
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - 400) < 5, "the scroll position is kept");
  writeFileSync(join(root, chapter), before);
  await page.waitForSelector("main h1:text-is('Own the roadmap')", { timeout: 15000 });
  await page.close();
});

test("search finds a word a save added, without a reload", async () => {
  const page = await browser.newPage();
  await page.goto(url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  // Search once first: the word is nowhere, and the parts of the index
  // that say so are fetched and kept.
  await page.fill("#pb-search", "zebracorn");
  await page.waitForSelector(".search-status:text('No results')", { timeout: 15000 });
  await page.fill("#pb-search", "");
  await mark(page);
  await page.evaluate(() => document.addEventListener("playbook:indexed", () => { window.__indexed = true; }));
  const before = readFileSync(join(root, chapter), "utf8");
  writeFileSync(join(root, chapter), before + "\nThe word zebracorn appears once.\n");
  await page.waitForFunction(() => window.__indexed === true, null, { timeout: 30000 });
  await page.fill("#pb-search", "zebracorn");
  await page.waitForSelector("#pb-search-results a[href*='/principles/own-the-roadmap/']", { timeout: 15000 });
  assert.equal(await reloaded(page), false);
  writeFileSync(join(root, chapter), before);
  await page.waitForSelector("text=The word zebracorn appears once.", { state: "detached", timeout: 15000 });
  await page.close();
});

test("a template edit reloads the page; a stylesheet edit swaps the sheet without one", async () => {
  const page = await browser.newPage();
  await page.goto(url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  await mark(page);
  mkdirSync(join(root, "templates"), { recursive: true });
  const base = readFileSync(join(repo, "themes/default/templates/base.html"), "utf8");
  assert.ok(base.includes("</footer>"));
  writeFileSync(join(root, "templates/base.html"), base.replace("</footer>", "<p>Footer line from the test.</p></footer>"));
  await page.waitForSelector("text=Footer line from the test.", { timeout: 15000 });
  assert.equal(await reloaded(page), true, "a template edit reloads");

  await mark(page);
  mkdirSync(join(root, "static"), { recursive: true });
  writeFileSync(join(root, "static/custom.css"), "h1 { color: rgb(1, 2, 3); }\n");
  // A new stylesheet is a new <link> on every page: a reload.
  await page.waitForFunction(() => getComputedStyle(document.querySelector("h1")).color === "rgb(1, 2, 3)", null, { timeout: 15000 });
  await mark(page);
  writeFileSync(join(root, "static/custom.css"), "h1 { color: rgb(4, 5, 6); }\n");
  await page.waitForFunction(() => getComputedStyle(document.querySelector("h1")).color === "rgb(4, 5, 6)", null, { timeout: 15000 });
  assert.equal(await reloaded(page), false, "an edited stylesheet is swapped in place");
  assert.equal(await page.locator("link[rel=stylesheet][href*='custom.css']").count(), 1, "the old sheet is gone");
  rmSync(join(root, "templates"), { recursive: true });
  rmSync(join(root, "static"), { recursive: true });
  await page.close();
});
