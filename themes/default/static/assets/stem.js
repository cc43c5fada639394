// English word stems for search: the Porter2 ("english") Snowball
// algorithm, the one the index builder runs (rust-stemmers), so that a
// query word and the words of the pages meet at the same stem. Written
// from the algorithm's published description; a test runs both stemmers
// over the same word list and requires the same output.

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const LI_ENDINGS = new Set(["c", "d", "e", "g", "h", "k", "m", "n", "r", "t"]);
const DOUBLES = new Set(["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);

// Whole words with a stem of their own (or none).
const EXCEPTIONS = new Map([
  ["skis", "ski"], ["skies", "sky"], ["dying", "die"], ["lying", "lie"], ["tying", "tie"],
  ["idly", "idl"], ["gently", "gentl"], ["ugly", "ugli"], ["early", "earli"], ["only", "onli"],
  ["singly", "singl"], ["sky", "sky"], ["news", "news"], ["howe", "howe"], ["atlas", "atlas"],
  ["cosmos", "cosmos"], ["bias", "bias"], ["andes", "andes"],
]);
// Left alone once their plural or possessive is gone.
const AFTER_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
const R1_PREFIXES = ["gener", "commun", "arsen"];

const STEP_2 = [
  ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
  ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
  ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"],
  ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"],
  ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""],
];
const STEP_3 = [
  ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
  ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""],
];
const STEP_4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
  "ive", "ize", "ion", "al", "er", "ic"];

const isVowel = (c) => VOWELS.has(c);

/** The longest of `suffixes` (strings, or [suffix, ...] pairs) that `w` ends with. */
function longest(w, suffixes) {
  let best = null;
  for (const entry of suffixes) {
    const s = typeof entry === "string" ? entry : entry[0];
    if (s.length <= w.length && (best === null || s.length > best.length) && endsWith(w, s)) {
      best = s;
    }
  }
  return best;
}

function endsWith(w, s) {
  for (let i = 0; i < s.length; i++) {
    if (w[w.length - s.length + i] !== s[i]) return false;
  }
  return true;
}

/** Just past the first non-vowel that follows a vowel, from `from` on. */
function regionAfter(w, from) {
  let seenVowel = false;
  for (let i = from; i < w.length; i++) {
    if (isVowel(w[i])) seenVowel = true;
    else if (seenVowel) return i + 1;
  }
  return w.length;
}

/** The word up to `end` ends in a short syllable. */
function shortSyllable(w, end) {
  if (end >= 3) {
    const c = w[end - 1];
    if (!isVowel(c) && c !== "w" && c !== "x" && c !== "Y" && isVowel(w[end - 2]) && !isVowel(w[end - 3])) {
      return true;
    }
  }
  return end === 2 && isVowel(w[0]) && !isVowel(w[1]);
}

/** `w` (an array of characters) with its last `n` replaced by `by`. */
function replace(w, n, by) {
  w.splice(w.length - n, n, ...by);
}

export function stem(word) {
  if (EXCEPTIONS.has(word)) return EXCEPTIONS.get(word);
  const w = Array.from(word);
  if (w.length < 3) return word;
  if (w[0] === "'") w.shift();
  if (w[0] === "y") w[0] = "Y";
  for (let i = 1; i < w.length; i++) {
    if (w[i] === "y" && isVowel(w[i - 1])) w[i] = "Y";
  }
  // R1 starts after the first non-vowel that follows a vowel (or after
  // one of three prefixes); R2 is the same again, inside R1.
  const prefix = R1_PREFIXES.find((p) => w.slice(0, p.length).join("") === p);
  const p1 = prefix ? prefix.length : regionAfter(w, 0);
  const p2 = regionAfter(w, p1);
  const inR1 = (n) => w.length - n >= p1;
  const inR2 = (n) => w.length - n >= p2;

  // Step 0: possessives.
  const apos = longest(w, ["'s'", "'s", "'"]);
  if (apos) w.length -= apos.length;

  // Step 1a: plurals.
  const s1a = longest(w, ["sses", "ied", "ies", "us", "ss", "s"]);
  if (s1a === "sses") {
    replace(w, 4, ["s", "s"]);
  } else if (s1a === "ied" || s1a === "ies") {
    replace(w, 3, w.length > 4 ? ["i"] : ["i", "e"]);
  } else if (s1a === "s") {
    if (w.slice(0, w.length - 2).some(isVowel)) w.length -= 1;
  }
  if (AFTER_1A.has(w.join(""))) return w.join("").replace(/Y/g, "y");

  // Step 1b: -ed, -ing.
  const s1b = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
  if (s1b === "eed" || s1b === "eedly") {
    if (inR1(s1b.length)) replace(w, s1b.length, ["e", "e"]);
  } else if (s1b && w.slice(0, w.length - s1b.length).some(isVowel)) {
    w.length -= s1b.length;
    const end = w.slice(-2).join("");
    if (end === "at" || end === "bl" || end === "iz") {
      w.push("e");
    } else if (DOUBLES.has(end)) {
      w.length -= 1;
    } else if (w.length === p1 && shortSyllable(w, w.length)) {
      w.push("e");
    }
  }

  // Step 1c: a final y after a consonant that is not the first letter.
  const last = w[w.length - 1];
  if ((last === "y" || last === "Y") && w.length > 2 && !isVowel(w[w.length - 2])) {
    w[w.length - 1] = "i";
  }

  // Steps 2 and 3: suffixes in R1.
  const s2 = longest(w, STEP_2);
  if (s2 && inR1(s2.length)) {
    const by = STEP_2.find(([s]) => s === s2)[1];
    const before = w[w.length - s2.length - 1];
    if (s2 === "li") {
      if (LI_ENDINGS.has(before)) w.length -= 2;
    } else if (s2 === "ogi") {
      if (before === "l") replace(w, 3, Array.from(by));
    } else {
      replace(w, s2.length, Array.from(by));
    }
  }
  const s3 = longest(w, STEP_3);
  if (s3 && inR1(s3.length)) {
    const by = STEP_3.find(([s]) => s === s3)[1];
    if (s3 !== "ative" || inR2(s3.length)) replace(w, s3.length, Array.from(by));
  }

  // Step 4: suffixes in R2.
  const s4 = longest(w, STEP_4);
  if (s4 && inR2(s4.length)) {
    if (s4 !== "ion") {
      w.length -= s4.length;
    } else if (["s", "t"].includes(w[w.length - 4])) {
      w.length -= 3;
    }
  }

  // Step 5: a final e or l.
  const end = w[w.length - 1];
  if (end === "e") {
    if (inR2(1) || (inR1(1) && !shortSyllable(w, w.length - 1))) w.length -= 1;
  } else if (end === "l") {
    if (inR2(1) && w[w.length - 2] === "l") w.length -= 1;
  }
  return w.join("").replace(/Y/g, "y");
}
