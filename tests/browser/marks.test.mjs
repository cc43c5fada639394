// "New since your last visit", in a real browser on a site built from a
// real git repository: a first visit shows no marks; after a commit and a
// rebuild the changed chapter is marked in the sidebar and on the home
// page; opening it clears its mark; "Mark all read" clears the rest; and
// without JavaScript the page carries no mark and no control.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, launch, repo, serveStatic, testEnv, watch } from "./helpers.mjs";

let root, out, server, browser;

function git(args, when) {
  const env = {
    ...testEnv, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1",
  };
  if (when) Object.assign(env, { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
  execFileSync("git", args, { cwd: root, env, stdio: "pipe" });
}

function build() {
  const run = spawnSync(bin, ["build", "-q", "--out", out], { cwd: root, encoding: "utf8", env: testEnv });
  if (run.status !== 0) throw new Error(`playbook build failed: ${run.stderr}`);
}

const ROADMAP = "principles/own-the-roadmap/";

before(async () => {
  root = mkdtempSync(join(tmpdir(), "playbook-marks-"));
  out = mkdtempSync(join(tmpdir(), "playbook-marks-out-"));
  cpSync(join(repo, "tests/fixtures/handbook"), root, { recursive: true, filter: (s) => !s.includes("/public") });
  writeFileSync(join(root, ".gitignore"), "public/\n");
  git(["init", "-q", "-b", "main"]);
  git(["add", "-A"]);
  git(["commit", "-q", "--no-gpg-sign", "-m", "Start the handbook"], "2026-01-05T09:00:00Z");
  build();
  server = await serveStatic(out);
  browser = await launch();
});
after(async () => { await browser?.close(); server?.close(); });

const marked = (page) => page.$$eval(".new-mark", (els) => els.map((e) => e.closest("a").getAttribute("href")));

test("a chapter changed since the last visit is marked until it is read", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page, server.url.replace(/\/$/, ""));
  await page.goto(server.url, { waitUntil: "networkidle" });
  assert.deepEqual(await marked(page), [], "a first visit shows no marks");
  assert.equal(await page.locator(".mark-all-read").count(), 0);

  // A pull request lands: two chapters change, the site is rebuilt.
  appendFileSync(join(root, "chapters/02-principles/01-own-the-roadmap.md"), "\nA new paragraph.\n");
  appendFileSync(join(root, "chapters/02-principles/02-define-success-by-impact.md"), "\nAnother.\n");
  git(["commit", "-q", "-a", "--no-gpg-sign", "-m", "Sharpen two principles"], "2026-02-10T09:00:00Z");
  build();
  await page.reload({ waitUntil: "networkidle" });
  const both = ["/" + ROADMAP, "/principles/define-success-by-impact/"];
  const home = await marked(page);
  for (const href of both) assert.ok(home.includes(href), `${href} is marked on the home page: ${home}`);
  assert.equal(await page.locator(".mark-all-read button").count(), 1, "the control appears with marks");

  // Reading one chapter clears its mark, not the other's.
  await page.goto(server.url + ROADMAP, { waitUntil: "networkidle" });
  await page.goto(server.url, { waitUntil: "networkidle" });
  const after = await marked(page);
  assert.ok(!after.includes(both[0]), `read: no mark: ${after}`);
  assert.ok(after.includes(both[1]), `unread: still marked: ${after}`);

  // "Mark all read" clears the rest, and it stays cleared on reload.
  await page.click(".mark-all-read button");
  assert.deepEqual(await marked(page), []);
  await page.reload({ waitUntil: "networkidle" });
  assert.deepEqual(await marked(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("without JavaScript there are no marks and no control, and the changes page lists the edit", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "changes/");
  assert.equal(await page.locator(".new-mark").count(), 0);
  assert.equal(await page.locator(".mark-read-line").isVisible(), false);
  const text = await page.locator("main").innerText();
  assert.match(text, /Sharpen two principles/);
  await context.close();
});
