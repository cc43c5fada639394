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

/**
 * Top results: [{title, heading, url, excerpt (HTML with <mark>), filters}].
 * `filters` narrows to pages with all the given values: {team: "Payments", part: "Principles"}.
 */
export async function search(query, { limit = 8, filters = null } = {}) {
  const terms = [...new Set(tokens(query))];
  if (!terms.length || !meta) return [];
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
    for (const shard of shards) {
      for (const [word, postings] of Object.entries(shard)) {
        const exact = word === term;
        if (!exact && !word.startsWith(term)) continue;
        const df = postings.length / 2;
        const idf = Math.log(1 + (meta.pages - df + 0.5) / (df + 0.5));
        const factor = exact ? 1 : 0.6;
        let page = 0;
        for (let k = 0; k < postings.length; k += 2) {
          page += postings[k];
          const score = idf * factor * postings[k + 1] / 100;
          scores.set(page, Math.max(scores.get(page) || 0, score));
        }
      }
    }
    return scores;
  }));
  // A page must match every term.
  const [first, ...rest] = perTerm;
  const ranked = [...first.entries()]
    .filter(([page]) => rest.every((m) => m.has(page)) && (!allowed || allowed.has(page)))
    .map(([page, score]) => ({ page, score: rest.reduce((sum, m) => sum + m.get(page), score) }))
    .sort((a, b) => b.score - a.score || a.page - b.page)
    .slice(0, limit);
  return Promise.all(ranked.map(async ({ page }) => {
    const doc = await get(`p/${page}.json`);
    const [anchor, heading, text] = doc.s[bestSection(doc.s, terms)];
    const url = base + doc.u.replace(/^\//, "") + (anchor ? "#" + anchor : "");
    return { title: doc.t, heading: anchor ? heading : "", url, excerpt: excerpt(text, terms), filters: doc.f };
  }));
}

/** The section where the query's words weigh most (headings count triple). */
function bestSection(sections, terms) {
  let best = 0, bestScore = 0;
  sections.forEach(([, heading, text], i) => {
    const count = (s) => tokens(s).filter((t) => terms.some((q) => t.startsWith(q))).length;
    const found = new Set(tokens(heading + " " + text).filter((t) => terms.some((q) => t.startsWith(q)))
      .map((t) => terms.find((q) => t.startsWith(q))));
    const score = found.size * 100 + count(heading) * 3 + count(text);
    if (score > bestScore) { best = i; bestScore = score; }
  });
  return best;
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
