// playbook search: queries the index the build writes under search/.
// Loads meta.json once, then only the shards holding the query's terms and
// the documents of the top results. Exports search(query) -> results.
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

/** Top results: [{title, heading, url, excerpt (HTML with <mark>)}]. */
export async function search(query, limit = 8) {
  const terms = [...new Set(tokens(query))];
  if (!terms.length || !meta) return [];
  const perTerm = await Promise.all(terms.map(async (term, i) => {
    const last = i === terms.length - 1;
    if (term.length < 2 && !last) return new Map();
    const shards = await Promise.all(shardsFor(term).map(get));
    const scores = new Map();
    for (const shard of shards) {
      for (const [word, postings] of Object.entries(shard)) {
        const exact = word === term;
        if (!exact && !word.startsWith(term)) continue;
        const df = postings.length / 3;
        const idf = Math.log(1 + (meta.sections - df + 0.5) / (df + 0.5));
        const factor = exact ? 1 : 0.6;
        for (let k = 0; k < postings.length; k += 3) {
          const key = postings[k] * 4096 + postings[k + 1];
          scores.set(key, (scores.get(key) || 0) + idf * factor * postings[k + 2] / 100);
        }
      }
    }
    return scores;
  }));
  // A page must match every term; it ranks by its best section.
  const pages = new Map();
  perTerm.forEach((scores, i) => {
    const seen = new Set();
    for (const [key, score] of scores) {
      const page = Math.floor(key / 4096);
      seen.add(page);
      const entry = pages.get(page) || { hits: new Set(), sections: new Map(), total: 0 };
      entry.hits.add(i);
      entry.sections.set(key % 4096, (entry.sections.get(key % 4096) || 0) + score);
      entry.total += score;
      pages.set(page, entry);
    }
  });
  const ranked = [...pages.entries()]
    .filter(([, e]) => e.hits.size === perTerm.length)
    .map(([page, e]) => {
      let best = 0, bestScore = -1;
      for (const [s, v] of e.sections) if (v > bestScore || (v === bestScore && s < best)) { best = s; bestScore = v; }
      return { page, section: best, score: bestScore + 0.1 * e.total };
    })
    .sort((a, b) => b.score - a.score || a.page - b.page)
    .slice(0, limit);
  return Promise.all(ranked.map(async ({ page, section }) => {
    const doc = await get(`p/${page}.json`);
    const [anchor, heading, text] = doc.s[section];
    const url = base + doc.u.replace(/^\//, "") + (anchor ? "#" + anchor : "");
    return { title: doc.t, heading: anchor ? heading : "", url, excerpt: excerpt(text, terms), filters: doc.f };
  }));
}

function escape(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** About 30 words around the first match, matches marked. */
export function excerpt(text, terms) {
  const words = text.split(/\s+/);
  const match = (w) => { const t = tokens(w)[0]; return t && terms.some((q) => t.startsWith(q)); };
  const at = Math.max(0, words.findIndex(match));
  const start = Math.max(0, at - 10);
  const slice = words.slice(start, start + 30);
  const html = slice.map((w) => (match(w) ? `<mark>${escape(w)}</mark>` : escape(w))).join(" ");
  return (start > 0 ? "… " : "") + html + (start + 30 < words.length ? " …" : "");
}
