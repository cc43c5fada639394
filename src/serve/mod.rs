//! The dev server's state: the site it serves right now, the current build
//! error, and the open tabs to tell when either changes. The watch loop
//! (`cmd/serve.rs`) publishes into it; the HTTP side (`http.rs`) reads it.

pub(crate) mod late;
mod quick;
pub(crate) mod rebuild;
pub(crate) mod watch;

mod changes;
mod http;

use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use tokio::sync::mpsc;

pub(crate) use http::{Bind, bind, is_loopback, run};

use crate::sync::{lock, write};
use crate::write::sink::Files;

/// What the server shows right now.
pub(crate) struct Live {
    /// The last good site (empty until the first build succeeds), its
    /// search index aside.
    pub files: Arc<Files>,
    /// The print view and the search index, built after the site they
    /// belong to is served (see `late`).
    pub late: Arc<Files>,
    /// The current build error, as plain text, if the last build failed.
    pub error: Option<String>,
    /// Bumped on every successful rebuild that changed pages.
    pub generation: u64,
    /// The generation whose late files are in `late`.
    pub indexed: u64,
}

/// Events a tab may queue before it counts as gone: a tab that stops
/// reading is dropped instead of holding messages for ever.
const TAB_QUEUE: usize = 16;

/// The served site and the tabs watching it.
pub(crate) struct ServedSite {
    pub live: RwLock<Live>,
    tabs: Mutex<Vec<mpsc::Sender<Bytes>>>,
    /// The URL path the site is served under (`/`, `/handbook/`).
    base: RwLock<String>,
}

impl ServedSite {
    pub(crate) fn new(base: String) -> Arc<ServedSite> {
        Arc::new(ServedSite {
            live: RwLock::new(Live {
                files: Arc::new(Files::new()),
                late: Arc::new(Files::new()),
                error: None,
                generation: 0,
                indexed: 0,
            }),
            tabs: Mutex::new(Vec::new()),
            base: RwLock::new(base),
        })
    }

    pub(crate) fn base(&self) -> String {
        crate::sync::read(&self.base).clone()
    }

    /// Moves the site to another base path (`base_url` edited while serving).
    pub(crate) fn set_base(&self, base: String) {
        *write(&self.base) = base;
    }

    /// Publishes a new site and tells every tab what changed (see
    /// `changes`). Returns its generation. Until its own late files are
    /// ready, the previous ones stay served (the print view and searches
    /// stay possible, a little behind).
    /// `written`: the only files that can differ from the site served now,
    /// when that is known.
    pub(crate) fn publish(&self, files: &Arc<Files>, written: Option<&[Arc<str>]>) -> u64 {
        let (generation, changes) = {
            let mut live = write(&self.live);
            let changes = changes::between(&live.files, files, written);
            live.files = Arc::clone(files);
            live.error = None;
            live.generation += 1;
            (live.generation, changes)
        };
        self.broadcast(&changes::event("change", generation, &changes));
        generation
    }

    /// Swaps in the late files built for `generation` and tells tabs what
    /// changed, unless a newer site was published meanwhile (its own are
    /// on the way).
    pub(crate) fn set_late(&self, generation: u64, files: Files) {
        let changes = {
            let mut live = write(&self.live);
            if live.generation != generation {
                return;
            }
            let changes = changes::between(&live.late, &files, None);
            live.late = Arc::new(files);
            live.indexed = generation;
            changes
        };
        self.broadcast(&changes::event("late-change", generation, &changes));
    }

    /// Shows a build error on every tab; the last good site stays served.
    pub(crate) fn fail(&self, message: String) {
        let data = json_string(&message);
        write(&self.live).error = Some(message);
        self.broadcast(&format!("event: build-error\ndata: {data}\n\n"));
    }

    /// The generation of the site served now.
    pub(crate) fn generation(&self) -> u64 {
        crate::sync::read(&self.live).generation
    }

    /// Whether tabs are showing a build error.
    pub(crate) fn failing(&self) -> bool {
        crate::sync::read(&self.live).error.is_some()
    }

    /// The error is gone but nothing had to be rendered again.
    pub(crate) fn clear_error(&self) {
        let had = write(&self.live).error.take().is_some();
        if had {
            self.broadcast("event: ok\ndata: {}\n\n");
        }
    }

    /// A new tab's event stream, starting with where things stand.
    fn subscribe(&self) -> mpsc::Receiver<Bytes> {
        let (tx, rx) = mpsc::channel(TAB_QUEUE);
        let hello = {
            let live = crate::sync::read(&self.live);
            match &live.error {
                Some(e) => format!("event: build-error\ndata: {}\n\n", json_string(e)),
                None => format!("event: hello\ndata: {}\n\n", live.generation),
            }
        };
        let _ = tx.try_send(Bytes::from(hello));
        lock(&self.tabs).push(tx);
        rx
    }

    fn broadcast(&self, message: &str) {
        let message = Bytes::copy_from_slice(message.as_bytes());
        lock(&self.tabs).retain(|tab| tab.try_send(message.clone()).is_ok());
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}
