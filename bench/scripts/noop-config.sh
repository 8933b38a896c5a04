# Sourced by slots-bench.sh and phases.sh: the one benchmark config both time, daisy's bench
# scenario "a" (see /work/shared/daisy-bench) — a 3-D task of 20x20x25 no-op blocks of 10^3, no
# conflicts, 10^4 blocks in all. NOOP_EDGE=N makes it N^3 blocks instead; NOOP_CONFLICTS=1 gives
# each block a read region one block wider on every side that conflicts with its neighbours'
# writes (daisy's read_write_conflict), so that a block waits for those of its 26 neighbours
# that come before it in daisy's level order: a 3-D task with conflicts.
#
#   noop_config FILE NAME RUN_DIR WORKERS SLOTS [WORKER_JVM_OPTIONS (YAML list items)]
noop_config() {
  local jvm="" total="{offset: [0, 0, 0], shape: [200, 200, 250]}"
  local read="{offset: [0, 0, 0], shape: [10, 10, 10]}" conflict=false e
  if [ -n "${6:-}" ]; then jvm="
  jvm_options: [$6]"; fi
  if [ -n "${NOOP_EDGE:-}" ]; then
    e=$((NOOP_EDGE * 10))
    total="{offset: [0, 0, 0], shape: [$e, $e, $e]}"
  fi
  if [ "${NOOP_CONFLICTS:-0}" = 1 ]; then
    # the total region holds the context of the blocks at its edges, so all N^3 of them fit
    e=$((${NOOP_EDGE:-20} * 10 + 20))
    total="{offset: [-10, -10, -10], shape: [$e, $e, $e]}"
    read="{offset: [-10, -10, -10], shape: [30, 30, 30]}"
    conflict=true
  fi
  cat > "$1" <<YAML
name: $2
run_dir: $3
scheduler: {web: "off", status_interval: 1h}
worker:
  slots: $5$jvm
tasks:
  - name: A
    total_roi: $total
    read_roi: $read
    write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
    read_write_conflict: $conflict
    max_retries: 0
    num_workers: $4
    process: {builtin: noop}
YAML
}
