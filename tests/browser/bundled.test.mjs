// The bundled playbook (playbook/, what `init` writes) changes with its
// content, so only what holds for any good content is checked here: every
// page is valid HTML, and a page of every kind has no serious or critical
// axe finding in light and dark, with no console or network errors. Exact behaviour is tested on
// the frozen copy in tests/fixtures/handbook.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { axeViolations, buildCopy, launch, serveStatic, vnuErrors, watch } from "./helpers.mjs";

let site, server, browser;

/** One page of each kind (home, chapter, part, team, tag, print...): axe
 * judges the markup of a template, which its other pages share. */
function onePerKind(dir) {
  const seen = new Map();
  for (const path of pages(dir)) {
    const html = readFileSync(join(dir, path, "index.html"), "utf8");
    const kind = (html.match(/class="kind-([a-z]+)/) || [, "other"])[1];
    if (!seen.has(kind)) seen.set(kind, path);
  }
  return [...seen.values()];
}

/** Every page of the site, as a path below its root. */
function pages(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "search" || name === "media" ? [] : pages(path, base);
    if (name !== "index.html") return [];
    const rel = relative(base, dir);
    return [rel === "" ? "" : rel + "/"];
  });
}

before(async () => {
  site = buildCopy("playbook");
  server = await serveStatic(site.out);
  browser = await launch();
});
after(async () => { await browser?.close(); server?.close(); });

test("every page of the bundled playbook is valid HTML", () => {
  assert.deepEqual(vnuErrors(site.out), []);
});

for (const scheme of ["light", "dark"]) {
  test(`a page of every kind of the bundled playbook passes axe in ${scheme} mode`, async () => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const problems = watch(page, server.url.replace(/\/$/, ""));
    const sample = onePerKind(site.out);
    assert.ok(sample.length >= 8, `pages of every kind (${sample.join(", ")})`);
    for (const path of sample) {
      await page.goto(server.url + path, { waitUntil: "load" });
      assert.deepEqual(await axeViolations(page), [], `axe on /${path} (${scheme})`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}
