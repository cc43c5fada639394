//! The dev server under load: many concurrent clients on loopback while a
//! chapter is edited ten times a second. Bounded in time and count; the
//! length is `PLAYBOOK_LOAD_SECS` (default 6; the figure is 30).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::harness::*;

#[test]
fn the_dev_server_keeps_serving_under_load_while_chapters_change() {
    let secs: u64 = std::env::var("PLAYBOOK_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(6);
    let f = Fixture::generated(&[
        "--chapters",
        "40",
        "--parts",
        "2",
        "--teams",
        "2",
        "--examples-per-team",
        "2",
        "--seed",
        "3",
    ]);
    let s = Arc::new(f.serve(&["-q"]));
    let paths: Arc<Vec<String>> = Arc::new(
        ["/", "/foundations/", "/teams/", "/print/", "/assets/playbook.css", "/search/meta.json", "/no/such/page/"]
            .iter()
            .map(std::string::ToString::to_string)
            .chain(snapshot_pages(&s))
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, missing, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut clients = Vec::new();
    for n in 0..150 {
        let (s, paths, stop) = (s.clone(), paths.clone(), stop.clone());
        let (ok, missing, failed) = (ok.clone(), missing.clone(), failed.clone());
        clients.push(std::thread::spawn(move || {
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let path = &paths[i % paths.len()];
                i += 7;
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.get(path).status)) {
                    Ok(200 | 301) => ok.fetch_add(1, Ordering::Relaxed),
                    Ok(404) if path.starts_with("/no/") => missing.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                std::thread::sleep(Duration::from_millis(40));
            }
        }));
    }
    let chapter = &chapter_file(&f, 0, 0).file;
    let original = f.read(chapter);
    let start = Instant::now();
    let mut edits = 0;
    while start.elapsed() < Duration::from_secs(secs) {
        f.write(chapter, format!("{original}\nEdit number {edits}.\n"));
        edits += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let (ok, missing, failed) =
        (ok.load(Ordering::Relaxed), missing.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let peak = s.peak_kib();
    println!("load: {secs} s, {edits} edits, {ok} ok, {missing} intended 404s, {failed} failed, peak {peak} KiB");
    assert_eq!(failed, 0, "failed requests");
    assert!(ok > 1000, "only {ok} requests answered");
    assert!(peak > 0 && peak < 1024 * 1024, "peak memory {peak} KiB");
    // After the last save settles, the site equals a clean build.
    std::thread::sleep(Duration::from_millis(1500));
    s.assert_equals_clean_build(f.root());
}

fn snapshot_pages(s: &Served) -> Vec<String> {
    let text = s.get(&format!("{}__playbook/files", s.base)).text();
    let names: Vec<String> = serde_json::from_str(&text).unwrap();
    names
        .into_iter()
        .filter(|n| n.ends_with("index.html"))
        .map(|n| format!("/{}", n.trim_end_matches("index.html")))
        .collect()
}
