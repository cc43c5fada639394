#!/usr/bin/env python3
"""Save-to-reload latency of `playbook serve` (and `mdbook serve` if installed).

    bench/serve_latency.py [--chapters 1000] [--runs 20] [--bin target/release/playbook]

Generates a playbook with the project's generator (examples/gen_playbook.rs), starts the dev server
on a free loopback port, opens its live-reload event stream, and times how
long each save takes to produce a reload event: for a chapter body edit and
for a title edit (which changes every page's navigation). Prints the median
and 90th percentile next to a full `playbook build` of the same playbook.
"""
import argparse, os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# The project's own generator (playbook::testkit), built on first use.
GEN = os.path.join(REPO, "target", "release", "examples", "gen_playbook")


def ensure_gen():
    if not os.path.exists(GEN):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "gen_playbook"], cwd=REPO, check=True)


def start_serve(binary, root):
    proc = subprocess.Popen([binary, "serve", "--port", "0", "-q", "--root", root],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        m = re.search(r"at http://([\d.]+):(\d+)(/\S*)", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, (m.group(1), int(m.group(2))), m.group(3)
    raise SystemExit("serve did not start")


class Events:
    """Reads the SSE stream; records the arrival time of each reload."""
    def __init__(self, addr, path):
        self.sock = socket.create_connection(addr)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {addr[0]}:{addr[1]}\r\n\r\n".encode())
        self.cond = threading.Condition()
        self.reloads = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        buf = b""
        while True:
            data = self.sock.recv(65536)
            if not data:
                return
            now = time.perf_counter()
            buf += data
            while b"\n\n" in buf:
                msg, buf = buf.split(b"\n\n", 1)
                if b"event: change\n" in msg:
                    with self.cond:
                        self.reloads.append(now)
                        self.cond.notify_all()

    def wait_next(self, count, timeout=10):
        with self.cond:
            self.cond.wait_for(lambda: len(self.reloads) > count, timeout)
            return self.reloads[count] if len(self.reloads) > count else None


def measure(root, path, edit, runs, events):
    times = []
    for i in range(runs):
        text = open(path, encoding="utf-8").read()
        count = len(events.reloads)
        t0 = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(edit(text, i))
        t1 = events.wait_next(count)
        if t1 is None:
            raise SystemExit("no reload event within 10 s")
        times.append((t1 - t0) * 1000)
        time.sleep(0.3)
    return times


def summary(name, times):
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1]
    return f"{name:<34} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   (n={len(times)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chapters", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "playbook"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="playbook-serve-bench-")
    root = os.path.join(tmp, "pb")
    ensure_gen()
    subprocess.run([GEN, "--chapters", str(args.chapters), "--parts", str(max(1, args.chapters // 50)),
                    "--teams", "5", "--examples-per-team", "4", "--seed", "1", root], check=True, stdout=subprocess.DEVNULL)
    t = time.perf_counter()
    subprocess.run([args.bin, "build", "-q", "--root", root, "--out", os.path.join(tmp, "out")], check=True)
    full = (time.perf_counter() - t) * 1000

    proc, addr, base = start_serve(args.bin, root)
    try:
        events = Events(addr, base + "__playbook/events")
        time.sleep(0.5)
        chapters = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "chapters")) for f in fs if f.endswith(".md"))
        target = chapters[len(chapters) // 2]
        body = measure(root, target, lambda s, i: s + f"\nAn edit, number {i}.\n", args.runs, events)
        title = measure(root, target, lambda s, i: re.sub(r'^title = "(.*?)( v\d+)?"', lambda m: f'title = "{m.group(1)} v{i}"', s, count=1, flags=re.M), args.runs, events)
    finally:
        proc.kill()
    print(f"playbook serve, {args.chapters} chapters (save -> reload event):")
    print(summary("chapter body edit", body))
    print(summary("chapter title edit", title))
    print(f"{'full build (whole process)':<34} {full:7.1f} ms")
    if shutil.which("mdbook"):
        print("mdbook is installed; see bench/run for the side-by-side build table")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
