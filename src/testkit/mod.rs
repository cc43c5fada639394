//! Synthetic playbooks for the tests and the benchmarks: the project
//! carries its own data. `generate` is a pure function of its `Options`
//! (same seed, same bytes): parts, chapters with full front matter and a
//! 600-1,500 word body (headings, lists, a table, a tip, a footnote,
//! emphasis, code, links to other chapters and their headings), teams with
//! examples, and optionally one injected `Defect` whose `path:line` is
//! reported. `examples/gen_playbook.rs` is its command line; the test suite
//! calls it directly.

mod defects;
mod prose;
mod words;

use std::fmt::Write as _;
use std::path::Path;

pub use defects::Defect;
use defects::inject;
use prose::*;
use words::*;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub chapters: usize,
    /// Part folders under `chapters/` (0: chapters at the top level).
    pub parts: usize,
    pub teams: usize,
    pub examples_per_team: usize,
    pub seed: u64,
    pub defect: Option<Defect>,
    /// Every Nth chapter carries a fenced code sample (0: none), for
    /// measuring build-time highlighting.
    pub code_every: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { chapters: 20, parts: 2, teams: 3, examples_per_team: 3, seed: 1, defect: None, code_every: 0 }
    }
}

/// A generated playbook: files in write order, and where the defect is.
pub struct Generated {
    pub files: Vec<(String, Vec<u8>)>,
    /// `(path, line)` of the injected defect, 1-based.
    pub defect_at: Option<(String, usize)>,
}

impl Generated {
    /// Writes every file below `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }
}

/// The command line of `gen_playbook`, shared with the tests:
/// `--chapters N --parts P --teams T --examples-per-team E --seed S
/// [--code-every N] [--break KIND] [--force] OUTDIR`. Writes the playbook and returns the
/// defect's `path:line`, or an empty string.
pub fn run_cli(args: &[&str]) -> Result<String, String> {
    let mut opts = Options::default();
    let mut force = false;
    let mut out = None;
    let mut it = args.iter();
    while let Some(&arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = it.next().ok_or(format!("{name} needs a value"))?;
            value.parse().map_err(|_| format!("{name} takes a whole number, not `{value}`"))
        };
        match arg {
            "--chapters" => opts.chapters = number(arg)? as usize,
            "--parts" => opts.parts = number(arg)? as usize,
            "--teams" => opts.teams = number(arg)? as usize,
            "--examples-per-team" => opts.examples_per_team = number(arg)? as usize,
            "--seed" => opts.seed = number(arg)?,
            "--code-every" => opts.code_every = number(arg)? as usize,
            "--break" => {
                let kind = it.next().ok_or("--break needs a kind")?;
                let names: Vec<&str> = Defect::ALL.iter().map(|d| d.name()).collect();
                opts.defect =
                    Some(Defect::parse(kind).ok_or(format!("unknown defect `{kind}`; kinds: {}", names.join(", ")))?);
            }
            "--force" => force = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`\n{USAGE}")),
            dir => out = Some(dir),
        }
    }
    let out = Path::new(out.ok_or(USAGE)?);
    if !force && std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} is not empty (use --force)", out.display()));
    }
    let generated = generate(&opts)?;
    generated.write(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(generated.defect_at.map(|(p, l)| format!("{p}:{l}")).unwrap_or_default())
}

const USAGE: &str = "usage: gen_playbook [--chapters N] [--parts P] [--teams T] [--examples-per-team E] \
                     [--seed S] [--code-every N] [--break KIND] [--force] OUTDIR";

/// SplitMix64: small, fast, and the same numbers on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: &str) -> Rng {
        let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        for b in stream.bytes() {
            rng.0 ^= u64::from(b);
            rng.next();
        }
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    /// Between `lo` and `hi` distinct items, in the order drawn.
    fn sample<T: Clone>(&mut self, items: &[T], lo: usize, hi: usize) -> Vec<T> {
        let n = self.range(lo, hi);
        let mut pool: Vec<T> = items.to_vec();
        (0..n.min(pool.len())).map(|_| pool.swap_remove(self.range(0, pool.len() - 1))).collect()
    }
}

struct Chapter {
    title: String,
    slug: String,
    topic: &'static str,
    path: String,
    part: Option<usize>,
    h2: Vec<&'static str>,
    h3: Vec<&'static str>,
}

/// Generates a playbook; deterministic for the same options.
pub fn generate(opts: &Options) -> Result<Generated, String> {
    if opts.chapters == 0 && opts.teams > 0 && opts.examples_per_team > 0 {
        return Err("team examples need at least one chapter".into());
    }
    let mut rng = Rng::new(opts.seed, "playbook");
    let parts = part_folders(opts.parts.min(opts.chapters));
    let chapters = plan(opts.chapters, &parts, &mut rng);
    let mut files: Vec<(String, String)> = vec![("playbook.toml".into(), CONFIG.into())];
    for (i, c) in chapters.iter().enumerate() {
        let mut text = chapter(i, &chapters, &mut rng);
        if opts.code_every > 0 && i % opts.code_every == 0 {
            text.push_str(&code_sample(i));
        }
        files.push((c.path.clone(), text));
    }
    for t in 0..opts.teams {
        let (base_id, base_name, description) = TEAMS[t % TEAMS.len()];
        let round = t / TEAMS.len();
        let (id, name) = if round == 0 {
            (base_id.to_string(), base_name.to_string())
        } else {
            (format!("{base_id}-{}", round + 1), format!("{base_name} {}", round + 1))
        };
        let lead = rng.pick(PEOPLE);
        files.push((
            format!("teams/{id}/team.toml"),
            format!(
                "name = {}\ndescription = {}\nlead = {}\nchannel = {}\n",
                toml_str(&name),
                toml_str(description),
                toml_str(lead),
                toml_str(&format!("#team-{id}"))
            ),
        ));
        let mut used = std::collections::HashSet::new();
        for e in 0..opts.examples_per_team {
            let ci = rng.range(0, chapters.len() - 1);
            let c = &chapters[ci];
            let verb = c.title.split(' ').next().unwrap_or("Own").to_lowercase();
            let title = format!("How {name} {verb} {}", c.topic);
            let mut slug = slugify(&title);
            let mut k = 2;
            while !used.insert(slug.clone()) {
                slug = format!("{}-{k}", slugify(&title));
                k += 1;
            }
            files.push((format!("teams/{id}/{slug}.md"), example(&title, e, c, &mut rng)));
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = files.into_iter().map(|(p, t)| (p, t.into_bytes())).collect();
    let defect_at = match opts.defect {
        Some(defect) => Some(inject(defect, &mut files, &chapters, opts.seed)?),
        None => None,
    };
    Ok(Generated { files, defect_at })
}

const CONFIG: &str = "title = \"Engineering Leadership Playbook\"\n\
    description = \"How we lead: principles, and how our teams live them\"\n\
    base_url = \"/\"\n\
    theme = \"default\"\n\
    edit_url = \"https://git.example.com/org/handbook/edit/main/playbook/{path}\"\n\
    review_after_days = 180\n";

fn part_folders(n: usize) -> Vec<String> {
    let width = 2.max(n.to_string().len());
    let mut used = std::collections::HashSet::new();
    (0..n)
        .map(|i| {
            let base = PART_NAMES[i % PART_NAMES.len()];
            let mut name = if i < PART_NAMES.len() {
                base.to_string()
            } else {
                format!("{base} {}", PART_FACETS[(i / PART_NAMES.len() - 1) % PART_FACETS.len()])
            };
            let mut k = 2;
            while !used.insert(slugify(&name)) {
                name = format!("{base} {k}");
                k += 1;
            }
            format!("{:0width$}-{}", i + 1, slugify(&name))
        })
        .collect()
}

/// Every chapter's title, slug, file and headings, spread evenly over the
/// parts in order.
fn plan(n: usize, parts: &[String], rng: &mut Rng) -> Vec<Chapter> {
    let mut slugs = std::collections::HashSet::new();
    let mut chapters = Vec::with_capacity(n);
    for _ in 0..n {
        let (mut title, mut topic) = (String::new(), "");
        for attempt in 0..1000 {
            let (verb, obj) = (rng.pick(VERBS), rng.pick(OBJECTS));
            title = format!("{verb} {obj}");
            topic = obj;
            if attempt > 2 || slugs.contains(&slugify(&title)) {
                title = format!("{title} {}", rng.pick(QUALIFIERS));
            }
            if attempt > 50 {
                title = format!("{title} {attempt}");
            }
            if !slugs.contains(&slugify(&title)) {
                break;
            }
        }
        let slug = slugify(&title);
        slugs.insert(slug.clone());
        let h2 = rng.sample(H2, 4, 6);
        let h3 = rng.sample(H3, 2, 4);
        chapters.push(Chapter { title, slug, topic, path: String::new(), part: None, h2, h3 });
    }
    let mut in_part = vec![0usize; parts.len().max(1)];
    let count = chapters.len();
    for (i, c) in chapters.iter_mut().enumerate() {
        c.part = (!parts.is_empty()).then(|| i * parts.len() / count);
        in_part[c.part.unwrap_or(0)] += 1;
    }
    let mut seen = vec![0usize; in_part.len()];
    for c in &mut chapters {
        let p = c.part.unwrap_or(0);
        seen[p] += 1;
        let width = 2.max((in_part[p] + 1).to_string().len());
        let name = format!("{:0width$}-{}.md", seen[p], c.slug);
        c.path = match c.part {
            Some(p) => format!("chapters/{}/{name}", parts[p]),
            None => format!("chapters/{name}"),
        };
    }
    chapters
}

fn chapter(i: usize, chapters: &[Chapter], rng: &mut Rng) -> String {
    let c = &chapters[i];
    let topic = c.topic;
    let weight = (chapters.iter().take(i + 1).filter(|o| o.part == c.part).count()) * 10;
    let owners = {
        let mut o = rng.sample(PEOPLE, 1, 2);
        o.sort();
        o
    };
    let mut tags = rng.sample(TAGS, 1, 3);
    tags.sort();
    let reviewed = day(rng.range(0, 900));
    let summary = format!(
        "How to {} {topic}, and why it buys {}.",
        c.title.split(' ').next().unwrap_or("own").to_lowercase(),
        rng.pick(OUTCOMES)
    );
    let mut out = String::with_capacity(9_000);
    let _ = write!(
        out,
        "+++\ntitle = {}\nsummary = {}\ndo = {}\ndont = {}\nwhy = {}\nweight = {weight}\nowners = {}\nreviewed = {reviewed}\ntags = {}\n+++\n\n",
        toml_str(&c.title),
        toml_str(&summary),
        toml_str(&format!("{} {}, and *{}*.", capital(rng.pick(ACTIONS)), rng.pick(TIMES), rng.pick(ACTIONS))),
        toml_str(&format!("Don't fall into {}.", rng.pick(ANTI))),
        toml_str(&format!("Because {topic} depends on it: it is how we get **{}**.", rng.pick(OUTCOMES))),
        toml_list(&owners),
        toml_list(&tags),
    );

    // Sections: every h2, some followed by an h3; the rest of the h3s last.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut h3 = c.h3.clone();
    for h in &c.h2 {
        sections.push((format!("## {h}"), Vec::new()));
        if !h3.is_empty() && rng.chance(0.6) {
            sections.push((format!("### {}", h3.remove(0)), Vec::new()));
        }
    }
    sections.extend(h3.into_iter().map(|h| (format!("### {h}"), Vec::new())));
    for s in &mut sections {
        s.1.push(paragraph(topic, rng.range(3, 6), rng));
    }
    let mut blocks = vec![bullets(rng), numbered(rng), table(rng), tip(topic, rng)];
    if rng.chance(0.3) {
        blocks.push(tasks(rng));
    }
    blocks.push(format!(
        "{} {}.[^1]",
        paragraph(topic, 2, rng),
        fill(rng.pick(SENTENCES), topic, rng).trim_end_matches('.')
    ));
    let others: Vec<usize> = (0..chapters.len()).filter(|&j| j != i).collect();
    if !others.is_empty() {
        let same: Vec<usize> = others.iter().copied().filter(|&j| chapters[j].part == c.part).collect();
        for _ in 0..rng.range(2, 4) {
            let pool = if !same.is_empty() && rng.chance(0.6) { &same } else { &others };
            let dst = &chapters[rng.pick(pool)];
            let link = if rng.chance(0.5) {
                let heading = rng.pick(&[dst.h2.as_slice(), dst.h3.as_slice()].concat());
                format!(
                    "The [{}]({}#{}) section of *{}* shows how this plays out.",
                    heading.to_lowercase(),
                    relative(&c.path, &dst.path),
                    slugify(heading),
                    dst.title
                )
            } else {
                format!(
                    "See [{}]({}) for the related principle.",
                    dst.title.to_lowercase(),
                    relative(&c.path, &dst.path)
                )
            };
            blocks.push(format!("{} {link}", paragraph(topic, 2, rng)));
        }
    }
    for b in blocks {
        let at = rng.range(0, sections.len() - 1);
        sections[at].1.push(b);
    }
    let mut words = 0;
    let target = rng.range(700, 1400);
    let intro = paragraph(topic, rng.range(2, 4), rng);
    words += count_words(&intro) + sections.iter().flat_map(|s| &s.1).map(|b| count_words(b)).sum::<usize>();
    while words < target {
        let p = paragraph(topic, rng.range(3, 6), rng);
        words += count_words(&p);
        let at = rng.range(0, sections.len() - 1);
        sections[at].1.push(p);
    }
    out.push_str(&intro);
    for (heading, blocks) in sections {
        out.push_str("\n\n");
        out.push_str(&heading);
        for b in blocks {
            out.push_str("\n\n");
            out.push_str(&b);
        }
    }
    let _ = write!(out, "\n\n[^1]: {}\n", rng.pick(FOOTNOTES));
    out
}

/// A short fenced sample, the kind a handbook shows (a config, a script,
/// a query), in one of four languages. Appended last, so the rest of the
/// chapter is the same with or without it.
fn code_sample(i: usize) -> String {
    let n = i % 97;
    match i % 4 {
        0 => format!(
            "\n## Try it\n\n```rust\n/// Weekly review of the impact metric.\nfn review(week: u32) -> Result<f64, String> {{\n    let sessions = load(\"sessions\", week)?;\n    let converted = sessions.iter().filter(|s| s.converted).count();\n    Ok(converted as f64 / sessions.len().max({n}) as f64)\n}}\n```\n"
        ),
        1 => format!(
            "\n## Try it\n\n```python\ndef review(week):\n    \"\"\"Share of sessions that converted.\"\"\"\n    sessions = load(\"sessions\", week)\n    return sum(s.converted for s in sessions) / max(len(sessions), {n})\n```\n"
        ),
        2 => format!(
            "\n## Try it\n\n```yaml\nreview:\n  cadence: weekly\n  metric: activation_rate\n  owner: team-lead\n  threshold: 0.{n}\n```\n"
        ),
        _ => format!(
            "\n## Try it\n\n```sh\n# Ship the smallest slice behind a flag\ngit switch -c slice-{n}\nmake test && ./deploy --flag=slice-{n} --percent 5\n```\n"
        ),
    }
}

fn example(title: &str, e: usize, c: &Chapter, rng: &mut Rng) -> String {
    let mut tags = rng.sample(TAGS, 1, 2);
    tags.sort();
    let link = format!("../../{}", c.path);
    let heading = rng.pick(&c.h2);
    format!(
        "+++\ntitle = {}\nchapter = {}\nauthor = {}\ndate = {}\nweight = {}\ntags = {}\n+++\n\n{}\n\n## What we did\n\n{} This is our take on [{}]({link}).\n\n{}\n\n## What we learned\n\n{} The [{}]({link}#{}) part mattered most.\n",
        toml_str(title),
        toml_str(&c.slug),
        toml_str(rng.pick(PEOPLE)),
        day(rng.range(0, 900)),
        (e + 1) * 10,
        toml_list(&tags),
        paragraph(c.topic, rng.range(2, 4), rng),
        paragraph(c.topic, rng.range(3, 5), rng),
        c.title.to_lowercase(),
        bullets(rng),
        paragraph(c.topic, rng.range(3, 5), rng),
        heading.to_lowercase(),
        slugify(heading),
    )
}
/// The date `n` days after 2024-01-01.
fn day(n: usize) -> String {
    let mut days = n as i64 + 19_723; // 2024-01-01 is day 19,723 since 1970.
    let mut year = 1970;
    loop {
        let len = if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let months = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while days >= months[month] {
        days -= months[month];
        month += 1;
    }
    format!("{year:04}-{:02}-{:02}", month + 1, days + 1)
}

fn slugify(text: &str) -> String {
    let mut out = String::new();
    for word in text.to_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() { "untitled".into() } else { out }
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn toml_list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|i| toml_str(i)).collect::<Vec<_>>().join(", "))
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// `to` relative to the folder of `from` (both root-relative).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let opts = Options { chapters: 30, parts: 3, teams: 2, examples_per_team: 3, seed: 7, ..Options::default() };
        let (a, b) = (generate(&opts).unwrap(), generate(&opts).unwrap());
        assert_eq!(a.files, b.files);
        let other = generate(&Options { seed: 8, ..opts }).unwrap();
        assert_ne!(a.files, other.files);
        assert_eq!(a.files.len(), 1 + 30 + 2 + 6);
    }

    #[test]
    fn code_samples_are_added_to_every_nth_chapter_and_change_nothing_else() {
        let plain = generate(&Options { chapters: 12, ..Options::default() }).unwrap();
        let coded = generate(&Options { chapters: 12, code_every: 3, ..Options::default() }).unwrap();
        assert_eq!(plain.files.len(), coded.files.len());
        let mut with_code = 0;
        for ((path, a), (_, b)) in plain.files.iter().zip(&coded.files) {
            if a == b {
                continue;
            }
            assert!(b.starts_with(a) && b.windows(3).any(|w| w == b"```"), "{path}");
            with_code += 1;
        }
        assert_eq!(with_code, 4, "chapters 0, 3, 6 and 9");
    }

    #[test]
    fn dates_count_from_2024() {
        assert_eq!(day(0), "2024-01-01");
        assert_eq!(day(59), "2024-02-29");
        assert_eq!(day(366), "2025-01-01");
        assert_eq!(relative("chapters/a/x.md", "chapters/b/y.md"), "../b/y.md");
        assert_eq!(relative("chapters/a/x.md", "chapters/a/y.md"), "y.md");
    }
}
