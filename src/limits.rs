//! Limits that hold whatever the input: the last line of defence against a
//! template (or anything else) that would exhaust memory or never finish.
//!
//! Templates are a small language an author can write loops in; Tera has no
//! hook to bound them, so two general limits stand behind the specific
//! checks of `template_guard`:
//!
//! - No single allocation may exceed `MAX_ALLOCATION`, and all memory held
//!   at once may not exceed `MAX_LIVE`. A value that doubles in a loop, or a
//!   loop that keeps large values, reaches them long before the machine runs
//!   out of memory (which would abort the process or get it killed); the
//!   build stops with a message instead.
//! - `Watchdog`: if rendering finishes no page for a minute, the build stops
//!   with a message naming the templates still running.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::ThreadId;
use std::time::Duration;

/// The largest single value any part of a build may allocate. The largest
/// legitimate one, the print page of a 10,000-chapter playbook, is ~100 MiB.
const MAX_ALLOCATION: usize = 1 << 30;

/// All memory the process may hold at once. A 10,000-chapter build peaks
/// near 400 MiB; a template that keeps many large values alive reaches this
/// long before the machine swaps or the kernel kills the process.
const MAX_LIVE: usize = 4 << 30;

/// Bytes allocated and not yet freed.
/// Signed: memory one thread takes and another frees is counted where each
/// happens, so the sum of the counted steps can dip below zero for a while.
static LIVE: std::sync::atomic::AtomicIsize = std::sync::atomic::AtomicIsize::new(0);

/// Set once a limit has stopped the build: the exit's own clean-up must be
/// free to allocate.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How long rendering may go without finishing a page
/// (`PLAYBOOK_RENDER_STALL_SECS` changes it, for tests and slow machines).
fn stall() -> Duration {
    let secs = std::env::var("PLAYBOOK_RENDER_STALL_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Duration::from_secs(secs)
}

/// The system allocator, refusing any single allocation over the limit.
pub(crate) struct Limited;

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is a size check that ends the process before forwarding.
// The crate's one unsafe code: a global allocator cannot be written without.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        give(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            take(new_size - layout.size());
        } else {
            give(layout.size() - new_size);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

thread_local! {
    /// Bytes this thread took (or gave back) and has not yet counted in
    /// `LIVE`: threads count in steps of `STEP`, not on every allocation, so
    /// they do not fight over one counter (that cost a tenth of a build).
    static PENDING: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

/// How far one thread's count may run ahead of `LIVE`.
const STEP: isize = 1 << 20;

/// Counts `size` more bytes, or ends the build if that passes a limit.
#[inline]
fn take(size: usize) {
    if size > MAX_ALLOCATION && !STOPPING.load(Relaxed) {
        too_large("one value grew to ", size, "a template that grows a value in a loop (`set s = s ~ s`)?");
    }
    account(size as isize);
}

#[inline]
fn give(size: usize) {
    account(-(size as isize));
}

#[inline]
fn account(delta: isize) {
    // Off its thread (during teardown) a change is counted at once.
    let due = PENDING
        .try_with(|pending| {
            let now = pending.get() + delta;
            if now.abs() < STEP {
                pending.set(now);
                0
            } else {
                pending.set(0);
                now
            }
        })
        .unwrap_or(delta);
    if due != 0 {
        let live = LIVE.fetch_add(due, Relaxed).saturating_add(due);
        if live > MAX_LIVE as isize && !STOPPING.load(Relaxed) {
            too_large("the build held ", live.unsigned_abs(), "a template that keeps many large values?");
        }
    }
}

/// Ends the build with a message written without allocating (this runs
/// inside the allocator).
#[cold]
fn too_large(what: &str, size: usize, guess: &str) -> ! {
    STOPPING.store(true, Relaxed);
    let limit = if what.starts_with("one") { MAX_ALLOCATION } else { MAX_LIVE };
    let mut buf = [0u8; 320];
    let mut at = 0;
    for part in [
        "error: stopped: ",
        what,
        &digits(size >> 20),
        " MiB of memory; the limit is ",
        &digits(limit >> 20),
        " MiB. ",
        guess,
        "\n",
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

thread_local! {
    /// Set while `contain` runs code that may panic on hostile input.
    static CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs code of a library that panics on some hostile inputs (Tera: an
/// integer overflow in a template, an infinite float) and turns a panic into
/// an error message instead of ending the process. The panic is not printed.
pub(crate) fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CONTAINED.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the template engine failed".to_string())
    })
}

/// Keeps contained panics quiet; any other panic is a bug and is reported
/// as one.
pub(crate) fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !CONTAINED.with(std::cell::Cell::get) {
            default(info);
        }
    }));
}

/// Which template each rendering thread is in, since when.
#[derive(Default)]
pub(crate) struct Rendering {
    now: Mutex<HashMap<ThreadId, (String, std::time::Instant)>>,
}

impl Rendering {
    pub(crate) fn enter(&self, what: String) {
        crate::sync::lock(&self.now).insert(std::thread::current().id(), (what, std::time::Instant::now()));
    }

    /// How long the longest-running render has run.
    fn longest(&self) -> Duration {
        crate::sync::lock(&self.now).values().map(|(_, since)| since.elapsed()).max().unwrap_or_default()
    }

    pub(crate) fn leave(&self) {
        crate::sync::lock(&self.now).remove(&std::thread::current().id());
    }

    fn describe(&self) -> String {
        let mut names: Vec<String> = crate::sync::lock(&self.now).values().map(|(name, _)| name.clone()).collect();
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
            let mut last_page = std::time::Instant::now();
            loop {
                match rx.recv_timeout(Duration::from_millis(250)) {
                    Ok(()) => last_page = std::time::Instant::now(),
                    Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => {}
                }
                // No page for a while, or one page that takes far too long
                // (a slow template on every page would take hours in all).
                if last_page.elapsed() > stall || rendering.longest() > stall / 3 {
                    let what = crate::diagnostics::clean(&rendering.describe()).into_owned();
                    eprintln!(
                        "error: stopped: rendering {what} has run for {} s without finishing a page (a template loop that never ends?)",
                        stall.as_secs()
                    );
                    std::process::exit(1);
                }
            }
        });
        Watchdog { ticks }
    }

    pub(crate) fn tick(&self) {
        let _ = self.ticks.send(());
    }
}
