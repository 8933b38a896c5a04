#!/usr/bin/env bash
# local-slurm.sh start|stop|status
#
# Installs and runs a real one-node SLURM cluster (munged + slurmctld + slurmd)
# on this Debian 12 machine, for integration tests and CI. Must run as root.
#
# Written for machines without systemd or cgroups (containers, CI sandboxes):
# the daemons are started by hand, and stopped again by the pids they were
# started with, never by process name. Only daemons this script started are
# ever stopped; which ones those are is recorded in marker files under
# $RUN_DIR. Background: /work/shared/docs/local-cluster.md (project notes).
#
#   start   idempotent: installs missing packages, writes /etc/slurm/slurm.conf,
#           starts whatever daemon is not running, waits until the node is idle.
#   stop    cancels all jobs, then stops slurmd, slurmctld, munged (ours only).
#   status  prints each daemon's state and sinfo; exit 0 only if all are up.
#
# Environment knobs (all optional):
#   LOCAL_SLURM_START_TIMEOUT  seconds to wait for an idle node (default 60)
set -euo pipefail

readonly PACKAGES=(munge slurmctld slurmd slurm-client)

# The Debian client tools (sbatch, squeue, ...) read /etc/slurm/slurm.conf, so
# the config has to live there rather than somewhere private.
readonly SLURM_CONF=/etc/slurm/slurm.conf
readonly CONF_MARK="# Written by daisy-java scripts/local-slurm.sh"

# Markers (root-owned): "<daemon>.started" holds the pid this script started.
readonly RUN_DIR=/run/daisy-local-slurm
readonly LOCK_FILE=$RUN_DIR/lock
# Pid files the daemons write themselves. slurmctld writes its pid file after
# dropping to user slurm, so it gets a slurm-owned directory; munged runs as
# munge throughout and uses its own standard /run/munge.
readonly SLURM_RUN_DIR=/run/slurm-local
readonly MUNGED_PIDFILE=/run/munge/munged.pid
readonly SLURMCTLD_PIDFILE=$SLURM_RUN_DIR/slurmctld.pid
readonly SLURMD_PIDFILE=$SLURM_RUN_DIR/slurmd.pid

readonly LOG_DIR=/var/log/slurm-local
readonly MUNGED_LOG=$LOG_DIR/munged.log
readonly SLURMCTLD_LOG=$LOG_DIR/slurmctld.log
readonly SLURMD_LOG=$LOG_DIR/slurmd.log
readonly JOBCOMP_LOG=$LOG_DIR/jobcomp.log

readonly STATE_DIR=/var/spool/slurm-local
readonly CTLD_STATE_DIR=$STATE_DIR/ctld
readonly SLURMD_SPOOL_DIR=$STATE_DIR/d

readonly START_TIMEOUT=${LOCAL_SLURM_START_TIMEOUT:-60}

log() { echo "local-slurm: $*" >&2; }

# die MESSAGE [LOGFILE]: report failure, with the end of the daemon log that
# explains it (CI output is all one gets to see).
die() {
  log "ERROR: $1"
  if [[ -n ${2:-} && -f $2 ]]; then
    log "last lines of $2:"
    tail -n 30 "$2" | sed 's/^/    /' >&2
  fi
  if [[ -n $(ls "$RUN_DIR"/*.started 2>/dev/null || true) ]]; then
    log "daemons started so far are left running; '$0 stop' stops them"
  fi
  exit 1
}

now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- pids --------------------------------------------------------------------

# alive PID NAME: true if PID is a live (not zombie) process whose command
# name is NAME. PID 1 here reaps late, so a dead daemon can linger as a zombie;
# the name check guards against a recycled pid.
alive() {
  local pid=$1 name=$2 stat comm
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # Field 2 is "(comm)" and may contain spaces; the state follows the last ')'.
  comm=${stat#*(}; comm=${comm%)*}
  [[ $comm == "$name" ]] || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

read_pid() { [[ -r $1 ]] && head -n1 "$1" | tr -dc '0-9' || true; }

# started_pid NAME: pid recorded when this script started NAME, if still alive.
started_pid() {
  local pid
  pid=$(read_pid "$RUN_DIR/$1.started")
  if [[ -n $pid ]] && alive "$pid" "$1"; then echo "$pid"; fi
}

# running_pid NAME PIDFILE: pid of a live NAME per our marker, else per the
# daemon's pid file (covers one started earlier by someone else).
running_pid() {
  local pid
  pid=$(started_pid "$1")
  if [[ -z $pid ]]; then
    pid=$(read_pid "$2")
    if [[ -z $pid ]] || ! alive "$pid" "$1"; then pid=; fi
  fi
  echo "$pid"
}

# wait_pidfile NAME PIDFILE LOG: wait for a daemonising NAME to write a pid file
# naming a live process; record it as started by us.
wait_pidfile() {
  local name=$1 pidfile=$2 logfile=$3 pid i
  for ((i = 0; i < 100; i++)); do
    pid=$(read_pid "$pidfile")
    if [[ -n $pid ]] && alive "$pid" "$name"; then
      echo "$pid" >"$RUN_DIR/$name.started"
      return 0
    fi
    sleep 0.1
  done
  die "$name did not start (no live pid in $pidfile)" "$logfile"
}

# stop_started NAME: SIGTERM the pid we started NAME with, wait, SIGKILL if stuck.
stop_started() {
  local name=$1 pid i
  pid=$(started_pid "$name")
  if [[ -z $pid ]]; then
    rm -f "$RUN_DIR/$name.started"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    alive "$pid" "$name" || break
    sleep 0.1
  done
  if alive "$pid" "$name"; then
    log "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.started"
}

# --- install & configure -----------------------------------------------------

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  # Another apt/dpkg (e.g. unattended upgrades on CI) may hold the lock: wait.
  # No recommends: they pull ~35 optional plugin packages (hdf5, rrd, ...)
  # that a one-node test cluster never loads.
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq ||
    die "apt-get update failed"
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

prepare_dirs() {
  # The log dir stays root's: munged refuses a log path with a directory owned
  # by anyone but root or munge. Cost: slurmctld logs a harmless
  # "error: chdir(/var/log/slurm-local): Permission denied" (it only wants a
  # writable cwd for core dumps).
  install -d -m 0755 -o root -g root "$RUN_DIR" "$STATE_DIR" "$LOG_DIR"
  # munged refuses directories writable by others; the package makes these,
  # but /run is a tmpfs on most machines and /run/munge vanishes on reboot.
  install -d -m 0755 -o munge -g munge /run/munge
  install -d -m 0700 -o munge -g munge /etc/munge
  install -d -m 0755 -o slurm -g slurm "$SLURM_RUN_DIR"
  # slurmctld runs as user slurm: its state and log files must be its own.
  install -d -m 0700 -o slurm -g slurm "$CTLD_STATE_DIR"
  install -d -m 0755 -o root -g root "$SLURMD_SPOOL_DIR"
  # Create the logs with their writers as owners, so one log dir serves all
  # three daemons.
  local f owner
  for f in "$MUNGED_LOG:munge" "$SLURMCTLD_LOG:slurm" "$JOBCOMP_LOG:slurm" "$SLURMD_LOG:root"; do
    owner=${f#*:}
    f=${f%:*}
    [[ -e $f ]] || install -m 0640 -o "$owner" -g "$owner" /dev/null "$f"
    chown "$owner:$owner" "$f"
  done
}

write_slurm_conf() {
  local host node_hw
  host=$(hostname -s)
  # slurmd -C prints this machine's real figures, e.g.
  # "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2
  #  ThreadsPerCore=1 RealMemory=24105". Configuring more than the hardware has
  # would get the node drained, so take them as they are.
  node_hw=$(slurmd -C 2>/dev/null | sed -n 1p | sed -E 's/^NodeName=[^ ]+ *//') ||
    die "slurmd -C failed"
  [[ $node_hw == *CPUs=* && $node_hw == *RealMemory=* ]] ||
    die "unexpected output from slurmd -C: $node_hw"

  if [[ -e $SLURM_CONF ]] && ! grep -qxF "$CONF_MARK" "$SLURM_CONF"; then
    die "$SLURM_CONF exists and was not written by this script; not overwriting it"
  fi

  local tmp
  tmp=$(mktemp "$SLURM_CONF.XXXXXX")
  cat >"$tmp" <<EOF
$CONF_MARK
# One-node test cluster; see /work/shared/docs/local-cluster.md for why.
ClusterName=daisy-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge

SlurmctldPidFile=$SLURMCTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
SlurmctldLogFile=$SLURMCTLD_LOG
SlurmdLogFile=$SLURMD_LOG
StateSaveLocation=$CTLD_STATE_DIR
SlurmdSpoolDir=$SLURMD_SPOOL_DIR

# No cgroups in the sandbox.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Jobs start in 0.1-0.75 s instead of 1-2 s.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
# A restarted node comes back by itself.
ReturnToService=2

# No slurmdbd; 'sacct -c' reads the job-completion log.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$JOBCOMP_LOG
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true

NodeName=$host NodeAddr=127.0.0.1 $node_hw State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 0644 "$tmp"
  if cmp -s "$tmp" "$SLURM_CONF"; then rm -f "$tmp"; else mv -f "$tmp" "$SLURM_CONF"; fi
}

# --- daemons -----------------------------------------------------------------

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munged() {
  if [[ -n $(running_pid munged "$MUNGED_PIDFILE") ]] || munge_works; then
    return 0
  fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating /etc/munge/munge.key"
    runuser -u munge -- mungekey -c
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  log "starting munged"
  # munged must run as munge (it refuses root-owned key/socket mismatches);
  # it daemonises and writes its pid file itself.
  runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGED_PIDFILE" \
    --log-file="$MUNGED_LOG" 9>&- ||
    die "munged failed to start" "$MUNGED_LOG"
  wait_pidfile munged "$MUNGED_PIDFILE" "$MUNGED_LOG"
  local i
  for ((i = 0; i < 50; i++)); do
    munge_works && return 0
    sleep 0.1
  done
  die "munged is running but 'munge -n | unmunge' fails" "$MUNGED_LOG"
}

# Returns 0 if it (re)started slurmctld, 1 if it was already running.
start_slurmctld() {
  [[ -n $(running_pid slurmctld "$SLURMCTLD_PIDFILE") ]] && return 1
  log "starting slurmctld"
  # -c: clean start. Saved state from a killed controller is stale (ghost
  # RUNNING jobs, reused job ids), and tests want a fresh cluster anyway.
  /usr/sbin/slurmctld -c -f "$SLURM_CONF" >>"$SLURMCTLD_LOG" 2>&1 9>&- ||
    die "slurmctld failed to start" "$SLURMCTLD_LOG"
  wait_pidfile slurmctld "$SLURMCTLD_PIDFILE" "$SLURMCTLD_LOG"
  return 0
}

start_slurmd() {
  log "starting slurmd"
  /usr/sbin/slurmd -f "$SLURM_CONF" >>"$SLURMD_LOG" 2>&1 9>&- ||
    die "slurmd failed to start" "$SLURMD_LOG"
  wait_pidfile slurmd "$SLURMD_PIDFILE" "$SLURMD_LOG"
}

node_state() { sinfo -h -o %T 2>/dev/null | sed -n 1p || true; }

# wait_node_ready STATES...: wait until sinfo reports one of STATES. Node
# state is only "idle" (no '*' = not responding) once slurmd has registered.
wait_node_ready() {
  local deadline state="" s
  deadline=$(($(date +%s) + START_TIMEOUT))
  while (($(date +%s) < deadline)); do
    # Fail fast if a daemon died (e.g. port 6817 taken: slurmctld daemonises,
    # then dies on bind) -- and check before sinfo, which retries a missing
    # controller for ~10 s.
    [[ -n $(running_pid slurmctld "$SLURMCTLD_PIDFILE") ]] ||
      die "slurmctld died during start-up" "$SLURMCTLD_LOG"
    [[ -n $(running_pid slurmd "$SLURMD_PIDFILE") ]] ||
      die "slurmd died during start-up" "$SLURMD_LOG"
    state=$(node_state)
    for s in "$@"; do [[ $state == "$s" ]] && return 0; done
    sleep 0.2
  done
  log "node state after ${START_TIMEOUT}s: '${state:-<no answer>}'"
  scontrol show node 2>&1 | sed 's/^/    /' >&2 || true
  tail -n 15 "$SLURMD_LOG" | sed 's/^/    slurmd.log: /' >&2 || true
  die "node did not become idle within ${START_TIMEOUT}s" "$SLURMCTLD_LOG"
}

# --- commands ----------------------------------------------------------------

cmd_start() {
  local t0 ctld_pid slurmd_pid
  t0=$(now)

  # Fast path: everything of ours up and the node usable (busy counts).
  ctld_pid=$(running_pid slurmctld "$SLURMCTLD_PIDFILE")
  slurmd_pid=$(running_pid slurmd "$SLURMD_PIDFILE")
  if [[ -n $ctld_pid && -n $slurmd_pid ]] && munge_works; then
    case $(node_state) in
      idle | mixed | allocated | completing)
        log "already running (slurmctld pid $ctld_pid, slurmd pid $slurmd_pid); node $(node_state)"
        return 0
        ;;
    esac
  fi

  install_packages
  prepare_dirs
  write_slurm_conf
  start_munged
  if start_slurmctld; then
    # A clean controller knows nothing of an old slurmd's registration;
    # restarting ours makes it register now rather than at the next ping.
    stop_started slurmd
  fi
  if [[ -z $(running_pid slurmd "$SLURMD_PIDFILE") ]]; then
    start_slurmd
  fi
  wait_node_ready idle mixed allocated completing
  log "cluster up in $(elapsed_since "$t0") s: $(sinfo -h -o '%P %D %T %C' | sed -n 1p) (partition nodes state cpus A/I/O/T)"
}

cmd_stop() {
  local ids i
  # Cancel every job (any user) while the controller is still there, so no
  # job is left to be resurrected or to keep processes around.
  if [[ -n $(started_pid slurmctld) ]]; then
    ids=$(squeue -h -o %F 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [[ -n ${ids// /} ]]; then
      log "cancelling jobs: $ids"
      # shellcheck disable=SC2086  # word splitting intended: list of ids
      scancel $ids 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        [[ -z $(squeue -h -o %i 2>/dev/null || true) ]] && break
        sleep 0.2
      done
    fi
  fi
  # Compute node first, then controller, then the auth daemon both need.
  stop_started slurmd
  stop_started slurmctld
  stop_started munged
  log "stopped"
}

cmd_status() {
  local ok=0 name pidfile pid ours
  for name in munged slurmctld slurmd; do
    case $name in
      munged) pidfile=$MUNGED_PIDFILE ;;
      slurmctld) pidfile=$SLURMCTLD_PIDFILE ;;
      slurmd) pidfile=$SLURMD_PIDFILE ;;
    esac
    pid=$(running_pid "$name" "$pidfile")
    ours=
    [[ -n $pid && $pid == "$(started_pid "$name")" ]] && ours=", started by this script"
    if [[ -n $pid ]]; then
      printf '%-10s running (pid %s%s)\n' "$name" "$pid" "$ours"
    elif [[ $name == munged ]] && command -v munge >/dev/null && munge_works; then
      printf '%-10s running (not started by this script)\n' "$name"
    else
      printf '%-10s not running\n' "$name"
      ok=1
    fi
  done
  if ((ok == 0)); then
    sinfo || ok=1
  fi
  return $ok
}

main() {
  [[ $# -eq 1 ]] || { echo "usage: $0 start|stop|status" >&2; exit 2; }
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  case $1 in
    start | stop)
      # Serialise concurrent start/stop calls (e.g. parallel test set-ups).
      # Every daemon is launched with '9>&-': one that inherited fd 9 would
      # hold this lock for its whole life and block every later call.
      install -d -m 0755 "$RUN_DIR"
      exec 9>"$LOCK_FILE"
      flock -w 300 9 || die "timed out waiting for $LOCK_FILE"
      "cmd_$1"
      ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
}

main "$@"
