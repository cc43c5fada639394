// playbook search: queries the index the build writes under search/.
// Loads meta.json once, then only the shards holding the query's terms and
// the documents of the top results. Exports search(query) -> results.
import { stem } from "./stem.js";

const cache = new Map();
let base = "/";
let meta = null;
let version = "";

function get(path) {
  if (!cache.has(path)) {
    cache.set(path, fetch(base + "search/" + path + version).then((r) => {
      if (!r.ok) throw new Error(`search index: ${r.status} for ${path}`);
      return r.json();
    }));
  }
  return cache.get(path);
}

const STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "its", "of", "on", "or", "so", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will",
  "with"]);

// The same words the index was built from (see src/search.rs).
export function tokens(text) {
  return text.split(/[^\p{L}\p{N}'\u2019]+/u)
    .map((w) => w.replace(/^['\u2019]+|['\u2019]+$/g, "").replace(/['\u2019]s$/, ""))
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, "").toLowerCase())
    .filter((w) => w && !STOP.has(w));
}

function shardsFor(term) {
  const keys = Object.keys(meta.shards);
  const exact = keys.filter((k) => term.startsWith(k));
  const longer = keys.filter((k) => k.startsWith(term) && k !== term).sort((a, b) => a.length - b.length).slice(0, 8);
  return [...new Set([...exact, ...longer])].map((k) => meta.shards[k]);
}

export async function init(siteBase) {
  base = siteBase;
  meta = await get("meta.json");
}

// `playbook serve` wrote a new index (a save): forget what was fetched.
export async function refresh(generation) {
  cache.clear();
  version = "?v=" + encodeURIComponent(generation);
  meta = await get("meta.json");
}

// Stems by word: ranking and excerpts stem every word of the leading
// pages, thousands of calls per query, over a small vocabulary.
const stems = new Map();
function stemmed(word) {
  let s = stems.get(word);
  if (s === undefined) {
    if (stems.size > 100000) stems.clear();
    s = stem(word);
    stems.set(word, s);
  }
  return s;
}

/**
 * Top results: [{title, heading, where (part, and team for an example), url, excerpt (HTML with <mark>), filters}].
 * `filters` narrows to pages with all the given values: {team: "Payments", part: "Principles"}.
 */
export async function search(query, { limit = 8, filters = null } = {}) {
  const words = [...new Set(tokens(query))];
  if (!words.length || !meta) return [];
  // The index holds stems when meta.stem says so: the query's words go
  // through the same stemmer (stem.js repeats the builder's).
  const key = meta.stem === "en" ? stemmed : (w) => w;
  const terms = [...new Set(words.map(key))];
  // Whether a page's token is the query word `w` (same stem, or typed so far).
  const matches = (token, w) => key(token).startsWith(key(w)) || token.startsWith(w);
  const hit = (token) => words.some((w) => matches(token, w));
  let allowed = null;
  if (filters && Object.keys(filters).length) {
    const index = await get("filters.json");
    for (const [kind, value] of Object.entries(filters)) {
      const pages = new Set((index[kind] || {})[value] || []);
      allowed = allowed ? new Set([...allowed].filter((p) => pages.has(p))) : pages;
    }
  }
  // Each term with the first word the reader typed for it (typos are
  // judged on what was typed, not on its stem).
  const typed = new Map();
  words.forEach((w) => { if (!typed.has(key(w))) typed.set(key(w), w); });
  const perTerm = await Promise.all(terms.map(async (term) => {
    const files = shardsFor(term);
    const shards = await Promise.all(files.map(get));
    const scores = new Map();
    const titled = new Set();
    const idfOf = (postings) => {
      const df = postings.length / 2;
      return Math.log(1 + (meta.pages - df + 0.5) / (df + 0.5));
    };
    // A longer word the term begins ("weekend" for "week") counts with the
    // term's own rarity when the term is a word of the index: otherwise a
    // rare extension outranks the word the reader typed.
    const exact = shards.find((shard) => Object.hasOwn(shard, term))?.[term];
    const termIdf = exact ? idfOf(exact) : null;
    // The index words that stand for the term in a title.
    const stands = new Set([term]);
    const add = (postings, factor, word) => {
      const idf = factor < 1 && termIdf !== null ? termIdf : idfOf(postings);
      let page = 0;
      for (let k = 0; k < postings.length; k += 2) {
        page += postings[k];
        const v = postings[k + 1];
        // Weight x2, the low bit set when the page's title holds the word.
        const score = idf * factor * (v >> 1) / 100;
        // A title word counts when it is the term, or stands in for a term
        // the index does not hold (a word being typed, a typo).
        if (v & 1 && (factor === 1 || termIdf === null)) {
          titled.add(page);
          stands.add(word);
        }
        scores.set(page, Math.max(scores.get(page) || 0, score));
      }
    };
    for (const shard of shards) {
      for (const [word, postings] of Object.entries(shard)) {
        if (word === term) add(postings, 1, word);
        else if (word.startsWith(term)) add(postings, 0.6, word);
      }
    }
    // A longer word that matches nothing may be a typo: words one edit
    // away, from the shards already loaded, rank below any exact match.
    const asTyped = typed.get(term);
    if (!scores.size && asTyped.length >= 5) {
      // The stems of every spelling one edit from the typed word (a typo
      // can change what the stemmer strips), and words one edit from its
      // stem: looked up in the shards already loaded and at most one more,
      // the one that would hold most of the likeliest slips (neighbours
      // swapped, a letter dropped or doubled).
      const near = new Set([...edits(asTyped)].map(key));
      const loaded = new Set(files);
      const votes = new Map();
      for (const slip of slips(asTyped)) {
        const file = shardOf(key(slip));
        if (file && !loaded.has(file)) votes.set(file, (votes.get(file) || 0) + 1);
      }
      const extra = [...votes].reduce((best, v) => (!best || v[1] > best[1] ? v : best), null);
      if (extra) shards.push(await get(extra[0]));
      for (const shard of shards) {
        for (const [word, postings] of Object.entries(shard)) {
          if (near.has(word) || oneEdit(word, term)) add(postings, 0.3, word);
        }
      }
    }
    return { scores, titled, term, stands };
  }));
  // A page must match every term.
  const [first, ...rest] = perTerm.map((t) => t.scores);
  // A page whose title holds every word of the query is what the reader
  // most likely means.
  const allInTitle = (page) => perTerm.every((t) => t.titled.has(page));
  let ranked = [...first.entries()]
    .filter(([page]) => rest.every((m) => m.has(page)) && (!allowed || allowed.has(page)))
    .map(([page, score]) => ({ page, score: rest.reduce((sum, m) => sum + m.get(page), score) * (allInTitle(page) ? 3 : 1) }))
    .sort((a, b) => b.score - a.score || a.page - b.page);
  // Several words: among the leaders, a page with all of them under one
  // heading, or in one section, beats one that scatters them (the index
  // knows pages, not sections; the leaders' page files do). Among titles
  // that hold every word, the one nearest the query wins ("Repair the
  // budget" before "Repair the budget before it hurts").
  const multi = words.length > 1;
  ranked = ranked.slice(0, multi ? limit + 4 : limit);
  const docs = await Promise.all(ranked.map(({ page }) => get(`p/${page}.json`)));
  // A title's words as the query's terms they matched ("budget" as "buget").
  const canon = new Map();
  perTerm.forEach(({ term, stands }) => stands.forEach((w) => canon.set(w, term)));
  const covers = (s) => {
    const found = tokens(s);
    return words.every((w) => found.some((t) => matches(t, w)));
  };
  const queryTerms = tokens(query).map(key);
  ranked.forEach((r, i) => {
    r.doc = docs[i];
    if (allInTitle(r.page)) r.score *= 1 + likeness(queryTerms, tokens(r.doc.t).map((t) => canon.get(key(t)) ?? key(t)));
    if (!multi) return;
    const sections = r.doc.s;
    // The title is the page's first heading.
    if (covers(r.doc.t) || sections.some(([, heading]) => covers(heading))) r.score *= 2;
    else if (sections.some(([, heading, text]) => covers(heading + " " + text))) r.score *= 1.5;
  });
  ranked = ranked.sort((a, b) => b.score - a.score || a.page - b.page).slice(0, limit);
  return ranked.map(({ doc }) => {
    const [anchor, heading, text, team] = doc.s[bestSection(doc.s, hit)];
    const url = base + doc.u.replace(/^\//, "") + (anchor ? "#" + anchor : "");
    // Where the match sits: the chapter's part, and the team for an example.
    const where = [doc.f.part, team].filter(Boolean).join(" · ");
    return { title: doc.t, heading: anchor ? heading : "", where, url, excerpt: excerpt(text, hit), filters: doc.f };
  });
}

/**
 * How near a query is to a title: shared words over all words (repeats
 * counted), 0 to 1; 3 for the same words, since a reader who types a title
 * means that page.
 */
function likeness(a, b) {
  const left = [...a];
  let shared = 0;
  for (const w of b) {
    const i = left.indexOf(w);
    if (i >= 0) { shared++; left.splice(i, 1); }
  }
  const score = shared / (a.length + b.length - shared || 1);
  return score === 1 ? 3 : score;
}

/** The file of the shard that would hold `word`: the longest prefix the index splits by. */
function shardOf(word) {
  let best = null;
  for (const prefix of Object.keys(meta.shards)) {
    if (word.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best === null ? null : meta.shards[best];
}

/** The commonest typos undone: each swap of neighbours, then each letter dropped. */
export function slips(w) {
  const out = [];
  for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Every spelling one insertion, deletion, substitution or swap of neighbours from `w` (a-z edits). */
export function edits(w) {
  const out = new Set(slips(w));
  for (let i = 0; i <= w.length; i++) {
    const [head, tail] = [w.slice(0, i), w.slice(i)];
    for (const c of LETTERS) {
      out.add(head + c + tail);
      if (tail) out.add(head + c + tail.slice(1));
    }
  }
  out.delete(w);
  return out;
}

/** Whether `a` and `b` are one insertion, deletion, substitution or swap of neighbours apart. */
export function oneEdit(a, b) {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The section where the query's words weigh most (headings count triple). */
function bestSection(sections, hit) {
  let best = 0, bestScore = 0;
  sections.forEach(([, heading, text], i) => {
    const count = (s) => tokens(s).filter(hit).length;
    const found = new Set(tokens(heading + " " + text).filter(hit));
    const score = found.size * 100 + count(heading) * 3 + count(text);
    if (score > bestScore) { best = i; bestScore = score; }
  });
  return best;
}

function escape(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** About 30 words around the first match (`hit` says which token is one), matches marked. */
export function excerpt(text, hit) {
  const words = text.split(/\s+/);
  const match = (w) => { const t = tokens(w)[0]; return t && hit(t); };
  const at = Math.max(0, words.findIndex(match));
  const start = Math.max(0, at - 10);
  const slice = words.slice(start, start + 30);
  const html = slice.map((w) => (match(w) ? `<mark>${escape(w)}</mark>` : escape(w))).join(" ");
  return (start > 0 ? "… " : "") + html + (start + 30 < words.length ? " …" : "");
}
