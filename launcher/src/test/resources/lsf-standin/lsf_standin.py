# TEST STAND-IN, NOT LSF. A small imitation of IBM Spectrum LSF's bsub, bjobs, bkill and bparams
# for daisy-java's tests on machines without LSF (LSF is proprietary; nothing LSF-compatible is
# packaged). It runs each job's elements as local background processes and prints the formats
# LSF documents. It knows only what daisy-java's LSF backend uses:
#   bsub < script         #BSUB -J "name[1-N]" (or a plain name), -o/-e with %J and %I, -q; the
#                         other #BSUB lines are read and checked for form (-W [HH:]MM, -wt) only
#   bjobs                 -a, -noheader, -w, -J name, ids, -o "field ... [delimiter='c']" with the
#                         fields jobid jobindex stat exit_code exit_reason job_name
#   bkill                 ids (123, "123[4]"), -J name 0; PEND elements end at once, running ones
#                         get SIGINT and SIGTERM, then SIGKILL after JOB_TERMINATE_INTERVAL (2 s);
#                         -s SIGNAL (name or number) sends that one signal to every process of
#                         the running elements instead (as LSF's -wa warning action does at -wt
#                         before the run limit, which this stand-in does not keep itself)
#   bparams -a            MAX_JOB_ARRAY_SIZE (DAISY_LSF_STANDIN_MAX_ARRAY, default 1000)
# State lives in DAISY_LSF_STANDIN_STATE (default /tmp/daisy-lsf-standin-UID): one JSON file per
# job, guarded by a lock file. At most DAISY_LSF_STANDIN_SLOTS (default 2) elements of one job
# run at a time; the others are PEND.
import fcntl
import getpass
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time

TERMINATE_INTERVAL = 2.0
STATE = os.environ.get("DAISY_LSF_STANDIN_STATE") or "/tmp/daisy-lsf-standin-%d" % os.getuid()
JOBS = os.path.join(STATE, "jobs")
FINISHED = ("DONE", "EXIT")


def host():
    return socket.gethostname().split(".")[0]


class Locked:
    """The job's JSON state under its lock file (bkill and the job's runner both write it)."""

    def __init__(self, job_id):
        self.path = os.path.join(JOBS, "%s.json" % job_id)
        self.lock = open(os.path.join(JOBS, "%s.lock" % job_id), "a")

    def __enter__(self):
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        with open(self.path) as f:
            self.job = json.load(f)
        return self.job

    def __exit__(self, *exc):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.job, f)
        os.replace(tmp, self.path)
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()


def all_jobs():
    if not os.path.isdir(JOBS):
        return []
    out = []
    for name in sorted(os.listdir(JOBS), key=lambda n: (len(n), n)):
        if name.endswith(".json"):
            try:
                with open(os.path.join(JOBS, name)) as f:
                    out.append(json.load(f))
            except (OSError, ValueError):
                pass  # being replaced right now: the next call sees it
    return out


def next_id():
    os.makedirs(JOBS, exist_ok=True)
    with open(os.path.join(STATE, "next_id.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = os.path.join(STATE, "next_id")
        n = int(open(path).read()) if os.path.exists(path) else 100
        with open(path, "w") as f:
            f.write(str(n + 1))
        return n


def fail(message, code=255):
    sys.stderr.write(message + "\n")
    sys.exit(code)


# ---------------------------------------------------------------------------------------- bsub

def bsub(args):
    if args:
        fail("This stand-in reads the job script from standard input only (bsub < script).")
    script = sys.stdin.read()
    opts = {}
    for line in script.splitlines():
        if not line.startswith("#BSUB"):
            continue
        words = shlex.split(line[len("#BSUB"):])
        i = 0
        while i < len(words):
            key = words[i]
            value = words[i + 1] if i + 1 < len(words) else None
            if key.startswith("-") and value is not None and not value.startswith("-"):
                opts.setdefault(key, []).append(value)
                i += 2
            else:
                opts.setdefault(key, []).append("")
                i += 1
    for key in ("-W", "-wt"):
        for v in opts.get(key, []):
            if not re.fullmatch(r"(\d+:)?\d+", v):
                fail("%s: Bad RUNLIMIT specification. Job not submitted." % v)
    for v in opts.get("-M", []):
        if not re.fullmatch(r"\d+[KMGT]?B?", v):
            fail("%s: Bad argument for memory limit. Job not submitted." % v)
    name_spec = (opts.get("-J") or ["NONAME"])[-1]
    m = re.fullmatch(r"([A-Za-z0-9._\-]+)(?:\[(\d+)-(\d+)\])?", name_spec)
    if not m:
        fail("%s: Bad job name. Job not submitted." % name_spec)
    name = m.group(1)
    first, last = (int(m.group(2)), int(m.group(3))) if m.group(2) else (0, 0)
    limit = int(os.environ.get("DAISY_LSF_STANDIN_MAX_ARRAY", "1000"))
    if m.group(2) and (first < 1 or last < first):
        fail("%s: Bad job array index list. Job not submitted." % name_spec)
    if last - first + 1 > limit:
        fail("Job array index too large. Job not submitted.")
    queue = (opts.get("-q") or [None])[-1]
    job_id = next_id()
    script_path = os.path.join(JOBS, "%d.sh" % job_id)
    with open(script_path, "w") as f:
        f.write(script)
    elements = {}
    for index in range(first, last + 1):
        elements[str(index)] = {"stat": "PEND", "pid": None, "exit_code": None, "exit_reason": None,
                                "kill": False, "signalled": None, "exec_host": ""}
    job = {"id": job_id, "name": name, "array": bool(m.group(2)), "user": getpass.getuser(),
           "queue": queue or "normal", "submit": time.strftime("%b %e %H:%M"),
           "out": (opts.get("-o") or [""])[-1], "err": (opts.get("-e") or [""])[-1],
           "script": script_path, "elements": elements}
    with open(os.path.join(JOBS, "%d.json" % job_id), "w") as f:
        json.dump(job, f)
    # the job's runner: detached, as mbatchd/sbatchd would be
    subprocess.Popen([sys.executable, os.path.abspath(__file__), "run-job", str(job_id)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)
    if queue:
        print("Job <%d> is submitted to queue <%s>." % (job_id, queue))
    else:
        print("Job <%d> is submitted to default queue <normal>." % job_id)


def log_path(pattern, job_id, index):
    return pattern.replace("%J", str(job_id)).replace("%I", str(index)) if pattern else os.devnull


def run_job(job_id):
    """Starts the elements (at most SLOTS at once), reaps them, carries out bkill's requests."""
    slots = int(os.environ.get("DAISY_LSF_STANDIN_SLOTS", "2"))
    procs = {}
    while True:
        with Locked(job_id) as job:
            now = time.time()
            running = 0
            for index, e in job["elements"].items():
                p = procs.get(index)
                if e["stat"] == "PEND" and e["kill"]:
                    e.update(stat="EXIT", exit_code=None, exit_reason="TERM_OWNER: job killed by owner")
                elif e["stat"] == "RUN" and p is not None:
                    rc = p.poll()
                    if rc is not None:
                        code = 128 - rc if rc < 0 else rc
                        e.update(stat="DONE" if code == 0 else "EXIT", exit_code=code, pid=None)
                        if e["kill"] and code != 0:
                            e["exit_reason"] = "TERM_OWNER: job killed by owner"
                    elif e["kill"] and e["signalled"] is None:
                        for sig in (signal.SIGINT, signal.SIGTERM):
                            try_killpg(p.pid, sig)
                        e["signalled"] = now
                    elif e["kill"] and now - e["signalled"] > TERMINATE_INTERVAL:
                        try_killpg(p.pid, signal.SIGKILL)
                    if e["stat"] == "RUN":
                        running += 1
            for index, e in job["elements"].items():
                if running >= slots:
                    break
                if e["stat"] == "PEND" and not e["kill"]:
                    env = dict(os.environ, LSB_JOBID=str(job_id), LSB_JOBINDEX=index,
                               LSB_JOBNAME=job["name"] + ("[%s]" % index if job["array"] else ""),
                               LSB_QUEUE=job["queue"])
                    out = open(log_path(job["out"], job_id, index), "a")
                    err = open(log_path(job["err"], job_id, index), "a")
                    procs[index] = subprocess.Popen(["/bin/bash", job["script"]], env=env, stdin=subprocess.DEVNULL,
                                                    stdout=out, stderr=err, start_new_session=True)
                    out.close()
                    err.close()
                    e.update(stat="RUN", pid=procs[index].pid, exec_host=host())
                    running += 1
            done = all(e["stat"] in FINISHED for e in job["elements"].values())
        if done:
            return
        time.sleep(0.1)


def try_killpg(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------------------- bjobs

def element_id(job, index):
    return "%d[%s]" % (job["id"], index) if job["array"] else str(job["id"])


def selected(args, name_ignored_with_ids):
    """(jobs and their indices) picked by ids and -J; unmatched ids for the not-found messages.
    bkill ignores -J when job ids other than 0 are given (name_ignored_with_ids); bjobs filters."""
    name = None
    ids = []
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "-J":
            name = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    for a in rest:
        ids.append(a)
    picked = []
    missing = []
    jobs = all_jobs()
    if ids and ids != ["0"]:
        for a in ids:
            m = re.fullmatch(r"(\d+)(?:\[(\d+)\])?", a)
            job = next((j for j in jobs if m and str(j["id"]) == m.group(1)), None)
            if job is None or (m.group(2) and m.group(2) not in job["elements"]):
                missing.append(a)
                continue
            if name is not None and not name_ignored_with_ids and job["name"] != name:
                missing.append(a)
                continue
            picked.append((job, [m.group(2)] if m.group(2) else list(job["elements"])))
    else:
        for job in jobs:
            if name is None or job["name"] == name:
                picked.append((job, list(job["elements"])))
        if name is not None and not picked:
            missing.append(name)
    return picked, missing, name


def bjobs(args):
    show_all = "-a" in args
    noheader = "-noheader" in args
    fields = None
    delimiter = " "
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-a", "-noheader", "-w"):
            i += 1
        elif a == "-o":
            spec = args[i + 1]
            m = re.search(r"delimiter='(.)'", spec)
            if m:
                delimiter = m.group(1)
                spec = spec[:m.start()] + spec[m.end():]
            fields = spec.split()
            i += 2
        else:
            rest.append(a)
            i += 1
    picked, missing, name = selected(rest, False)
    lines = []
    for job, indices in picked:
        for index in indices:
            e = job["elements"][index]
            if e["stat"] in FINISHED and not show_all:
                continue
            if fields:
                values = {"jobid": str(job["id"]), "jobindex": index, "stat": e["stat"],
                          "exit_code": "-" if e["exit_code"] is None else str(e["exit_code"]),
                          "exit_reason": e["exit_reason"] or "-",
                          "job_name": job["name"] + ("[%s]" % index if job["array"] else "")}
                lines.append(delimiter.join(values.get(f, "-") for f in fields))
            else:
                lines.append("%-10s %-7s %-5s %-10s %-11s %-11s %s %s" % (
                    job["id"], job["user"], e["stat"], job["queue"], host(), e["exec_host"],
                    job["name"] + ("[%s]" % index if job["array"] else ""), job["submit"]))
    for a in missing:
        sys.stderr.write("Job <%s> is not found\n" % a)
    if not lines:
        if not missing:
            sys.stderr.write("No job found\n" if show_all else "No unfinished job found\n")
        sys.exit(255)
    if not noheader:
        if fields:
            print(delimiter.join(f.upper() for f in fields))
        else:
            print("JOBID      USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME")
    print("\n".join(lines))


# --------------------------------------------------------------------------------------- bkill

def signal_number(value):
    if value.isdigit():
        return int(value)
    name = value.upper()
    try:
        return int(getattr(signal, name if name.startswith("SIG") else "SIG" + name))
    except AttributeError:
        fail("%s: Illegal signal value" % value)


def bkill(args):
    if not args:
        fail("bkill: a job ID or -J is needed")
    sig = None
    if "-s" in args:
        i = args.index("-s")
        if i + 1 >= len(args):
            fail("bkill: -s needs a signal")
        sig = signal_number(args[i + 1])
        args = args[:i] + args[i + 2:]
    picked, missing, name = selected(args, True)
    code = 0
    for job, indices in picked:
        with Locked(job["id"]) as j:
            for index in indices:
                e = j["elements"][index]
                if e["stat"] in FINISHED:
                    sys.stderr.write("Job <%s>: Job has already finished\n" % element_id(j, index))
                    code = 255
                    continue
                if sig is not None:
                    if e["stat"] == "RUN" and e["pid"]:
                        try_killpg(e["pid"], sig)
                    print("Job <%s> is being signaled" % element_id(j, index))
                    continue
                e["kill"] = True
                print("Job <%s> is being terminated" % element_id(j, index))
    for a in missing:
        sys.stderr.write("Job <%s>: No matching job found\n" % a)
        code = 255
    sys.exit(code)


def bparams(args):
    print("System default queues for automatic queue selection:")
    print("    QUEUE_NAME = normal")
    print("MAX_JOB_ARRAY_SIZE = %s" % os.environ.get("DAISY_LSF_STANDIN_MAX_ARRAY", "1000"))
    print("JOB_TERMINATE_INTERVAL = %d" % TERMINATE_INTERVAL)


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    os.makedirs(JOBS, exist_ok=True)
    if command == "run-job":
        run_job(int(arguments[0]))
    else:
        {"bsub": bsub, "bjobs": bjobs, "bkill": bkill, "bparams": bparams}[command](arguments)
