#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) and prints a summary.
#   fuzz/run.sh [SECONDS]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz wants a
# nightly compiler; RUSTC_BOOTSTRAP=1 lets the stable one act as such.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
for target in front_matter markdown link playbook_load route_and_url; do
  mkdir -p "fuzz/corpus/$target"
  log="fuzz/$target.log"
  echo "== $target for ${seconds}s"
  if cargo fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 >"$log" 2>&1; then
    grep -E "^#[0-9]+.*(DONE|pulse)" "$log" | tail -1 || true
    grep -oE "Done [0-9]+ runs in [0-9]+ second" "$log" || true
  else
    echo "$target FAILED (see $log)"; tail -20 "$log"; exit 1
  fi
done
