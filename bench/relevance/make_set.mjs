// Writes a relevance set for a generated playbook's built site, the way
// generated-1000.json was made: chapter titles taken at even steps through
// the index (30), then 5 more with their first word inflected (+s) and 5
// with two neighbouring letters of their longest word swapped. Deterministic.
//   node bench/relevance/make_set.mjs SITE_DIR > SET.json
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const site = process.argv[2];
const dir = join(site, "search/p");
const pages = readdirSync(dir)
  .map((f) => [Number.parseInt(f, 10), JSON.parse(readFileSync(join(dir, f), "utf8"))])
  .sort((a, b) => a[0] - b[0])
  .map(([, doc]) => doc)
  .filter((doc) => !doc.u.startsWith("/teams/") && doc.u !== "/onboarding/" && doc.u !== "/");
const pick = (n, offset) => Array.from({ length: n }, (_, i) => pages[Math.floor(((i + offset) * pages.length) / 41)]);
const words = (doc) => doc.t.toLowerCase().split(/\s+/);
const set = pick(30, 0).map((doc) => ({ q: words(doc).join(" "), expect: doc.u }));
for (const doc of pick(5, 30.5)) {
  const w = words(doc);
  w[0] += "s";
  set.push({ q: w.join(" "), expect: doc.u });
}
for (const doc of pick(5, 35.5)) {
  const w = words(doc);
  const i = w.reduce((best, x, k) => (x.length > w[best].length ? k : best), 0);
  const m = Math.floor(w[i].length / 2);
  w[i] = w[i].slice(0, m - 1) + w[i][m] + w[i][m - 1] + w[i].slice(m + 1);
  set.push({ q: w.join(" "), expect: doc.u });
}
console.log(JSON.stringify(set, null, 1));
