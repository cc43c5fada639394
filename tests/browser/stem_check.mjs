// Runs the theme's stem.js over a word list and compares each stem with
// the one the index builder computed (rust-stemmers), given as
// `word<TAB>stem` lines. Prints every difference and a count; exits 1 on any.
//   node stem_check.mjs STEM_JS WORDS_TSV
import { readFileSync } from "node:fs";

const [stemJs, wordsTsv] = process.argv.slice(2);
// The theme's files are plain ES modules outside this package: load the
// source as one, whatever the node version's rules for `.js` files.
const source = readFileSync(stemJs, "utf8");
const { stem } = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
let words = 0;
let differ = 0;
for (const line of readFileSync(wordsTsv, "utf8").split("\n")) {
  if (!line) continue;
  const [word, expected] = line.split("\t");
  words++;
  const got = stem(word);
  if (got !== expected) {
    differ++;
    if (differ <= 50) console.log(`${word}: index ${expected}, browser ${got}`);
  }
}
console.log(`${words} words, ${differ} differ`);
process.exit(differ ? 1 : 0);
