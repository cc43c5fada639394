//! Runs the real `playbook` binary on real playbook folders and reads what
//! it wrote. Every test gets its own temporary folder.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// What the canary files hold; it must never appear in any output.
pub(crate) const CANARY_SECRET: &str = "CANARY-SECRET-7f3a9c";

/// Every defect the generator can inject.
pub(crate) fn defect_kinds() -> Vec<&'static str> {
    playbook::testkit::Defect::ALL.iter().map(|d| d.name()).collect()
}

pub(crate) fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_playbook")
}

/// "Today" for every run of the binary (2026-11-25): time is an input, so
/// no test depends on the real date. A test that needs another day sets
/// `SOURCE_DATE_EPOCH` on its command.
pub(crate) const TEST_EPOCH: &str = "1795564800";

/// The binary, ready to run: plain output and the tests' "today".
pub(crate) fn playbook() -> Command {
    let mut cmd = Command::new(bin());
    cmd.env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", TEST_EPOCH);
    cmd
}

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary did.
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Bytes as text, invalid UTF-8 shown as U+FFFD.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Run {
    pub(crate) fn from(out: Output) -> Run {
        Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
    }

    #[track_caller]
    pub(crate) fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub(crate) fn fails(self, code: i32) -> Run {
        assert_eq!(self.code, code, "wrong exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// A temporary folder (the test's sandbox) holding a playbook root at
/// `root()` and, beside it, `canary()`: files an attack would reach if it
/// got out of the root. Both go when the fixture is dropped.
pub(crate) struct Fixture {
    pub tmp: TempDir,
    root: PathBuf,
}

impl Fixture {
    pub(crate) fn empty() -> Fixture {
        let tmp = tempfile::Builder::new().prefix("playbook-test").tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("book")).unwrap();
        let canary = tmp.path().join("canary");
        std::fs::create_dir_all(canary.join("dir")).unwrap();
        std::fs::write(canary.join("secret.txt"), CANARY_SECRET).unwrap();
        std::fs::write(canary.join("dir/secret.png"), CANARY_SECRET).unwrap();
        std::fs::write(canary.join("dir/index.html"), CANARY_SECRET).unwrap();
        let root = tmp.path().join("book");
        Fixture { tmp, root }
    }

    /// Files outside the root that no run may read, publish, change or delete.
    pub(crate) fn canary(&self) -> PathBuf {
        self.tmp.path().join("canary")
    }

    /// A copy of the frozen test handbook (`tests/fixtures/handbook`, once a
    /// copy of the bundled playbook): tests that need exact content use it.
    pub(crate) fn handbook() -> Fixture {
        let f = Fixture::empty();
        copy_tree(&repo().join("tests/fixtures/handbook"), f.root(), &["public"]);
        f
    }

    /// A copy of the bundled playbook (`playbook/`, what `init` writes). Its
    /// content changes freely: tests on it assert only what holds for any
    /// good content.
    pub(crate) fn bundled() -> Fixture {
        let f = Fixture::empty();
        copy_tree(&repo().join("playbook"), f.root(), &["public"]);
        f
    }

    /// A playbook written by the project's generator with these arguments.
    pub(crate) fn generated(args: &[&str]) -> Fixture {
        let f = Fixture::empty();
        f.gen_into(args, false);
        f
    }

    /// Runs the project's generator (`playbook::testkit`, the same as
    /// `examples/gen_playbook.rs`) into the root; returns the `--break`
    /// location as `path:line`, or an empty string.
    pub(crate) fn gen_into(&self, args: &[&str], force: bool) -> String {
        let root = self.root().to_string_lossy().into_owned();
        let mut all: Vec<&str> = args.to_vec();
        if force {
            all.push("--force");
        }
        all.push(&root);
        playbook::testkit::run_cli(&all).unwrap_or_else(|e| panic!("generator failed: {e}"))
    }

    /// A playbook from literal files (path, content).
    pub(crate) fn with_files(files: &[(&str, &str)]) -> Fixture {
        let f = Fixture::empty();
        for (path, text) in files {
            f.write(path, text);
        }
        f
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        let p = self.root().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    /// A file of the default output folder.
    pub(crate) fn page(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }

    /// Runs `playbook ARGS` with the root as the current folder.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        Run::from(playbook().args(args).current_dir(self.root()).output().unwrap())
    }

    pub(crate) fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

/// Runs `check` on every item, several at a time; a failure in any fails
/// the test (with its own message).
pub(crate) fn in_parallel<T: Send>(items: Vec<T>, check: impl Fn(T) + Sync) {
    std::thread::scope(|scope| {
        for item in items {
            scope.spawn(|| check(item));
        }
    });
}

/// A chapter of a generated playbook, found on disk (the generator
/// decides names; tests do not hard-code them).
pub(crate) struct ChapterFile {
    /// Root-relative path of the source.
    pub file: String,
    /// Its URL path below the base (`/part/slug/`).
    pub url: String,
    /// The `title = "..."` line as written.
    pub title_line: String,
}

/// The `n`th chapter (0-based, in file order) of the `part`th part folder.
pub(crate) fn chapter_file(f: &Fixture, part: usize, n: usize) -> ChapterFile {
    let sorted = |dir: &Path| {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    let chapters = f.root().join("chapters");
    let part_dir = sorted(&chapters).into_iter().filter(|n| !n.ends_with(".md")).nth(part).expect("part folder");
    let name = sorted(&chapters.join(&part_dir)).into_iter().filter(|n| n.ends_with(".md")).nth(n).expect("chapter");
    let strip = |s: &str| s.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches('-').to_string();
    let file = format!("chapters/{part_dir}/{name}");
    let title_line = f.read(&file).lines().find(|l| l.starts_with("title = ")).unwrap().to_string();
    let url = format!("/{}/{}/", strip(&part_dir), strip(name.trim_end_matches(".md")));
    ChapterFile { file, url, title_line }
}

/// The first example (by file name) of team `team`: `teams/<team>/<name>.md`.
pub(crate) fn first_example(f: &Fixture, team: &str) -> String {
    let mut names: Vec<String> = std::fs::read_dir(f.root().join("teams").join(team))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    format!("teams/{team}/{}", names[0])
}

/// Staging folders (`.public.tmp-PID`) left beside the output.
/// Each is named with what it is and holds, so a failure says which
/// interrupted step left it.
pub(crate) fn staging_leftovers(root: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            match std::fs::read_dir(e.path()) {
                Ok(entries) => format!(
                    "{name}/ ({} entries, marked: {})",
                    entries.count(),
                    e.path().join(".playbook-output").exists()
                ),
                Err(_) => name,
            }
        })
        .collect();
    found.sort();
    found
}

pub(crate) fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest, &[]);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes, by relative path.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// The values of every `attr="..."` in an HTML text.
pub(crate) fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Checks that every internal `href` and `src` of every HTML file in `out`
/// resolves to a written file, and every `#fragment` to an id in it.
/// Returns the problems found (empty when the site is whole).
pub(crate) fn broken_links(out: &Path, base: &str) -> Vec<String> {
    let files = snapshot(out);
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let html = std::str::from_utf8(bytes).unwrap();
            ids.insert(path, attr_values(html, "id").into_iter().map(std::string::ToString::to_string).collect());
        }
    }
    let mut problems = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).unwrap();
        let page_dir = match path.rfind('/') {
            Some(i) => &path[..i + 1],
            None => "",
        };
        for link in attr_values(html, "href").into_iter().chain(attr_values(html, "src")) {
            let link = link.replace("&amp;", "&");
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let file = if target.is_empty() {
                path.clone()
            } else if let Some(rest) = target.strip_prefix(base) {
                let rest = rest.split('?').next().unwrap();
                if rest.is_empty() || rest.ends_with('/') { format!("{rest}index.html") } else { rest.to_string() }
            } else if target.starts_with('/') {
                problems.push(format!("{path}: `{link}` is outside the base `{base}`"));
                continue;
            } else {
                format!("{page_dir}{target}")
            };
            if !files.contains_key(&file) {
                problems.push(format!("{path}: `{link}` -> missing file {file}"));
                continue;
            }
            if let Some(frag) = fragment
                && !frag.is_empty()
                && !ids.get(file.as_str()).is_some_and(|set| set.contains(&frag))
            {
                problems.push(format!("{path}: `{link}` -> no id `{frag}` in {file}"));
            }
        }
    }
    problems
}

/// Saves a file the way editors do: written aside, then renamed over the
/// old one, so the watcher never sees it half written.
pub(crate) fn save(f: &Fixture, rel: &str, text: &str) {
    let path = f.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let aside = path.with_file_name(format!(".{}.saving", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&aside, text).unwrap();
    std::fs::rename(&aside, &path).unwrap();
}

/// The next `change`, `ok` (an error fixed, nothing to render) or
/// `build-error` event, skipping `late-change`.
pub(crate) fn next_outcome(events: &std::sync::mpsc::Receiver<(String, String)>) -> (String, String) {
    loop {
        let (event, data) = events.recv_timeout(std::time::Duration::from_secs(60)).expect("an event");
        if ["change", "ok", "build-error"].contains(&event.as_str()) {
            return (event, data);
        }
    }
}

/// A running `playbook serve`, killed when dropped.
pub(crate) struct Served {
    child: std::process::Child,
    pub addr: String,
    pub base: String,
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Fixture {
    /// Starts `playbook serve --port 0 ARGS` and waits for its address.
    pub(crate) fn serve(&self, extra: &[&str]) -> Served {
        let mut cmd = playbook();
        cmd.args(["serve", "--port", "0"]).args(extra);
        self.serve_with(cmd)
    }

    /// Starts a prepared `serve` command in the root and waits for its address.
    pub(crate) fn serve_with(&self, mut cmd: Command) -> Served {
        use std::io::BufRead;
        let mut child = cmd
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", TEST_EPOCH)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split(" at http://").nth(1) {
                    let _ = tx.send(url.split(' ').next().unwrap_or("").to_string());
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let url = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("serve did not start:\n{}", log.lock().unwrap())
        });
        let (addr, base) = url.split_at(url.find('/').unwrap());
        Served { child, addr: addr.to_string(), base: base.to_string(), log }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the server's output:\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
pub(crate) struct Http {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Http {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

impl Served {
    /// GET a raw path (sent as is: no normalisation of `..`).
    pub(crate) fn get(&self, path: &str) -> Http {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr))
    }

    /// Sends a request exactly as written and reads the whole response.
    pub(crate) fn request(&self, request: &str) -> Http {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("HTTP head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut body = raw[split + 4..].to_vec();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        Http { status, headers: head, body }
    }

    /// Opens the live-reload event stream; events arrive on the receiver as
    /// `(event, data)`.
    pub(crate) fn events(&self) -> std::sync::mpsc::Receiver<(String, String)> {
        use std::io::{BufRead, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(s, "GET {}__playbook/events HTTP/1.1\r\nHost: {}\r\n\r\n", self.base, self.addr).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in std::io::BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ")
                    && tx.send((event.clone(), d.to_string())).is_err()
                {
                    return;
                }
            }
        });
        rx
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until the server's output holds `text`: a tab can
    /// hear of a rebuild before the line about it reaches the test.
    pub(crate) fn log_shows(&self, text: &str) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if self.log().contains(text) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    }

    /// Peak resident memory of the server so far, in KiB (Linux).
    pub(crate) fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Asserts that every file the server holds equals a clean `playbook
    /// build` of `root`, byte for byte (the reload script aside).
    pub(crate) fn assert_equals_clean_build(&self, root: &Path) {
        let listed: Vec<String> = {
            let text = self.get(&format!("{}__playbook/files", self.base)).text();
            let mut names: Vec<String> = serde_json::from_str(&text).expect("file list");
            names.sort();
            names
        };
        let clean = Fixture::empty();
        let out = clean.root().join("site");
        let run = playbook().args(["build", "-q", "--root"]).arg(root).arg("--out").arg(&out).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let mut built = snapshot(&out);
        built.remove(".playbook-output");
        let built_names: Vec<&String> = built.keys().collect();
        assert_eq!(listed.iter().collect::<Vec<_>>(), built_names, "same set of files");
        for (path, bytes) in &built {
            let served = self.get(&format!("{}{path}", self.base));
            assert_eq!(served.status, 200, "{path}");
            let body = if path.ends_with(".html") {
                without_live_script(&served.text(), &self.base).into_bytes()
            } else {
                served.body.clone()
            };
            assert!(body == *bytes, "{path} differs from a clean build");
        }
    }
}

/// Waits for the next event named `name`, skipping others.
pub(crate) fn wait_for(rx: &std::sync::mpsc::Receiver<(String, String)>, name: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok((e, d)) if e == name => return d,
            Ok(_) => continue,
            Err(_) => panic!("no `{name}` event within 60 s"),
        }
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(std::str::from_utf8(&body[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[eol + 2 + size + 2..];
    }
}

/// The exact tag the dev server adds to HTML pages.
pub(crate) fn without_live_script(html: &str, base: &str) -> String {
    html.replace(&format!("<script src=\"{base}__playbook/live.js\" data-base=\"{base}\"></script>"), "")
}

/// Marks every script payload the attack cases plant.
pub(crate) const PAYLOAD: &str = "PWNED";

/// What in the built site would run an author's script or publish a
/// secret, read the way a browser tokenises HTML: event-handler
/// attributes, script URLs, inline scripts holding a payload, frames and
/// embeds, and any file holding the canary or environment secret.
pub(crate) fn live_payloads(out: &Path, secrets: &[&str]) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let mut found = Vec::new();
    // A link in place of the output folder is refused by the build; what it
    // points to is not the build's output.
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return found;
    }
    for (path, bytes) in snapshot(out) {
        for secret in secrets {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                found.push(format!("{path}: publishes the secret {secret:?}"));
            }
        }
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let mut emitter = html5gum::emitters::default::DefaultEmitter::default();
        emitter.naively_switch_states(true);
        let mut in_script = false;
        for token in Tokenizer::new_with_emitter(html.as_str(), emitter).flatten() {
            match token {
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    if ["iframe", "object", "embed", "base", "form", "frame"].contains(&name.as_str()) {
                        found.push(format!("{path}: a <{name}> element"));
                    }
                    in_script = name == "script";
                    for (key, value) in &tag.attributes {
                        let key = String::from_utf8_lossy(key).to_ascii_lowercase();
                        let value = String::from_utf8_lossy(&value.value).into_owned();
                        if key.starts_with("on") {
                            found.push(format!("{path}: <{name} {key}={value:?}>"));
                        }
                        let url_attr =
                            ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"];
                        let compact: String =
                            value.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
                        let lower = compact.to_ascii_lowercase();
                        let scripted = lower.starts_with("javascript:")
                            || lower.starts_with("vbscript:")
                            || (lower.starts_with("data:") && !(name == "img" && lower.starts_with("data:image/")));
                        if url_attr.contains(&key.as_str()) && (scripted || key == "srcdoc") {
                            found.push(format!("{path}: <{name} {key}={value:?}>"));
                        }
                        if key == "content" && lower.contains("url=javascript:") {
                            found.push(format!("{path}: <{name} content={value:?}>"));
                        }
                    }
                }
                Token::EndTag(_) => in_script = false,
                Token::String(text) if in_script && String::from_utf8_lossy(&text.value).contains(PAYLOAD) => {
                    found.push(format!("{path}: a script running the payload"));
                }
                _ => {}
            }
        }
    }
    found
}

/// Runs git in `dir` with a fixed identity (and `input` on stdin); returns
/// its output. Fails the test when git fails.
pub(crate) fn git(dir: &Path, args: &[&str], input: Option<&str>) -> String {
    git_at(dir, args, input, None)
}

/// `git` with author and committer dates fixed to `when` (`2026-02-10T09:00:00Z`).
pub(crate) fn git_at(dir: &Path, args: &[&str], input: Option<&str>, when: Option<&str>) -> String {
    use std::io::Write;
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(when) = when {
        cmd.env("GIT_AUTHOR_DATE", when).env("GIT_COMMITTER_DATE", when);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = input {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Makes the fixture's root a git repository (output folder ignored) with
/// everything committed at `when` as `subject`.
pub(crate) fn git_init(f: &Fixture, when: &str, subject: &str) {
    f.write(".gitignore", "public/\n");
    git(f.root(), &["init", "-q", "-b", "main"], None);
    commit_all(f, when, subject);
}

/// Commits every change in the fixture at `when`.
pub(crate) fn commit_all(f: &Fixture, when: &str, subject: &str) {
    git(f.root(), &["add", "-A"], None);
    git_at(f.root(), &["commit", "-q", "--no-gpg-sign", "-m", subject], None, Some(when));
}

/// The test handbook in `docs/handbook/` of a repository (so paths are
/// read relative to the playbook, not the repository), with `extra` files
/// (root-relative), all committed; returns the fixture and the root.
pub(crate) fn handbook_in_repository(extra: &[(&str, &str)]) -> (Fixture, PathBuf) {
    let f = Fixture::empty();
    let root = f.root().join("docs/handbook");
    copy_tree(&repo().join("tests/fixtures/handbook"), &root, &["public"]);
    for (rel, text) in extra {
        f.write(&format!("docs/handbook/{rel}"), text);
    }
    git_init(&f, "2026-01-05T09:00:00Z", "Start the handbook");
    (f, root)
}
