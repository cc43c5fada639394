//! Writes a synthetic playbook for benchmarks and experiments:
//!
//!     cargo run --release --example gen_playbook -- --chapters 1000 --parts 20 \
//!         --teams 5 --examples-per-team 4 --seed 1 [--code-every N] [--break KIND] [--force] OUTDIR
//!
//! Deterministic for a given seed. With `--break KIND` one defect is
//! injected and its `path:line` printed. See `playbook::testkit`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match playbook::testkit::run_cli(&args) {
        Ok(at) => {
            if !at.is_empty() {
                println!("{at}");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_playbook: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
