// Regenerates the README's screenshots: `node tests/browser/screenshots.mjs`
// (after `cargo build`). Builds the bundled playbook, serves it on loopback
// and captures the home and a chapter page at desktop and phone width.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildCopy, launch, repo, serveStatic } from "./helpers.mjs";

const shots = [
  ["home-desktop", "", { width: 1280, height: 860 }],
  ["chapter-desktop", "principles/own-the-roadmap/", { width: 1280, height: 860 }],
  ["home-phone", "", { width: 390, height: 800 }],
  ["chapter-phone", "principles/own-the-roadmap/", { width: 390, height: 800 }],
  ["chapter-dark", "principles/ship-small-ship-fast/", { width: 1280, height: 860 }, "dark"],
  ["onboarding-desktop", "onboarding/", { width: 1280, height: 860 }],
];

const dir = join(repo, "docs/screenshots");
mkdirSync(dir, { recursive: true });
const site = buildCopy("playbook");
const server = await serveStatic(site.out);
const browser = await launch();
for (const [name, path, viewport, scheme = "light"] of shots) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(server.url + path, { waitUntil: "networkidle" });
  await page.screenshot({ path: join(dir, `${name}.png`) });
  await context.close();
  console.log(`wrote docs/screenshots/${name}.png`);
}
await browser.close();
server.close();
