//! The dev server's HTTP side: serves the in-memory site and streams
//! live-reload events (Server-Sent Events) to open tabs.
//!
//! Only files of the current build are served: a path is looked up in a map,
//! never on disk, so `..`, encoded dots, absolute paths and symlinks cannot
//! reach anything else. The reload script is added to HTML responses here,
//! so the build output itself never contains it.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::search;
use crate::sink::Files;

/// What the server shows right now.
pub(crate) struct Live {
    /// The last good site (empty until the first build succeeds).
    pub files: Arc<Files>,
    /// The current build error, as plain text, if the last build failed.
    pub error: Option<String>,
    /// Bumped on every successful rebuild that changed pages.
    pub generation: u64,
    /// The generation whose search index is in `files`.
    pub indexed: u64,
}

pub(crate) struct Shared {
    pub live: RwLock<Live>,
    clients: Mutex<Vec<Sender<String>>>,
    base: String,
}

const PREFIX: &str = "__playbook/";
const LIVE_JS: &str = include_str!("live.js");

impl Shared {
    pub(crate) fn new(base: String) -> Arc<Shared> {
        Arc::new(Shared {
            live: RwLock::new(Live { files: Arc::new(Files::new()), error: None, generation: 0, indexed: 0 }),
            clients: Mutex::new(Vec::new()),
            base,
        })
    }

    /// Publishes a new site and tells every tab to reload. Returns its
    /// generation. Until its own search index is ready, the previous index
    /// stays served (searches stay possible, a little behind).
    pub(crate) fn publish(&self, mut files: Arc<Files>) -> u64 {
        let generation = {
            let mut live = crate::sync::write(&self.live);
            if !files.keys().any(|k| k.starts_with(search::DIR)) {
                let old: Vec<_> = live
                    .files
                    .iter()
                    .filter(|(k, _)| k.starts_with(search::DIR))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Arc::make_mut(&mut files).extend(old);
            }
            live.files = files;
            live.error = None;
            live.generation += 1;
            live.generation
        };
        self.broadcast(&format!("event: reload\ndata: {generation}\n\n"));
        generation
    }

    /// Swaps in the search index built for `generation`, unless a newer
    /// site was published meanwhile (its own index is on the way).
    pub(crate) fn set_search_index(&self, generation: u64, index: Vec<(String, Vec<u8>)>) {
        let mut live = crate::sync::write(&self.live);
        if live.generation != generation {
            return;
        }
        let mut files: Files = live
            .files
            .iter()
            .filter(|(k, _)| !k.starts_with(search::DIR))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        files.extend(index.into_iter().map(|(k, v)| (k, Arc::from(v))));
        live.files = Arc::new(files);
        live.indexed = generation;
    }

    /// Shows a build error on every tab; the last good site stays served.
    pub(crate) fn fail(&self, message: String) {
        let data = json_string(&message);
        crate::sync::write(&self.live).error = Some(message);
        self.broadcast(&format!("event: build-error\ndata: {data}\n\n"));
    }

    /// The error is gone but nothing had to be rendered again.
    pub(crate) fn clear_error(&self) {
        let had = crate::sync::write(&self.live).error.take().is_some();
        if had {
            self.broadcast("event: ok\ndata: {}\n\n");
        }
    }

    fn broadcast(&self, message: &str) {
        let mut clients = crate::sync::lock(&self.clients);
        clients.retain(|c| c.send(message.to_string()).is_ok());
    }
}

/// Binds the server; the caller gets the address actually bound.
pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<(Arc<Server>, SocketAddr)> {
    let server = Server::http(addr).map_err(|e| {
        let io = e.downcast::<std::io::Error>().map(|b| *b);
        io.unwrap_or_else(|e| std::io::Error::other(e.to_string()))
    })?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
    Ok((Arc::new(server), bound))
}

/// Serves requests on a few worker threads until the process ends.
pub(crate) fn run(server: Arc<Server>, shared: Arc<Shared>) {
    let workers = thread::available_parallelism().map_or(4, |n| n.get().max(4));
    for _ in 0..workers {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, &shared);
            }
        });
    }
}

fn handle(request: Request, shared: &Arc<Shared>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let Some(path) = url.strip_prefix(shared.base.as_str()) else {
        if url == "/" {
            let _ = request.respond(redirect(&shared.base));
        } else {
            let _ = request.respond(not_found(shared));
        }
        return;
    };
    match path.strip_prefix(PREFIX) {
        Some("events") => {
            let shared = Arc::clone(shared);
            // One thread per open tab: the stream stays open.
            thread::spawn(move || stream_events(request, &shared));
        }
        Some("live.js") => {
            let _ = request.respond(bytes(LIVE_JS.as_bytes().to_vec(), "text/javascript; charset=utf-8", 200));
        }
        Some("files") => {
            // For tests and tools: the list once the search index has caught up.
            for _ in 0..600 {
                let live = crate::sync::read(&shared.live);
                if live.indexed == live.generation || live.error.is_some() {
                    break;
                }
                drop(live);
                thread::sleep(Duration::from_millis(50));
            }
            let live = crate::sync::read(&shared.live);
            let mut names: Vec<&String> = live.files.keys().collect();
            names.sort();
            let body = format!("[{}]", names.iter().map(|n| json_string(n)).collect::<Vec<_>>().join(","));
            drop(live);
            let _ = request.respond(bytes(body.into_bytes(), "application/json", 200));
        }
        _ => {
            let response = lookup(shared, path, &url);
            let _ = request.respond(response);
        }
    }
}

/// Maps a URL path below the base to a file of the site.
fn lookup(shared: &Shared, path: &str, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let Some(rel) = safe_path(path) else { return not_found(shared) };
    let live = crate::sync::read(&shared.live);
    if live.files.is_empty() {
        let message = live.error.clone().unwrap_or_else(|| "The first build has not finished yet.".into());
        drop(live);
        return error_page(shared, &message);
    }
    let key = if rel.is_empty() || path.ends_with('/') {
        format!("{rel}{}index.html", if rel.is_empty() { "" } else { "/" })
    } else {
        rel.clone()
    };
    if let Some(body) = live.files.get(&key) {
        let body = body.to_vec();
        drop(live);
        let kind = content_type(&key);
        let body = if kind.starts_with("text/html") { inject(body, &shared.base) } else { body };
        return bytes(body, kind, 200);
    }
    if !path.ends_with('/') && live.files.contains_key(&format!("{rel}/index.html")) {
        return redirect(&format!("{url}/"));
    }
    drop(live);
    not_found(shared)
}

/// Percent-decodes and normalises a URL path; `None` for anything that
/// tries to leave the site (`..`, `.`, backslashes, NUL, bad UTF-8).
pub(crate) fn safe_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn not_found(shared: &Shared) -> Response<std::io::Cursor<Vec<u8>>> {
    let live = crate::sync::read(&shared.live);
    let body = live.files.get("404.html").map(|b| b.to_vec());
    drop(live);
    match body {
        Some(b) => bytes(inject(b, &shared.base), "text/html; charset=utf-8", 404),
        None => bytes(b"not found".to_vec(), "text/plain; charset=utf-8", 404),
    }
}

/// Shown for every page while no build has succeeded yet.
fn error_page(shared: &Shared, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut text = String::new();
    crate::html::escape_into(&mut text, message);
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error</title></head>\
         <body><main><h1>The playbook does not build yet</h1><pre>{text}</pre>\
         <p>Fix the sources and save: this page reloads by itself.</p></main></body></html>"
    );
    bytes(inject(body.into_bytes(), &shared.base), "text/html; charset=utf-8", 503)
}

/// Adds the live-reload script to an HTML page.
fn inject(mut html: Vec<u8>, base: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{base}{PREFIX}live.js\" data-base=\"{base}\"></script>");
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn stream_events(request: Request, shared: &Arc<Shared>) {
    let (tx, rx): (Sender<String>, Receiver<String>) = channel();
    let hello = {
        let live = crate::sync::read(&shared.live);
        match &live.error {
            Some(e) => format!("event: build-error\ndata: {}\n\n", json_string(e)),
            None => format!("event: hello\ndata: {}\n\n", live.generation),
        }
    };
    crate::sync::lock(&shared.clients).push(tx);
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\nX-Accel-Buffering: no\r\n\r\n";
    if w.write_all(head.as_bytes()).and_then(|_| w.write_all(hello.as_bytes())).and_then(|_| w.flush()).is_err() {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(message.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

fn bytes(body: Vec<u8>, kind: &str, status: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-cache"))
}

fn redirect(to: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(Vec::new()).with_status_code(301).with_header(header("Location", to))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).unwrap_or_else(|_| unreachable!("a valid static header"))
    })
}

/// Content types for what a playbook site holds.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(safe_path("a/b/").as_deref(), Some("a/b"));
        assert_eq!(safe_path("//etc/passwd").as_deref(), Some("etc/passwd"));
        for bad in ["../x", "a/../../x", "%2e%2e/x", "%2E%2E%2Fx", "a\\..\\b", "%00", "%ff"] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }
}
