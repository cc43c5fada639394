//! What a rebuild leaves for after its pages are served: the print view
//! (the whole playbook on one page: 10 MB at 1,000 chapters) and the search
//! index. Neither is what an author looks at while writing, and together
//! they cost more than the rest of a body edit's rebuild, so one thread of
//! their own does them, always for the newest build: a job still waiting
//! when a newer one arrives is dropped, so a burst of saves costs one late
//! render, and no save waits for it.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::ServedSite;
use crate::compile::site::Site;
use crate::diagnostics;
use crate::render::theme::Theme;
use crate::render::{self, Plan, PrintCache, Selection};
use crate::sync::lock;
use crate::write::sink::Memory;

/// How long late work waits after a save is served.
const HEAD_START: Duration = Duration::from_millis(50);

/// The late work for one published build.
pub(crate) struct Job {
    pub generation: u64,
    pub site: Arc<Site>,
    pub theme: Arc<Theme>,
    /// Print sections kept from the last late render.
    pub print: Arc<PrintCache>,
    /// A rebuild since then rendered every page (not only changed bodies):
    /// no kept print section can be trusted.
    pub full: bool,
}

/// The late-work thread, and the one job waiting for it.
pub(crate) struct Later {
    slot: Arc<(Mutex<Option<Job>>, Condvar)>,
    shared: Arc<ServedSite>,
    root: PathBuf,
}

impl Later {
    /// Starts the thread; `root` names files in error messages.
    pub(crate) fn start(shared: Arc<ServedSite>, root: PathBuf) -> Later {
        let slot: Arc<(Mutex<Option<Job>>, Condvar)> = Arc::default();
        let waiting = Arc::clone(&slot);
        let (on, at) = (Arc::clone(&shared), root.clone());
        std::thread::spawn(move || {
            // One core of its own at most, and a moment's wait before it
            // starts: the browser patching the page the author is looking
            // at goes first.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
            loop {
                {
                    let (job, ready) = &*waiting;
                    let mut job = lock(job);
                    while job.is_none() {
                        job = ready.wait(job).unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                }
                std::thread::sleep(HEAD_START);
                let Some(job) = lock(&waiting.0).take() else { continue };
                // A panic in one late render must not end late work for good.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &pool {
                    Some(pool) => pool.install(|| run(&on, &at, &job)),
                    None => run(&on, &at, &job),
                }));
                if ran.is_err() {
                    job.print.forget();
                    eprintln!("internal error: the print view or the search index could not be built");
                }
            }
        });
        Later { slot, shared, root }
    }

    /// Does `job` now, on this thread: the first build's, so the site is
    /// whole when the server starts.
    pub(crate) fn run_here(&self, job: &Job) {
        run(&self.shared, &self.root, job);
    }

    /// Queues `job` in place of any job still waiting.
    pub(crate) fn submit(&self, mut job: Job) {
        let (slot, ready) = &*self.slot;
        let mut slot = lock(slot);
        if let Some(dropped) = slot.take() {
            // Its print sections were never rendered: what made them stale
            // still does.
            job.full |= dropped.full;
        }
        *slot = Some(job);
        ready.notify_one();
    }
}

fn run(shared: &ServedSite, root: &std::path::Path, job: &Job) {
    let sink = Memory::default();
    let plan =
        Plan { selection: Selection::Print { reuse: !job.full }, print_cache: &job.print, search: true, print: true };
    match render::render(&job.site, &job.theme, &sink, &plan, &|| {}) {
        Ok(_) => shared.set_late(job.generation, sink.into_files()),
        Err(diags) => {
            // Sections may be half replaced: start afresh next time.
            job.print.forget();
            let text: Vec<String> = diags.iter().map(|d| diagnostics::format_human(d, root, false)).collect();
            eprintln!("the print view or the search index failed:\n{}", text.join("\n"));
            // A newer site may be served already: its own late work reports.
            if shared.generation() == job.generation {
                shared.fail(text.join("\n"));
            }
        }
    }
}
