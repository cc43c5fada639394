//! The dev server's HTTP side: serves the in-memory site and streams
//! live-reload events (Server-Sent Events) to open tabs.
//!
//! Only files of the current build are served: a path is looked up in a map,
//! never on disk, so `..`, encoded dots, absolute paths and symlinks cannot
//! reach anything else. The live script is added to HTML responses here, as
//! they are sent (the page and the tag go out as separate pieces, never
//! copied into one), so the build output itself never contains it.
//!
//! It holds under abuse: connections run on one thread as tasks of a tokio
//! runtime, so a client that never reads or never finishes its headers
//! holds no thread; at most `MAX_CONNECTIONS` are open at once, headers must
//! arrive within `HEADER_TIMEOUT` and a write must make progress within
//! `WRITE_TIMEOUT`; when the process runs out of file descriptors the
//! accept loop waits and tries again instead of stopping. Bound to
//! loopback by default, it answers only requests addressed to loopback
//! (`Host: localhost:PORT`, `127.0.0.1:PORT`, `[::1]:PORT`), so a web page
//! cannot reach it through DNS rebinding; an explicit `--bind` lifts that.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::Either;
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue, LOCATION};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, mpsc};

use super::ServedSite;
use crate::sync::read;

const PREFIX: &str = "__playbook/";
const LIVE_JS: &str = include_str!("live.js");

/// Open connections at once; more wait in the system's queue.
const MAX_CONNECTIONS: usize = 512;
/// Open event streams (tabs) at once: each holds its connection for as long
/// as the tab is open, so they get a share of their own.
const MAX_TABS: usize = 64;
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
/// A comment line on event streams, so proxies and browsers keep them open.
const PING: Duration = Duration::from_secs(15);

type Body = Either<Chunks, EventStream>;

/// Where to listen, and whether the address was chosen by the user.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bind {
    pub addr: SocketAddr,
    /// `--bind` was given: answer whatever `Host` a client names.
    pub explicit: bool,
}

/// Binds the listening socket; the caller gets the address actually bound.
pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<(std::net::TcpListener, SocketAddr)> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    Ok((listener, bound))
}

/// Serves on its own thread until the process ends.
pub(crate) fn run(listener: std::net::TcpListener, bound: Bind, shared: Arc<ServedSite>) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            accept_loop(listener, bound, shared).await;
        });
    });
    Ok(())
}

async fn accept_loop(listener: tokio::net::TcpListener, bound: Bind, shared: Arc<ServedSite>) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let hosts = Arc::new(Hosts::for_bind(bound, Arc::new(Semaphore::new(MAX_TABS))));
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { return };
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors (or a connection reset before it was
            // accepted): the client waits in the queue meanwhile.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        let hosts = Arc::clone(&hosts);
        tokio::spawn(async move {
            let _permit = permit;
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let io = TokioIo::new(Box::pin(stream));
            let service = hyper::service::service_fn(move |req| {
                let shared = Arc::clone(&shared);
                let hosts = Arc::clone(&hosts);
                async move { Ok::<_, Infallible>(handle(&req, &shared, &hosts).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(io, service)
                .await;
        });
    }
}

/// Loopback, including IPv4 loopback written as IPv6 (`::ffff:127.0.0.1`).
pub(crate) fn is_loopback(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        v4 => v4.is_loopback(),
    }
}

/// What every request is checked against: the `Host` values the server
/// answers to, and the share of connections event streams may hold.
struct Hosts {
    any: bool,
    port: u16,
    tabs: Arc<Semaphore>,
}

impl Hosts {
    /// Loopback names only, unless the user chose an address that is not
    /// loopback (then the site is meant to be reached by other names).
    fn for_bind(bound: Bind, tabs: Arc<Semaphore>) -> Hosts {
        Hosts { any: bound.explicit && !is_loopback(bound.addr.ip()), port: bound.addr.port(), tabs }
    }

    fn allows(&self, host: Option<&str>) -> bool {
        if self.any {
            return true;
        }
        let Some(host) = host else { return false };
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
            _ => (host, None),
        };
        let name = name.to_ascii_lowercase();
        // `*.localhost` always resolves to loopback (RFC 6761).
        let loopback = ["localhost", "127.0.0.1", "[::1]"].contains(&name.as_str()) || name.ends_with(".localhost");
        loopback && port.is_none_or(|p| p.parse() == Ok(self.port))
    }
}

async fn handle(req: &Request<Incoming>, shared: &ServedSite, hosts: &Hosts) -> Response<Body> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
    if !hosts.allows(host) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to localhost (start it with --bind to serve others)",
        );
    }
    let base = shared.base();
    let url = req.uri().path();
    let Some(path) = url.strip_prefix(base.as_str()) else {
        return if url == "/" { redirect(&base) } else { not_found(shared, &base) };
    };
    let mut response = match path.strip_prefix(PREFIX) {
        Some("events") => match Arc::clone(&hosts.tabs).try_acquire_owned() {
            Ok(permit) => events(shared, permit),
            Err(_) => {
                let mut r = text(StatusCode::SERVICE_UNAVAILABLE, "too many open tabs");
                r.headers_mut().insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
                r
            }
        },
        Some("live.js") => bytes(StatusCode::OK, LIVE_JS.as_bytes().to_vec(), "text/javascript; charset=utf-8"),
        Some("files") => files(shared).await,
        _ => lookup(shared, &base, path),
    };
    if req.method() == Method::HEAD {
        // The length a GET would send (hyper would say 0 for the empty body).
        let (mut parts, body) = response.into_parts();
        if let Either::Left(chunks) = &body {
            let length = http_body::Body::size_hint(chunks).exact().unwrap_or(0);
            parts.headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        response = Response::from_parts(parts, Either::Left(Chunks::default()));
    }
    response
}

/// For tests and tools: the list of files once the search index caught up.
async fn files(shared: &ServedSite) -> Response<Body> {
    for _ in 0..600 {
        {
            let live = read(&shared.live);
            if live.indexed == live.generation || live.error.is_some() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let live = read(&shared.live);
    let mut names: Vec<&str> = live.files.keys().chain(live.late.keys()).map(|k| &**k).collect();
    names.sort();
    let body = serde_json::to_vec(&names).unwrap_or_default();
    drop(live);
    bytes(StatusCode::OK, body, "application/json")
}

/// Maps a URL path below the base to a file of the site.
fn lookup(shared: &ServedSite, base: &str, path: &str) -> Response<Body> {
    let Some(rel) = safe_path(path) else { return not_found(shared, base) };
    let live = read(&shared.live);
    if live.files.is_empty() {
        let message = live.error.clone().unwrap_or_else(|| "The first build has not finished yet.".into());
        drop(live);
        return error_page(base, &message);
    }
    let key = if rel.is_empty() || path.ends_with('/') {
        format!("{rel}{}index.html", if rel.is_empty() { "" } else { "/" })
    } else {
        rel.clone()
    };
    if let Some(body) = live.files.get(key.as_str()).or_else(|| live.late.get(key.as_str())) {
        // Shared with the site, not copied.
        let body = Bytes::from_owner(Arc::clone(body));
        drop(live);
        if key.ends_with(".html") {
            return page(StatusCode::OK, &body, base);
        }
        return shared_bytes(StatusCode::OK, body, content_type(&key));
    }
    let folder = format!("{rel}/index.html");
    if !path.ends_with('/') && (live.files.contains_key(folder.as_str()) || live.late.contains_key(folder.as_str())) {
        // Built from the base and the normalised path, never from the raw
        // request: `//host` would send the browser to another site.
        return redirect(&format!("{base}{rel}/"));
    }
    drop(live);
    not_found(shared, base)
}

/// Percent-decodes and normalises a URL path; `None` for anything that
/// tries to leave the site (`..`, `.`, backslashes, NUL, bad UTF-8).
pub(crate) fn safe_path(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
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

fn not_found(shared: &ServedSite, base: &str) -> Response<Body> {
    let body = read(&shared.live).files.get("404.html").map(|b| Bytes::from_owner(Arc::clone(b)));
    match body {
        Some(b) => page(StatusCode::NOT_FOUND, &b, base),
        None => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Shown for every page while no build has succeeded yet.
fn error_page(base: &str, message: &str) -> Response<Body> {
    let mut text = String::new();
    crate::html::escape_into(&mut text, message);
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error</title></head>\
         <body><main><h1>The playbook does not build yet</h1><pre>{text}</pre>\
         <p>Fix the sources and save: this page reloads by itself.</p></main></body></html>"
    );
    page(StatusCode::SERVICE_UNAVAILABLE, &Bytes::from(body), base)
}

/// An HTML page with the live script before its `</body>`: three pieces
/// of one response, the page's two halves shared with the site.
fn page(status: StatusCode, html: &Bytes, base: &str) -> Response<Body> {
    let mut attr = String::new();
    crate::html::escape_into(&mut attr, base);
    let tag = format!("<script src=\"{attr}{PREFIX}live.js\" data-base=\"{attr}\"></script>");
    // Searched from the end: `</body>` is in the last few bytes of a page.
    let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let body = Chunks(vec![html.slice(at..), Bytes::from(tag), html.slice(..at)]);
    let mut response = Response::new(Either::Left(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A response body sent as a few shared pieces, in reverse order (the
/// next piece is popped from the end).
#[derive(Default)]
pub(crate) struct Chunks(Vec<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop().map(|piece| Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.iter().map(|p| p.len() as u64).sum())
    }
}

/// A tab's event stream: what `ServedSite` broadcasts, and a ping now and then.
pub(crate) struct EventStream {
    rx: mpsc::Receiver<Bytes>,
    ping: tokio::time::Interval,
    /// This tab's share of `MAX_TABS`, given back when the stream ends.
    _tab: tokio::sync::OwnedSemaphorePermit,
}

impl http_body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Poll::Ready(message) = self.rx.poll_recv(cx) {
            return Poll::Ready(message.map(|m| Ok(Frame::data(m))));
        }
        if self.ping.poll_tick(cx).is_ready() {
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b": ping\n\n")))));
        }
        Poll::Pending
    }
}

fn events(shared: &ServedSite, tab: tokio::sync::OwnedSemaphorePermit) -> Response<Body> {
    let start = tokio::time::Instant::now() + PING;
    let stream = EventStream { rx: shared.subscribe(), ping: tokio::time::interval_at(start, PING), _tab: tab };
    let mut response = Response::new(Either::Right(stream));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn bytes(status: StatusCode, body: Vec<u8>, kind: &str) -> Response<Body> {
    shared_bytes(status, Bytes::from(body), kind)
}

fn shared_bytes(status: StatusCode, body: Bytes, kind: &str) -> Response<Body> {
    let mut response = Response::new(Either::Left(Chunks(vec![body])));
    *response.status_mut() = status;
    if let Ok(value) = kind.parse() {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn text(status: StatusCode, message: &str) -> Response<Body> {
    bytes(status, message.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn redirect(to: &str) -> Response<Body> {
    let mut response = bytes(StatusCode::MOVED_PERMANENTLY, Vec::new(), "text/plain; charset=utf-8");
    // The base starts with one `/` (config checks it); the rest is normalised.
    let to = format!("/{}", to.trim_start_matches('/'));
    if let Ok(value) = to.parse() {
        response.headers_mut().insert(LOCATION, value);
    }
    response
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

    #[test]
    fn only_loopback_names_are_answered() {
        let tabs = || Arc::new(Semaphore::new(1));
        let strict = Hosts { any: false, port: 3000, tabs: tabs() };
        for ok in
            ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST:3000", "localhost", "docs.localhost:3000"]
        {
            assert!(strict.allows(Some(ok)), "{ok}");
        }
        for bad in ["evil.example:3000", "localhost:3001", "127.0.0.1.evil.example:3000", "[::2]:3000"] {
            assert!(!strict.allows(Some(bad)), "{bad}");
        }
        assert!(!strict.allows(None));
        assert!(Hosts { any: true, port: 3000, tabs: tabs() }.allows(Some("evil.example")));
    }

    #[test]
    fn redirects_never_name_another_host() {
        for to in ["//evil.example/", "/x/", "///y/"] {
            let r = redirect(to);
            let location = r.headers()[LOCATION].to_str().unwrap();
            assert!(location.starts_with('/') && !location.starts_with("//"), "{location}");
        }
    }
}
