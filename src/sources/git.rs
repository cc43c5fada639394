//! Everything read from git: the history of the playbook's files (one
//! `git log` walk for the whole tree, newest commit first: "Updated" and
//! "Changed on" dates, the changes page and feed) and, for `check --base`,
//! the files of another revision, read into memory with plumbing commands
//! (no checkout, nothing written). Outside a repository (or without git)
//! the history is simply empty.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::date::Date;

/// One commit that touched a file of the playbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Commit {
    /// The full object name.
    pub id: String,
    /// Committer time, seconds since 1970.
    pub time: i64,
    /// `time` as RFC 3339 in UTC (`2026-11-02T09:00:00Z`).
    pub stamp: String,
    pub date: Date,
    /// The subject line, with control characters replaced (it reaches
    /// HTML, XML and terminals).
    pub subject: String,
}

/// The playbook's git history: commits newest first, and for each
/// root-relative file the commits that touched it (newest first).
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    pub commits: Vec<Commit>,
    pub by_file: HashMap<String, Vec<u32>>,
    /// The repository is a shallow clone: history stops at its boundary.
    pub shallow: bool,
}

impl History {
    /// The newest commit: also the latest in time (`parse` clamps times so
    /// that they never grow going back in history).
    pub(crate) fn newest(&self) -> Option<&Commit> {
        self.commits.first()
    }

    /// The newest commit that touched `file`.
    pub(crate) fn latest(&self, file: &str) -> Option<&Commit> {
        let &i = self.by_file.get(file)?.first()?;
        self.commits.get(i as usize)
    }

    /// The date of the last commit that touched `file`.
    pub(crate) fn updated(&self, file: &str) -> Option<Date> {
        self.latest(file).map(|c| c.date)
    }
}

/// The history of every file below `root`.
pub(crate) fn history(root: &Path) -> History {
    let Ok(about) = run(safe_git(root).args(["rev-parse", "--is-shallow-repository", "--show-prefix"])) else {
        return History::default();
    };
    let about = String::from_utf8_lossy(&about);
    let mut lines = about.lines();
    let shallow = lines.next() == Some("true");
    let at_top = lines.next().unwrap_or("").is_empty();
    let mut log = safe_git(root);
    log.args(["log", "--no-show-signature", "--format=%x00%H%x00%ct%x00%s", "--name-only", "--no-renames"]);
    // Limiting the walk to a folder costs git a third more time: at the
    // top of the repository every path is the playbook's anyway.
    if !at_top {
        log.args(["--relative", "--", "."]);
    }
    let output = log.stdin(Stdio::null()).output();
    match output {
        Ok(out) if out.status.success() => History { shallow, ..parse(&String::from_utf8_lossy(&out.stdout)) },
        _ => History::default(),
    }
}

/// `git -C root` that cannot be steered by files in the playbook: a pull
/// request can add a bare repository's layout (`HEAD`, `config`, `objects/`)
/// to the root, and git would read that `config` (say `gpg.program` with
/// `log.showSignature`) and run what it names. Bare repositories are only
/// used when named explicitly, signatures are never checked, and no
/// configured helper runs.
pub(crate) fn safe_git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "safe.bareRepository=explicit",
        "-c",
        "log.showSignature=false",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "diff.external=",
        "-c",
        "core.quotePath=false",
        "--no-pager",
    ])
    .arg("-C")
    .arg(root)
    .env_remove("GIT_DIR")
    .env_remove("GIT_WORK_TREE")
    .env_remove("GIT_INDEX_FILE")
    .env("GIT_TERMINAL_PROMPT", "0");
    cmd
}

/// The latest time a commit may claim: the end of year 9999.
const LAST_TIME: i64 = 253_402_300_799;

/// Subjects longer than this are cut (with an ellipsis) for pages and feeds.
const MAX_SUBJECT: usize = 200;

/// Parses `git log --format=%x00%H%x00%ct%x00%s --name-only` output.
/// Times never grow going back in history: a commit dated after a newer
/// one takes that one's time, so one commit with a made-up future date
/// cannot sit on top of the changes page or silence "new" marks.
fn parse(log: &str) -> History {
    let mut history = History::default();
    let mut current: Option<u32> = None;
    let mut ceiling = LAST_TIME;
    for line in log.lines() {
        if let Some(header) = line.strip_prefix('\0') {
            current = parse_commit(header, &mut ceiling).map(|c| {
                history.commits.push(c);
                (history.commits.len() - 1) as u32
            });
        } else if !line.is_empty()
            && let Some(i) = current
        {
            let list = history.by_file.entry(line.to_string()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    history
}

fn parse_commit(header: &str, ceiling: &mut i64) -> Option<Commit> {
    let mut fields = header.splitn(3, '\0');
    let id = fields.next()?.to_string();
    let time = fields.next()?.trim().parse::<i64>().ok()?.clamp(0, *ceiling);
    *ceiling = time;
    let raw = fields.next().unwrap_or("");
    let mut subject: String = raw.chars().take(MAX_SUBJECT).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if raw.chars().nth(MAX_SUBJECT).is_some() {
        subject.push('…');
    }
    let date = Date::from_days(time.div_euclid(86_400));
    let secs = time.rem_euclid(86_400);
    let stamp = format!("{date}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60);
    Some(Commit { id, time, stamp, date, subject })
}

/// Files of a revision, by path relative to the playbook root.
/// `None`: listed, not read (the route table does not need its bytes).
pub(crate) type Tree = HashMap<String, Option<Vec<u8>>>;

/// Why a revision's files could not be read.
pub(crate) type TreeError = String;

/// The files below `root` as they were at revision `rev`, read from the
/// object database: `ls-tree` lists them, one `cat-file --batch` reads
/// those `wanted` says the route table needs (others are listed with no
/// bytes). Symbolic links and submodules are left out: a revision's link
/// is not followed.
pub(crate) fn tree_at(root: &Path, rev: &str, wanted: &dyn Fn(&str) -> bool) -> Result<Tree, TreeError> {
    // A revision is a name, never an option: `--base=--output=x` must not
    // reach git as a flag.
    if rev.is_empty() || rev.starts_with('-') || rev.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("`{}` is not a revision name", rev.escape_debug()));
    }
    let commit = run(safe_git(root).args(["rev-parse", "--verify", "--quiet", "--end-of-options"]).arg(format!("{rev}^{{commit}}")))
        .map_err(|_| format!("`{rev}` is not a commit of the repository that holds the playbook (is it fetched? CI checkouts are often shallow: use `fetch-depth: 0`)"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let listing = run(safe_git(root).args(["ls-tree", "-r", "-z", "-l", &commit, "--", "."]))
        .map_err(|e| format!("cannot list the files of `{rev}`: {e}"))?;
    let mut files: Vec<(String, String)> = Vec::new();
    let mut tree = Tree::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        // `<mode> <type> <object> <size>\t<path>`
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else { continue };
        let head = String::from_utf8_lossy(&entry[..tab]);
        let Ok(path) = std::str::from_utf8(&entry[tab + 1..]) else { continue };
        let mut parts = head.split_ascii_whitespace();
        let (Some(mode), Some("blob"), Some(object), Some(size)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if mode == "120000" {
            continue;
        }
        // Past the size limit a file is listed, not read (as on disk, where
        // it would be refused).
        let small = size.parse::<u64>().is_ok_and(|s| s <= super::DEFAULT_MAX_MIB << 20);
        if wanted(path) && small {
            files.push((object.to_string(), path.to_string()));
        } else {
            tree.insert(path.to_string(), None);
        }
    }
    for ((_, path), bytes) in files.iter().zip(read_blobs(root, &files)?) {
        tree.insert(path.clone(), Some(bytes));
    }
    Ok(tree)
}

/// The bytes of each object, in order, through one `cat-file --batch`.
fn read_blobs(root: &Path, files: &[(String, String)]) -> Result<Vec<Vec<u8>>, TreeError> {
    let mut child = safe_git(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut input = String::with_capacity(files.len() * 41);
    for (object, _) in files {
        input.push_str(object);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    // Written from a thread: git answers while it reads, and a full pipe
    // both ways would stall both.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child.stdout.take().ok_or("cannot read from git")?.read_to_end(&mut out).map_err(|e| e.to_string())?;
    let _ = writer.join();
    let _ = child.wait();
    let mut blobs = Vec::with_capacity(files.len());
    let mut rest = &out[..];
    for _ in files {
        // `<object> blob <size>\n<bytes>\n`
        let nl = rest.iter().position(|&b| b == b'\n').ok_or("git's answer ended early")?;
        let header = String::from_utf8_lossy(&rest[..nl]);
        let size: usize = header.rsplit(' ').next().and_then(|s| s.parse().ok()).ok_or("git's answer is garbled")?;
        let body = rest.get(nl + 1..nl + 1 + size).ok_or("git's answer ended early")?;
        blobs.push(body.to_vec());
        rest = rest.get(nl + 2 + size..).unwrap_or(&[]);
    }
    Ok(blobs)
}

/// Runs `cmd` and returns its output, or its error message.
fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("git failed").to_string());
    }
    Ok(out.stdout)
}

/// The folder of the repository that holds `root`, and `root`'s path in it
/// (`""` or `docs/playbook/`): what CODEOWNERS paths are relative to.
pub(crate) fn repository(root: &Path) -> Option<(std::path::PathBuf, String)> {
    let top = run(safe_git(root).args(["rev-parse", "--show-toplevel"])).ok()?;
    let prefix = run(safe_git(root).args(["rev-parse", "--show-prefix"])).ok()?;
    let top = String::from_utf8(top).ok()?;
    let prefix = String::from_utf8(prefix).ok()?;
    Some((top.trim_end_matches('\n').into(), prefix.trim_end_matches('\n').to_string()))
}

/// The repository's CODEOWNERS, where GitHub looks for it (`.github/`,
/// the top, `docs/`), as (its path from `root`, its text). Read only to
/// compare with the front matter, never published; a link or anything
/// but a small regular file is not read.
pub(crate) fn codeowners(top: &Path, prefix: &str) -> Option<(String, String)> {
    let up = "../".repeat(prefix.matches('/').count());
    // GitHub uses the first that exists; one that is not a plain file in a
    // plain folder of the repository (a link, say) is not read at all.
    let (name, meta) = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]
        .into_iter()
        .find_map(|name| std::fs::symlink_metadata(top.join(name)).ok().map(|meta| (name, meta)))?;
    let real = top.join(name).canonicalize().ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 || real != top.canonicalize().ok()?.join(name) {
        return None;
    }
    let text = std::fs::read(&real).ok()?;
    Some((format!("{up}{name}"), String::from_utf8_lossy(&text).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_wins() {
        let log = "\0aaa\x001793613600\x00Say more\n\nchapters/a.md\n\n\
                   \0bbb\x001790848800\x00First\tdraft\n\nchapters/a.md\nchapters/b.md\n";
        let h = parse(log);
        assert_eq!(h.updated("chapters/a.md").unwrap().to_string(), "2026-11-02");
        assert_eq!(h.latest("chapters/a.md").unwrap().stamp, "2026-11-02T10:00:00Z");
        assert_eq!(h.updated("chapters/b.md").unwrap().to_string(), "2026-10-01");
        assert_eq!(h.latest("chapters/b.md").unwrap().subject, "First draft");
        assert_eq!(h.by_file["chapters/a.md"], vec![0, 1]);
    }

    #[test]
    fn an_older_commit_cannot_claim_a_later_time() {
        let long = "x".repeat(500);
        let log = format!("\0new\x001793613600\x00{long}\n\na.md\n\0old\x0099999999999\x00Far future\n\nb.md\n");
        let h = parse(&log);
        assert_eq!(h.latest("b.md").unwrap().time, 1793613600);
        assert_eq!(h.latest("a.md").unwrap().subject.chars().count(), MAX_SUBJECT + 1);
    }
}
