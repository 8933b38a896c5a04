#!/usr/bin/env bash
# Where the wall time of one small local run goes: the 10^4-block no-op run of slots-bench.sh (one
# worker of SLOTS slots), once, with the JVMs' own clocks switched on (-Xlog:startuptime for
# "VM created", -Xlog:gc+heap+exit for the moment each JVM exits), and the run's own timestamps
# (events.jsonl, the worker's log, the birth time of the worker's log file, which the launcher
# creates just before it starts the worker process). Prints one line per phase, in ms from the
# script's start, and the length of each phase.
#
#   bench/scripts/phases.sh [SLOTS] [EXTRA_JAVA_OPTS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
slots="${1:-8}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
xlog() { echo "-Xlog:startuptime:file=$work/$1-start.log:time -Xlog:gc+heap+exit:file=$work/$1-exit.log:time"; }
# shellcheck source=noop-config.sh
. "$root/bench/scripts/noop-config.sh"
noop_config "$work/bench.yaml" phases "$work/run" 1 "$slots" "$(xlog worker | sed 's/ /, /')"
start=$(date +%s%N)
JAVA_OPTS="${JAVA_OPTS:-} $(xlog launcher) $*" "$root/scripts/daisy-launch" --quiet "$work/bench.yaml" \
  > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
end=$(date +%s%N)
python3 - "$work" "$start" "$end" <<'PY'
import json, os, re, sys, datetime as dt
work, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def ms_iso(s):  # 2026-12-01T14:45:52.239Z or +0000
    s = s.replace("Z", "+00:00").replace("+0000", "+00:00")
    return dt.datetime.fromisoformat(s).timestamp() * 1000 - start / 1e6
def jvm_line(f, pat):
    for line in open(os.path.join(work, f)):
        if pat in line:
            return ms_iso(line[1:line.index("]")])
    return None
events = {}
for line in open(os.path.join(work, "run", "events.jsonl")):
    e = json.loads(line)
    events.setdefault(e["event"], ms_iso(e["time"]))
wlog = {}
for line in open(os.path.join(work, "run", "logs", "A", "worker-1.err")):
    m = re.match(r"(\S+ \S+) INFO (.*)", line)
    if m:
        t = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.timezone.utc)
        key = "connected" if "connected to" in m.group(2) else "no more blocks" if "no more blocks" in m.group(2) else None
        if key:
            wlog.setdefault(key, t.timestamp() * 1000 - start / 1e6)
born = os.stat(os.path.join(work, "run", "logs", "A", "worker-1.err"))
spawn = None
try:
    import subprocess
    w = subprocess.run(["stat", "-c", "%W.%w", os.path.join(work, "run", "logs", "A", "worker-1.err")],
                       capture_output=True, text=True).stdout.strip()
    frac = re.search(r"\d\d:\d\d:\d\d\.(\d+)", w).group(1)
    spawn = (int(w.split(".")[0]) * 1000 + int(frac[:3])) - start / 1e6
except Exception:
    pass
rows = [
    ("launcher JVM created (main runs)", jvm_line("launcher-start.log", "Create VM")),
    ("run_started (config, plan, keys, run dir, outputs, bind)", events.get("run_started")),
    ("worker process started", spawn),
    ("worker JVM created", jvm_line("worker-start.log", "Create VM")),
    ("worker connected (CURVE handshake, hello)", wlog.get("connected")),
    ("first block (task_started)", events.get("task_started")),
    ("last block (worker: no more blocks)", wlog.get("no more blocks")),
    ("worker_left event", events.get("worker_left")),
    ("worker JVM exit", jvm_line("worker-exit.log", "Heap")),
    ("run_ended event", events.get("run_ended")),
    ("launcher JVM exit", jvm_line("launcher-exit.log", "Heap")),
    ("process gone (script sees exit)", (end - start) / 1e6),
]
rows = [r for r in rows if r[1] is not None] + [r for r in rows if r[1] is None]
rows.sort(key=lambda r: float("inf") if r[1] is None else r[1])
prev = 0.0
for name, t in rows:
    if t is None:
        print(f"{'-':>7}  {'':>7}  {name}")
        continue
    print(f"{t:7.0f}  +{t - prev:6.0f}  {name}")
    prev = t
PY
