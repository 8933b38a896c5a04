#!/usr/bin/env bash
# local-sshd.sh start|stop|status
#
# Runs a real OpenSSH server on 127.0.0.1 only, as a stand-in login node for the
# SSH submission tests (daisy-launch --ssh). Must run as root. Background:
# /work/shared/docs/local-cluster.md (project notes).
#
# Everything lives in $STATE_DIR: the server's own host keys, generated client
# keys (ed25519, RSA, ECDSA, and an ed25519 key with a passphrase), the
# authorized_keys file holding them, a known_hosts file for the server, the
# port it listens on, its pid file and its log. Key-only root login; no PAM.
#
# Every command the server runs goes through $STATE_DIR/logged-command (the
# server's ForceCommand), which appends it to $STATE_DIR/commands.log before
# running it: tests read that file to prove that sbatch ran on the SSH side.
#
#   start   idempotent: installs openssh-server if missing, creates what is
#           missing, starts sshd unless ours is running, waits until it answers.
#   stop    stops the sshd this script started, and its session processes
#           (the login node going away drops the connections too); by pid only.
#   status  prints the state, port and files; exit 0 only if ours is up.
#
# Environment knobs (all optional):
#   LOCAL_SSHD_PORT   port to use on first start (default 2222, or a free one
#                     if 2222 is taken); later starts reuse the recorded port
set -euo pipefail

readonly STATE_DIR=/run/daisy-local-sshd
readonly LOCK_FILE=$STATE_DIR/lock
readonly CONFIG=$STATE_DIR/sshd_config
readonly PID_FILE=$STATE_DIR/sshd.pid
readonly STARTED=$STATE_DIR/sshd.started
readonly PORT_FILE=$STATE_DIR/port
readonly LOG_FILE=$STATE_DIR/sshd.log
readonly AUTHORIZED=$STATE_DIR/authorized_keys
readonly KNOWN_HOSTS=$STATE_DIR/known_hosts
readonly WRAPPER=$STATE_DIR/logged-command
readonly COMMANDS_LOG=$STATE_DIR/commands.log
# The passphrase of client_ed25519_encrypted: tests check that an encrypted key
# without an agent is refused with a clear message, never that it works.
readonly PASSPHRASE=daisy-test-passphrase

log() { echo "local-sshd: $*" >&2; }

die() {
  log "ERROR: $1"
  if [[ -f $LOG_FILE ]]; then
    log "last lines of $LOG_FILE:"
    tail -n 20 "$LOG_FILE" | sed 's/^/    /' >&2
  fi
  exit 1
}

# alive PID: true if PID is a live (not zombie) sshd. PID 1 reaps late here, so
# a dead daemon can linger as a zombie; the name check guards against a
# recycled pid.
alive() {
  local pid=$1 stat comm
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  comm=${stat#*(}; comm=${comm%)*}
  [[ $comm == sshd ]] || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

read_pid() { [[ -r $1 ]] && head -n1 "$1" | tr -dc '0-9' || true; }

# started_pid: the pid this script started sshd with, if it is still alive.
started_pid() {
  local pid
  pid=$(read_pid "$STARTED")
  if [[ -n $pid ]] && alive "$pid"; then echo "$pid"; fi
}

# children PID: live sshd processes whose parent is PID (one per connection).
children() {
  local parent=$1 f stat pid ppid
  for f in /proc/[0-9]*/stat; do
    stat=$(cat "$f" 2>/dev/null) || continue
    pid=${f#/proc/}; pid=${pid%/stat}
    stat=${stat##*) }
    ppid=$(echo "$stat" | cut -d' ' -f2)
    if [[ $ppid == "$parent" ]] && alive "$pid"; then echo "$pid"; fi
  done
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

choose_port() {
  if [[ -s $PORT_FILE ]]; then
    cat "$PORT_FILE"
    return 0
  fi
  local p=${LOCAL_SSHD_PORT:-2222} i
  for ((i = 0; i < 200; i++)); do
    if ! port_taken "$p"; then
      echo "$p" >"$PORT_FILE"
      echo "$p"
      return 0
    fi
    p=$((p + 1))
  done
  die "no free port from ${LOCAL_SSHD_PORT:-2222} on"
}

install_packages() {
  if [[ -x /usr/sbin/sshd ]] && command -v ssh-keygen >/dev/null; then
    return 0
  fi
  log "installing openssh-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update failed"
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends openssh-server \
    >/dev/null || die "apt-get install openssh-server failed"
}

# key FILE TYPE [PASSPHRASE]: generate an unencrypted (or encrypted) key unless it exists.
key() {
  [[ -s $1 ]] && return 0
  local bits=()
  [[ $2 == rsa ]] && bits=(-b 3072)
  ssh-keygen -q -t "$2" "${bits[@]}" -N "${3:-}" -C "daisy-local-sshd $(basename "$1")" -f "$1"
}

prepare() {
  local port=$1 t
  install -d -m 0755 /run/sshd
  for t in ed25519 rsa ecdsa; do
    key "$STATE_DIR/host_${t}_key" "$t"
    key "$STATE_DIR/client_$t" "$t"
  done
  key "$STATE_DIR/client_ed25519_encrypted" ed25519 "$PASSPHRASE"
  # for the test that loads the encrypted key into an ssh-agent of its own
  printf '%s\n' "$PASSPHRASE" >"$STATE_DIR/client_ed25519_encrypted.passphrase"
  cat "$STATE_DIR"/client_{ed25519,rsa,ecdsa,ed25519_encrypted}.pub >"$AUTHORIZED.tmp"
  mv -f "$AUTHORIZED.tmp" "$AUTHORIZED"
  # The server's keys under the name a client looks them up by: [127.0.0.1]:PORT
  # (port 22 would be plain 127.0.0.1). Written from the key files, not scanned.
  : >"$KNOWN_HOSTS.tmp"
  for t in ed25519 rsa ecdsa; do
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$STATE_DIR/host_${t}_key.pub")" >>"$KNOWN_HOSTS.tmp"
  done
  mv -f "$KNOWN_HOSTS.tmp" "$KNOWN_HOSTS"
  cat >"$WRAPPER" <<EOF
#!/bin/sh
# ForceCommand of the local test sshd (scripts/local-sshd.sh): records each command, then runs it.
printf '%s %s\n' "\$(date -u +%Y-%m-%dT%H:%M:%SZ)" "\$SSH_ORIGINAL_COMMAND" >>$COMMANDS_LOG
if [ -z "\$SSH_ORIGINAL_COMMAND" ]; then exec /bin/sh; fi
exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
EOF
  chmod 0755 "$WRAPPER"
  cat >"$CONFIG" <<EOF
# Written by daisy-java scripts/local-sshd.sh: a loopback-only stand-in login node.
ListenAddress 127.0.0.1
Port $port
HostKey $STATE_DIR/host_ed25519_key
HostKey $STATE_DIR/host_rsa_key
HostKey $STATE_DIR/host_ecdsa_key
PidFile $PID_FILE
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile $AUTHORIZED
# the keys live under /run (tests copy them under /tmp): no ownership checks on them
StrictModes no
ForceCommand $WRAPPER
LogLevel VERBOSE
# many short test connections at once must not be throttled
MaxStartups 100
AllowTcpForwarding no
X11Forwarding no
EOF
}

wait_answering() {
  local port=$1 i
  for ((i = 0; i < 100; i++)); do
    port_taken "$port" && return 0
    sleep 0.1
  done
  die "sshd does not accept connections on 127.0.0.1:$port"
}

cmd_start() {
  local pid port i
  pid=$(started_pid)
  port=$(choose_port)
  if [[ -n $pid ]]; then
    log "already running (pid $pid) on 127.0.0.1:$port"
    return 0
  fi
  install_packages
  prepare "$port"
  /usr/sbin/sshd -t -f "$CONFIG" || die "sshd rejects $CONFIG"
  rm -f "$PID_FILE"
  # -E: log to a file (no syslog here); sshd daemonises and writes its pid file
  /usr/sbin/sshd -f "$CONFIG" -E "$LOG_FILE" 9>&- || die "sshd failed to start"
  for ((i = 0; i < 100; i++)); do
    pid=$(read_pid "$PID_FILE")
    if [[ -n $pid ]] && alive "$pid"; then break; fi
    pid=
    sleep 0.1
  done
  [[ -n $pid ]] || die "sshd did not write a live pid to $PID_FILE"
  echo "$pid" >"$STARTED"
  wait_answering "$port"
  log "sshd up (pid $pid) on 127.0.0.1:$port; keys and known_hosts in $STATE_DIR"
}

cmd_stop() {
  local pid c i
  pid=$(started_pid)
  if [[ -z $pid ]]; then
    rm -f "$STARTED"
    log "not running (nothing of ours to stop)"
    return 0
  fi
  for c in $(children "$pid"); do kill -TERM "$c" 2>/dev/null || true; done
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "sshd (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STARTED"
  log "stopped sshd (pid $pid)"
}

cmd_status() {
  local pid
  pid=$(started_pid)
  if [[ -z $pid ]]; then
    echo "sshd       not running"
    return 1
  fi
  echo "sshd       running (pid $pid, started by this script) on 127.0.0.1:$(cat "$PORT_FILE")"
  echo "identity   $STATE_DIR/client_ed25519 (also client_rsa, client_ecdsa)"
  echo "known_hosts $KNOWN_HOSTS"
  echo "commands   $COMMANDS_LOG"
}

main() {
  [[ $# -eq 1 ]] || { echo "usage: $0 start|stop|status" >&2; exit 2; }
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  install -d -m 0700 "$STATE_DIR"
  case $1 in
    start | stop)
      # serialise concurrent calls (tests stop and start it while CI may call it)
      exec 9>"$LOCK_FILE"
      flock -w 120 9 || die "timed out waiting for $LOCK_FILE"
      "cmd_$1"
      ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
}

main "$@"
