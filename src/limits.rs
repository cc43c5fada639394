//! Limits that hold whatever the input: the last line of defence against a
//! template (or anything else) that would exhaust memory or never finish.
//!
//! Templates are a small language an author can write loops in; Tera has no
//! hook to bound them, so two general limits stand behind the specific
//! checks of `template_guard`:
//!
//! - No single allocation may exceed `MAX_ALLOCATION`. A value that doubles
//!   in a loop reaches it long before the machine runs out of memory (which
//!   would abort the process); the build stops with a message instead.
//! - `Watchdog`: if rendering finishes no page for a minute, the build stops
//!   with a message naming the templates still running.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::ThreadId;
use std::time::Duration;

/// The largest single value any part of a build may allocate. The largest
/// legitimate one, the print page of a 10,000-chapter playbook, is ~100 MiB.
const MAX_ALLOCATION: usize = 1 << 30;

/// How long rendering may go without finishing a page
/// (`PLAYBOOK_RENDER_STALL_SECS` changes it, for tests and slow machines).
fn stall() -> Duration {
    let secs = std::env::var("PLAYBOOK_RENDER_STALL_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Duration::from_secs(secs)
}

/// The system allocator, refusing any single allocation over the limit.
pub struct Limited;

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is a size check that ends the process before forwarding.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[inline]
fn check(size: usize) {
    if size > MAX_ALLOCATION {
        too_large(size);
    }
}

/// Ends the build with a message written without allocating (this runs
/// inside the allocator).
#[cold]
fn too_large(size: usize) -> ! {
    let mut buf = [0u8; 256];
    let mut at = 0;
    for part in [
        "error: stopped: one value grew to ",
        &digits(size >> 20),
        " MiB; the limit is 1024 MiB. A template that grows a value in a loop (`set s = s ~ s`)?\n",
    ] {
        let bytes = part.as_bytes();
        let n = bytes.len().min(buf.len() - at);
        buf[at..at + n].copy_from_slice(&bytes[..n]);
        at += n;
    }
    let _ = std::io::stderr().write_all(&buf[..at]);
    std::process::exit(1)
}

/// A number in decimal, in a fixed buffer (no allocation).
fn digits(mut n: usize) -> Digits {
    let mut d = Digits { buf: [0; 20], start: 20 };
    loop {
        d.start -= 1;
        d.buf[d.start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return d;
        }
    }
}

struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl std::ops::Deref for Digits {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("?")
    }
}

/// Which template each rendering thread is in, for the watchdog's message.
#[derive(Default)]
pub(crate) struct Rendering {
    now: Mutex<HashMap<ThreadId, String>>,
}

impl Rendering {
    pub(crate) fn enter(&self, what: String) {
        crate::sync::lock(&self.now).insert(std::thread::current().id(), what);
    }

    pub(crate) fn leave(&self) {
        crate::sync::lock(&self.now).remove(&std::thread::current().id());
    }

    fn describe(&self) -> String {
        let mut names: Vec<String> = crate::sync::lock(&self.now).values().cloned().collect();
        names.sort();
        names.dedup();
        if names.is_empty() { "a page".to_string() } else { names.join(", ") }
    }
}

/// Watches a render: `tick` after every finished page. Dropped, it stops.
pub(crate) struct Watchdog {
    ticks: Sender<()>,
}

impl Watchdog {
    /// Starts watching; `rendering` says what is running if it stalls.
    pub(crate) fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        rendering: &'scope Rendering,
    ) -> Watchdog {
        let (ticks, rx): (Sender<()>, Receiver<()>) = channel();
        let stall = stall();
        scope.spawn(move || {
            loop {
                match rx.recv_timeout(stall) {
                    Ok(()) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => {
                        let what = crate::diagnostics::clean(&rendering.describe()).into_owned();
                        eprintln!(
                            "error: stopped: rendering {what} has run for {} s without finishing a page (a template loop that never ends?)",
                            stall.as_secs()
                        );
                        std::process::exit(1);
                    }
                }
            }
        });
        Watchdog { ticks }
    }

    pub(crate) fn tick(&self) {
        let _ = self.ticks.send(());
    }
}
