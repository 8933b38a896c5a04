# class-data.sh: sourced by daisy-launch. The one owner of the class-data archives (AppCDS,
# Java 13+ "dynamic archives") that let the launcher's and its local workers' JVMs map
# daisy-java's classes ready-made instead of reading, parsing and verifying ~2,500 classes from
# the jar at every start (bench/scripts/phases.sh shows the phases of a run with and without).
# On Java 25 and later they are AOT caches instead (JEP 483 and 515): the classes loaded and
# linked, and the methods' profiles from the training, so that the JIT compiles the hot code
# sooner. Measured on a 10^4-block local run with Java 25 (farm-bench, medians of 12 pairs):
# 1.50 s against 1.58 s with a dynamic archive (0.96 of the time); 0.86 when the training was
# that run itself.
#
# Why it can never break a run:
# - An archive is only ever used, never written, by a real launcher or worker: dumping at exit
#   (-XX:ArchiveClassesAtExit) makes the JVM exit 1 when the file cannot be written, which would
#   change a run's exit code. Archives are made by a training run of their own (daisy_cds_train),
#   whose failure costs nothing but the archive.
# - A missing, zero-filled or garbage archive is ignored by the JVM (-Xshare:auto, its default:
#   measured, exit code unchanged, no output), but one cut short with its header intact kills it
#   (SIGBUS while mapping, measured): each archive's name carries its size, and only a file of
#   that size is used. One made from another jar, another classpath, other heap settings or
#   another JVM is refused by the JVM's own validation (it records the jar's path, size and mtime
#   and the JVM's build), and -Xlog:cds*=off keeps the JVM's warning about that off stdout (where
#   it would mix with `plan --json`). Names are keyed to the jar (its path, size and mtime in ns)
#   and to libjvm.so (size, mtime), so a rebuilt jar or an upgraded JDK is simply a name without an
#   archive until the next training; the JVM's check is the second line.
# - Training writes into a fresh temporary directory and renames the finished files into place
#   (rename is atomic): a reader sees a whole archive or none, and two launchers training at once
#   each rename a whole file (the last one wins). A JVM that maps an archive keeps its mapping if
#   the file is replaced or removed afterwards.
# - Archives live next to the jar when that directory is writable, else in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/daisy-java; on a read-only install with no writable cache
#   there are none, and everything runs as before. A failed training leaves a .failed marker (with
#   its log) so that it is not retried at every launch; remove it to try again.
# - Only JVMs on this machine use them: the launcher and the local backend's workers. Removing an
#   archive that a JVM maps is harmless on a local file system, not on NFS (a mapping of a file
#   deleted by another host faults with SIGBUS), and a worker on another node may run another JVM
#   anyway; so daisy-worker and the cluster job scripts start workers without (the archives of
#   earlier builds of a jar are removed when a new one is trained, see daisy_cds_train).
# - DAISY_CDS=off switches all of this off.

# Sets, for JAR run by JAVA (few forks: this runs before every launcher and worker start):
#   daisy_cds_key       what the archive names say they were made from; empty: no archives (off,
#                       or the JVM's library is not where a JDK keeps it, so nothing to key to)
#   daisy_cds_build     its first part: the jar (path, size, mtime), without the JVM
#   daisy_cds_kind      jsa (a dynamic archive) or aot (an AOT cache: Java 25+), by JAVA's release file
#   daisy_cds_dirs      where archives may be: next to the jar, then the user's cache
#   daisy_cds_launcher  the launcher's archive, if one exists; else empty
#   daisy_cds_worker    the workers' archive, if one exists; else empty
daisy_cds_locate() {
  local jar="$1" java="$2" real jvm abs sizes dir l_size w_size
  daisy_cds_key="" daisy_cds_build="" daisy_cds_kind=jsa daisy_cds_launcher="" daisy_cds_worker="" daisy_cds_dirs=()
  [ "${DAISY_CDS:-on}" != off ] || return 0
  case "$jar" in /*) abs="$jar" ;; *) abs="$PWD/$jar" ;; esac
  if [[ "$java" == */* ]]; then real="$java"; else real="$(command -v "$java")" || return 0; fi
  real="$(readlink -f "$real")" || return 0
  jvm="${real%/bin/*}/lib/server/libjvm.so"
  [ -f "$jvm" ] || return 0
  sizes="$(stat -c '%s-%.9Y' "$abs" "$jvm" 2>/dev/null)" || return 0
  local line major
  if [ -r "${real%/bin/*}/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*)
          major="${line#JAVA_VERSION=}" major="${major//\"/}" major="${major%%[!0-9]*}"
          if [ -n "$major" ] && [ "$major" -ge 25 ]; then daisy_cds_kind=aot; fi
          ;;
      esac
    done < "${real%/bin/*}/release"
  fi
  daisy_cds_build="$(printf '%s' "$abs" | cksum)"
  daisy_cds_build="${daisy_cds_build%% *}.${sizes%%$'\n'*}"
  daisy_cds_key="$daisy_cds_build.${sizes#*$'\n'}"
  daisy_cds_dirs=("${abs%/*}")
  if [ -n "${XDG_CACHE_HOME:-}" ]; then
    daisy_cds_dirs+=("$XDG_CACHE_HOME/daisy-java")
  elif [ -n "${HOME:-}" ]; then
    daisy_cds_dirs+=("$HOME/.cache/daisy-java")
  fi
  local l w found
  for dir in "${daisy_cds_dirs[@]}"; do
    for l in "$dir/daisy-java-cds.$daisy_cds_key.launcher."*".$daisy_cds_kind"; do break; done
    for w in "$dir/daisy-java-cds.$daisy_cds_key.worker."*".$daisy_cds_kind"; do break; done
    [ -f "$l" ] && [ -f "$w" ] || continue
    # the size each was made with is in its name: a file cut short (its header intact) would
    # make the JVM die of SIGBUS while mapping it (measured), so only whole ones are used
    found="$(stat -c '%s' "$l" "$w" 2>/dev/null)" || continue
    l_size="${l%".$daisy_cds_kind"}" w_size="${w%".$daisy_cds_kind"}"
    if [ "$found" = "${l_size##*.}"$'\n'"${w_size##*.}" ]; then
      daisy_cds_launcher="$l" daisy_cds_worker="$w"
      return 0
    fi
  done
}

# The options that make a JVM map ARCHIVE, added to the array named by $2 (nothing for no
# archive); they go before the user's JAVA_OPTS, so that theirs win (-Xshare:off, their own
# archive, their own -Xlog). The launcher hands the same ones to its local workers
# (launcher/.../backend/WorkerClassData.java). An AOT cache the JVM cannot use (another jar, a
# garbage file) is skipped like an archive, with a warning that -Xlog:aot*=off keeps quiet
# (measured with Java 25).
daisy_cds_options() {
  [ -n "$1" ] || return 0
  local -n into="$2"
  case "$1" in
    *.aot) into+=("-XX:AOTCache=$1" "-Xlog:aot*=off" "-Xlog:cds*=off") ;;
    *) into+=("-XX:SharedArchiveFile=$1" "-Xlog:cds*=off") ;;
  esac
}

# After daisy_cds_locate: makes both archives for JAR and JAVA unless they exist, training failed
# before, or no directory is writable, and locates them again. The training is a small local run
# (200 no-op blocks, one worker of 2 slots, in a temporary run directory) whose launcher and
# worker each dump the classes they loaded when they exit. A signal meanwhile stops the training
# (its launcher stops its worker) and exits 130 like any signal before the launcher starts.
# Prints one line on stderr when it trains.
daisy_cds_train() {
  local jar="$1" java="$2" key="$daisy_cds_key" kind="$daisy_cds_kind" dir target="" tmp rc
  [ -n "$key" ] && [ -z "$daisy_cds_launcher" ] || return 0
  for dir in "${daisy_cds_dirs[@]}"; do
    if [ -e "$dir/daisy-java-cds.$key.failed" ]; then
      return 0
    fi
    if [ -z "$target" ] && mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
      target="$dir"
    fi
  done
  [ -n "$target" ] || return 0
  tmp="$(mktemp -d "$target/.daisy-java-cds.XXXXXX" 2>/dev/null)" || return 0
  echo "daisy-launch: preparing class-data archives for faster JVM starts (once per jar, a few seconds)" >&2
  # every step may fail (a full disk, a directory made read-only meanwhile): that costs the
  # archives only, never the launch this runs before (daisy-launch runs under set -e)
  # what the training's JVMs record at exit: a dynamic archive each, or (Java 25+) an AOT
  # configuration each, which two more JVMs turn into the caches afterwards (AOTMode=create):
  # the one-step -XX:AOTCacheOutput would make the worker's exit wait for its cache, and the
  # launcher gives an exiting worker only a few seconds
  local record_launcher record_worker
  if [ "$kind" = aot ]; then
    record_launcher=(-XX:AOTMode=record -XX:AOTConfiguration="$tmp/launcher.aotconf")
    record_worker='"-XX:AOTMode=record", "-XX:AOTConfiguration='"$tmp"'/worker.aotconf"'
  else
    record_launcher=(-XX:ArchiveClassesAtExit="$tmp/launcher.jsa")
    record_worker='"-XX:ArchiveClassesAtExit='"$tmp"'/worker.jsa"'
  fi
  if ! cat > "$tmp/training.yaml" 2>/dev/null <<YAML
name: class-data-training
run_dir: "$tmp/run"
scheduler: {web: "off", status_interval: 1h}
worker:
  slots: 2
  jvm_options: [$record_worker]
tasks:
  - name: training
    total_roi: {offset: [0, 0, 0], shape: [10, 10, 16]}
    read_roi: {offset: [0, 0, 0], shape: [2, 2, 2]}
    write_roi: {offset: [0, 0, 0], shape: [2, 2, 2]}
    num_workers: 1
    max_retries: 0
    process: {builtin: noop}
YAML
  then
    rm -rf "$tmp" 2>/dev/null || true
    return 0
  fi
  # at most two minutes (it takes seconds): a machine where it cannot finish (loopback blocked,
  # say) costs the first launch that long once, then the .failed marker, never a hang
  local limit=()
  if command -v timeout > /dev/null 2>&1; then limit=(timeout -k 5 120); fi
  ${limit[@]+"${limit[@]}"} "$java" "${record_launcher[@]}" -cp "$jar" org.daisyjava.launcher.Main \
    --quiet "$tmp/training.yaml" > "$tmp/training.log" 2>&1 < /dev/null &
  local pid=$!
  # a signal now: stop the training (its launcher stops its worker; or the JVM making a cache),
  # then exit like before (each step "|| true": daisy-launch runs under set -e, which would end
  # the trap at the first failing one, e.g. the wait for a training that exits 130, and leave the
  # directory behind); $pid is read when the trap runs: whichever JVM runs then
  trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp" || true
    echo "daisy-launch: interrupted before the launcher started; nothing was started" >&2; exit 130' INT TERM
  rc=0
  wait "$pid" || rc=$?
  if [ "$rc" -eq 0 ] && [ "$kind" = aot ]; then
    local part
    for part in launcher worker; do
      ${limit[@]+"${limit[@]}"} "$java" -XX:AOTMode=create -XX:AOTConfiguration="$tmp/$part.aotconf" \
        -XX:AOTCache="$tmp/$part.aot" -cp "$jar" >> "$tmp/training.log" 2>&1 < /dev/null &
      pid=$!
      wait "$pid" || { rc=$?; break; }
    done
  fi
  trap 'echo "daisy-launch: interrupted before the launcher started; nothing was started" >&2; exit 130' INT TERM
  local sizes_made=""
  if [ "$rc" -eq 0 ] && [ -s "$tmp/launcher.$kind" ] && [ -s "$tmp/worker.$kind" ]; then
    sizes_made="$(stat -c '%s' "$tmp/launcher.$kind" "$tmp/worker.$kind" 2>/dev/null)" || rc=1
  else
    rc=1
  fi
  if [ "$rc" -eq 0 ]; then
    # named with their sizes (see daisy_cds_locate); renamed into place whole, the worker's first
    mv -f "$tmp/worker.$kind" "$target/daisy-java-cds.$key.worker.${sizes_made#*$'\n'}.$kind" 2>/dev/null \
      && mv -f "$tmp/launcher.$kind" "$target/daisy-java-cds.$key.launcher.${sizes_made%$'\n'*}.$kind" 2>/dev/null \
      || rc=1
  else
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    { echo "class-data training failed (exit $rc); remove this file to try again. Its log:";
      tail -n 30 "$tmp/training.log" 2>/dev/null; } > "$target/daisy-java-cds.$key.failed" 2>/dev/null || true
    echo "daisy-launch: no class-data archives (see $target/daisy-java-cds.$key.failed); starting without" >&2
  else
    # archives of earlier builds of this jar (same path, other size or mtime) are of no use now,
    # whichever JVM made them, nor older ones of this build and this JVM (another training
    # finished at the same time). Those of this build made by another JVM stay: two JDKs taking
    # turns on one install (a login node's and a user's) would otherwise each remove the other's
    # and train again at every launch. An upgraded JDK's old ones go with the next build.
    local prefix="${key%%.*}" build="$daisy_cds_build" f
    for f in "$target/daisy-java-cds.$prefix".*; do
      case "$f" in
        "$target/daisy-java-cds.$key.worker.${sizes_made#*$'\n'}.$kind") ;;
        "$target/daisy-java-cds.$key.launcher.${sizes_made%$'\n'*}.$kind") ;;
        "$target/daisy-java-cds.$key".*) rm -f "$f" 2>/dev/null || true ;;
        "$target/daisy-java-cds.$build".*) ;;
        *) rm -f "$f" 2>/dev/null || true ;;
      esac
    done
  fi
  rm -rf "$tmp" 2>/dev/null || true
  daisy_cds_locate "$jar" "$java"
}
