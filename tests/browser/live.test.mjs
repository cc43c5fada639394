// Live editing in a real browser: a page served by `playbook serve` reloads
// by itself when its markdown changes, keeps its scroll position, and shows
// a build error as an overlay until the next good save.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

test("editing the markdown reloads the open page at the same scroll position", async () => {
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
