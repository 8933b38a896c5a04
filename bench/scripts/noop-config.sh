# Sourced by slots-bench.sh and phases.sh: the one benchmark config both time, daisy's bench
# scenario "a" (see /work/shared/daisy-bench) — a 3-D task of 20x20x25 no-op blocks of 10^3, no
# conflicts, 10^4 blocks in all.
#
#   noop_config FILE NAME RUN_DIR WORKERS SLOTS [WORKER_JVM_OPTIONS (YAML list items)]
noop_config() {
  local jvm=""
  if [ -n "${6:-}" ]; then jvm="
  jvm_options: [$6]"; fi
  cat > "$1" <<YAML
name: $2
run_dir: $3
scheduler: {web: "off", status_interval: 1h}
worker:
  slots: $5$jvm
tasks:
  - name: A
    total_roi: {offset: [0, 0, 0], shape: [200, 200, 250]}
    read_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
    write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
    read_write_conflict: false
    max_retries: 0
    num_workers: $4
    process: {builtin: noop}
YAML
}
