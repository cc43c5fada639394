// playbook search: queries the index the build writes under search/.
// Loads meta.json once, then only the shards holding the query's terms and
// the documents of the top results. Exports search(query) -> results.
import { stem } from "./stem.js";

const cache = new Map();
let base = "/";
let meta = null;

function get(path) {
  if (!cache.has(path)) {
    cache.set(path, fetch(base + "search/" + path).then((r) => {
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

/**
 * Top results: [{title, heading, where (part, and team for an example), url, excerpt (HTML with <mark>), filters}].
 * `filters` narrows to pages with all the given values: {team: "Payments", part: "Principles"}.
 */
export async function search(query, { limit = 8, filters = null } = {}) {
  const words = [...new Set(tokens(query))];
  if (!words.length || !meta) return [];
  // The index holds stems when meta.stem says so: the query's words go
  // through the same stemmer (stem.js repeats the builder's).
  const key = meta.stem === "en" ? stem : (w) => w;
  const terms = [...new Set(words.map(key))];
  const hit = (token) => {
    const k = key(token);
    return terms.some((q) => k.startsWith(q)) || words.some((w) => token.startsWith(w));
  };
  let allowed = null;
  if (filters && Object.keys(filters).length) {
    const index = await get("filters.json");
    for (const [kind, value] of Object.entries(filters)) {
      const pages = new Set((index[kind] || {})[value] || []);
      allowed = allowed ? new Set([...allowed].filter((p) => pages.has(p))) : pages;
    }
  }
  const perTerm = await Promise.all(terms.map(async (term) => {
    const shards = await Promise.all(shardsFor(term).map(get));
    const scores = new Map();
    const titled = new Set();
    const add = (postings, factor) => {
      const df = postings.length / 2;
      const idf = Math.log(1 + (meta.pages - df + 0.5) / (df + 0.5));
      let page = 0;
      for (let k = 0; k < postings.length; k += 2) {
        page += postings[k];
        const v = postings[k + 1];
        // Weight x2, the low bit set when the page's title holds the word.
        const score = idf * factor * (v >> 1) / 100;
        if (v & 1 && factor === 1) titled.add(page);
        scores.set(page, Math.max(scores.get(page) || 0, score));
      }
    };
    for (const shard of shards) {
      for (const [word, postings] of Object.entries(shard)) {
        if (word === term) add(postings, 1);
        else if (word.startsWith(term)) add(postings, 0.6);
      }
    }
    // A longer word that matches nothing may be a typo: words one edit
    // away, from the shards already loaded, rank below any exact match.
    if (!scores.size && term.length >= 5) {
      for (const shard of shards) {
        for (const [word, postings] of Object.entries(shard)) {
          if (oneEdit(word, term)) add(postings, 0.3);
        }
      }
    }
    return { scores, titled };
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
  // knows pages, not sections; the leaders' page files do).
  const multi = words.length > 1;
  ranked = ranked.slice(0, multi ? limit + 4 : limit);
  const docs = await Promise.all(ranked.map(({ page }) => get(`p/${page}.json`)));
  if (multi) {
    const covers = (s) => {
      const found = tokens(s);
      return words.every((w) => found.some((t) => key(t).startsWith(key(w)) || t.startsWith(w)));
    };
    ranked.forEach((r, i) => {
      const sections = docs[i].s;
      if (sections.some(([, heading]) => covers(heading))) r.score *= 2;
      else if (sections.some(([, heading, text]) => covers(heading + " " + text))) r.score *= 1.5;
      r.doc = docs[i];
    });
    ranked = ranked.sort((a, b) => b.score - a.score || a.page - b.page).slice(0, limit);
  } else {
    ranked.forEach((r, i) => { r.doc = docs[i]; });
  }
  return ranked.map(({ doc }) => {
    const [anchor, heading, text, team] = doc.s[bestSection(doc.s, hit)];
    const url = base + doc.u.replace(/^\//, "") + (anchor ? "#" + anchor : "");
    // Where the match sits: the chapter's part, and the team for an example.
    const where = [doc.f.part, team].filter(Boolean).join(" · ");
    return { title: doc.t, heading: anchor ? heading : "", where, url, excerpt: excerpt(text, hit), filters: doc.f };
  });
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
