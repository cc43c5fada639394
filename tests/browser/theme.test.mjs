// The default theme on the bundled playbook, in a real browser: valid HTML,
// accessible in light and dark, no console errors or off-site requests,
// the onboarding checklist and theme choice survive a reload, and the
// layout holds at phone width and without JavaScript.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, buildBundled, launch, serveStatic, vnuErrors, watch } from "./helpers.mjs";

let site, server, browser;
const PAGES = ["", "principles/own-the-roadmap/", "teams/payments/", "onboarding/", "changes/"];

before(async () => {
  site = buildBundled();
  server = await serveStatic(site.out);
  browser = await launch();
});
after(async () => { await browser?.close(); server?.close(); });

test("every page of the bundled site is valid HTML (Nu Html Checker)", () => {
  const errors = vnuErrors(site.out);
  assert.deepEqual(errors, []);
});

for (const scheme of ["light", "dark"]) {
  test(`no serious or critical axe violations, ${scheme} mode, and no console or network errors`, async () => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const problems = watch(page, server.url.replace(/\/$/, ""));
    for (const path of PAGES) {
      await page.goto(server.url + path, { waitUntil: "networkidle" });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg === "rgb(255, 255, 255)", scheme === "light", `${path}: background ${bg} in ${scheme} mode`);
      assert.deepEqual(await axeViolations(page), [], `axe on /${path} (${scheme})`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("an onboarding checklist tick survives a reload, and the progress count follows it", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "onboarding/");
  const boxes = page.locator(".checklist input[type=checkbox]");
  const total = await boxes.count();
  assert.ok(total >= 8, "the path has checklist items");
  const progress = page.locator(".checklist-progress");
  assert.equal(await progress.textContent(), `0 of ${total} done`);
  assert.equal(await boxes.nth(2).isChecked(), false);
  await boxes.nth(2).check();
  assert.equal(await progress.textContent(), `1 of ${total} done`);
  await page.reload();
  assert.equal(await page.locator(".checklist input[type=checkbox]").nth(2).isChecked(), true);
  assert.equal(await page.locator(".checklist input[type=checkbox]").nth(1).isChecked(), false);
  assert.equal(await page.locator(".checklist-progress").textContent(), `1 of ${total} done`);
  await page.click(".checklist-reset");
  assert.equal(await page.locator(".checklist-progress").textContent(), `0 of ${total} done`);
  await context.close();
});

test("the theme toggle is remembered across pages", async () => {
  const context = await browser.newContext({ colorScheme: "light" });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.click(".theme-toggle");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await page.goto(server.url + "principles/own-the-roadmap/");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, "rgb(255, 255, 255)");
  await context.close();
});

test("at 360 px the sidebar folds behind a button and nothing overflows", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(server.url + "principles/own-the-roadmap/");
  assert.equal(await page.isVisible("#pb-sidebar"), false);
  await page.click(".nav-toggle");
  assert.equal(await page.isVisible("#pb-sidebar"), true);
  assert.equal(await page.getAttribute(".nav-toggle", "aria-expanded"), "true");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `page is ${overflow}px wide`);
  await context.close();
});

test("without JavaScript the chapter and its navigation still show", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(server.url + "principles/own-the-roadmap/");
  assert.equal(await page.isVisible("#pb-sidebar"), true);
  assert.ok(await page.isVisible("text=A roadmap is a list of bets."));
  await context.close();
});

test("keyboard: the skip link is the first stop and moves focus to the content", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "principles/own-the-roadmap/");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "pb-main");
  await context.close();
});

test("phone reading comfort: checklist lines hang under their text, dates stay whole; a calm current item in dark mode", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto(server.url + "onboarding/", { waitUntil: "networkidle" });
  // Per wrapped checklist item: the left edge of its first and second lines of text.
  const items = await page.evaluate(() => [...document.querySelectorAll("li")].filter((li) => li.querySelector(":scope > input[type=checkbox]")).map((li) => {
    const lines = new Map();
    const walk = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) {
      for (let i = 0; i < n.length; i++) {
        if (/\s/.test(n.data[i])) continue;
        const r = document.createRange();
        r.setStart(n, i); r.setEnd(n, i + 1);
        const box = r.getClientRects()[0];
        if (!box) continue;
        const y = [...lines.keys()].find((k) => Math.abs(k - box.top) < 5) ?? box.top;
        lines.set(y, Math.min(lines.get(y) ?? Infinity, box.left));
      }
    }
    return [...lines.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }).filter((lefts) => lefts.length > 1));
  assert.ok(items.length > 0, "some checklist item wraps at 360 px");
  for (const [first, second] of items) assert.ok(Math.abs(first - second) <= 3, `second line at ${second}, text at ${first}`);

  await page.goto(server.url + "principles/own-the-roadmap/", { waitUntil: "networkidle" });
  const times = await page.$$eval("main time", (all) => all.map((t) => t.getClientRects().length));
  assert.ok(times.length > 0 && times.every((n) => n === 1), `each date on one line: ${times}`);
  const [current, body] = await page.evaluate(() => [
    getComputedStyle(document.querySelector('.nav-list a[aria-current="page"]')).backgroundColor,
    getComputedStyle(document.body).backgroundColor]);
  const lum = (c) => c.match(/\d+/g).slice(0, 3).reduce((s, v) => s + Number(v), 0) / 3;
  assert.ok(Math.abs(lum(current) - lum(body)) < 40, `current item ${current} on ${body}: not a bright block`);
  await context.close();
});

test("wide screens: every page kind keeps a reading measure, and the sidebar rule runs the page's height", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  for (const path of ["", "principles/own-the-roadmap/", "practice/", "teams/", "teams/payments/", "onboarding/", "tags/career/", "print/"]) {
    await page.goto(server.url + path, { waitUntil: "networkidle" });
    // Characters on each full line of prose (a paragraph's last line left
    // out), counted by where each character is laid out.
    const [longest, average] = await page.evaluate(() => {
      const lines = [];
      for (const p of document.querySelectorAll("main p, main li")) {
        if (p.closest(".cards, .team-cards, nav")) continue;
        const perLine = new Map();
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (box) perLine.set(Math.round(box.top / 4), (perLine.get(Math.round(box.top / 4)) || 0) + 1);
          }
        }
        lines.push(...[...perLine.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).slice(0, -1));
      }
      return [Math.max(0, ...lines), lines.length ? lines.reduce((a, b) => a + b) / lines.length : 0];
    });
    if (average) {
      assert.ok(average >= 60 && average <= 80, `/${path}: ${average.toFixed(0)} characters a line on average`);
      assert.ok(longest <= 85, `/${path}: a line of ${longest} characters`);
    }
    if (path === "print/") continue;
    const [rule, mainHeight, layoutHeight] = await page.evaluate(() => {
      const main = document.querySelector("main");
      return [getComputedStyle(main).borderLeftWidth, main.getBoundingClientRect().height,
        document.querySelector(".layout").getBoundingClientRect().height];
    });
    assert.equal(rule, "1px", `/${path}: the rule is the page column's edge`);
    assert.ok(mainHeight >= layoutHeight - 1, `/${path}: page column ${mainHeight} of ${layoutHeight}`);
  }
  await context.close();
});
