#!/usr/bin/env bash
# Whole-process benchmark of worker slots: `scripts/daisy-launch` on a 10^4-block no-op task
# (3-D, 20x20x25 blocks of 10^3, no conflicts: the real daisy bench's scenario "a", see
# /work/shared/daisy-bench), timed from the launcher's start to its exit, REPS times, for each
# WORKERSxSLOTS layout given. Prints one line per run and min/median/max wall time and blocks/s
# per layout. NOOP_EDGE=100 NOOP_CONFLICTS=1 makes it 10^6 blocks of a 3-D task with conflicts
# (see noop-config.sh): the rate of real worker processes with slots.
#
#   bench/scripts/slots-bench.sh [REPS] [LAYOUT...]     e.g.  3 1x8 8x1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reps="${1:-3}"
shift || true
layouts=("${@:-1x8}")
[ ${#layouts[@]} -gt 0 ] || layouts=(1x8)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${NOOP_EDGE:-}" ]; then blocks=$((NOOP_EDGE * NOOP_EDGE * NOOP_EDGE)); else blocks=10000; fi
# shellcheck source=noop-config.sh
. "$root/bench/scripts/noop-config.sh"
# the jar and its class-data archives (scripts/class-data.sh) are made on first use: here, so that
# no timed run pays for them
"$root/scripts/daisy-launch" --version > /dev/null
for layout in "${layouts[@]}"; do
  workers="${layout%x*}"
  slots="${layout#*x}"
  walls=()
  for rep in $(seq 1 "$reps"); do
    noop_config "$work/bench.yaml" slots-bench "$work/run-$layout-$rep" "$workers" "$slots"
    start=$(date +%s%N)
    "$root/scripts/daisy-launch" --quiet "$work/bench.yaml" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
    end=$(date +%s%N)
    wall=$(( (end - start) / 1000000 ))
    walls+=("$wall")
    echo "layout ${workers}x${slots} rep $rep: wall ${wall} ms, $(( blocks * 1000 / wall )) blocks/s"
  done
  sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  n=${#sorted[@]}
  min=${sorted[0]}; max=${sorted[$((n - 1))]}; med=${sorted[$((n / 2))]}
  echo "layout ${workers}x${slots} (workers x slots), $blocks no-op blocks, $n runs:" \
    "wall min/median/max ${min}/${med}/${max} ms;" \
    "blocks/s max/median/min $(( blocks * 1000 / min ))/$(( blocks * 1000 / med ))/$(( blocks * 1000 / max ))"
done
