#!/usr/bin/env python3
"""CPU time per JVM thread of a command and all its descendants (the launcher and its workers).

    bench/scripts/thread-cpu.py scripts/daisy-launch --quiet run.yaml

Samples /proc/<pid>/task/*/stat every 50 ms and keeps each thread's last value, so a thread that
ends between samples loses at most 50 ms; prints seconds per process kind (launcher, worker) and
thread name (numbers folded: "C2 CompilerThre#"), largest first. Linux only.
"""
import collections
import os
import re
import subprocess
import sys
import time

cmd = sys.argv[1:]
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
last = {}  # (pid, tid) -> (procname, threadname, ticks)
def procs():
    out = {p.pid}
    changed = True
    while changed:
        changed = False
        for d in os.listdir('/proc'):
            if d.isdigit():
                try:
                    ppid = int(open(f'/proc/{d}/stat').read().rsplit(')', 1)[1].split()[1])
                except Exception:
                    continue
                if ppid in out and int(d) not in out:
                    out.add(int(d)); changed = True
    return out
while p.poll() is None:
    for pid in procs():
        try:
            cl = open(f'/proc/{pid}/cmdline').read().split('\0')
            kind = 'worker' if any('WorkerMain' in c for c in cl) else 'launcher' if any('launcher.Main' in c for c in cl) \
                else next((c.rsplit('.', 1)[1] for c in cl if c.startswith('org.daisyjava.')), 'other')
            for tid in os.listdir(f'/proc/{pid}/task'):
                st = open(f'/proc/{pid}/task/{tid}/stat').read()
                name = st[st.index('(') + 1:st.rindex(')')]
                f = st.rsplit(')', 1)[1].split()
                ticks = int(f[11]) + int(f[12])
                last[(pid, tid)] = (kind, name, ticks)
        except Exception:
            pass
    time.sleep(0.05)
tot = collections.Counter()
for (kind, name, ticks) in last.values():
    n = re.sub(r'\d+$', '#', name)
    tot[(kind, n)] += ticks
hz = os.sysconf('SC_CLK_TCK')
for (k, n), t in sorted(tot.items(), key=lambda x: -x[1]):
    if t: print(f'{k:14s} {n:20s} {t / hz:6.2f} s')
print('total', sum(tot.values()) / hz)
