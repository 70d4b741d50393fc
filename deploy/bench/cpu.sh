# A benchmark's measured window and where the CPU went over it; sourced by the benchmark scripts, not run.
# await_ready waits for the platform and finds its parts; the rest needs PID (the platform JVM), POSTMASTER (PostgreSQL's postmaster pid, may be empty), WORK (a scratch directory);
# with POSTGRES (host:port of the embedded PostgreSQL) set, each reading also takes the database's transaction count.
# CPU time (clock ticks) of processes and of the JVM's threads, read from /proc at the window's start and end
# with few forks, so a reading takes a moment even on a loaded machine. PostgreSQL backends are children of the
# postmaster (pg_ctl detaches it from the JVM); Redis is a child of the JVM.
# Waits for the platform started as PID (its log in LOG) to be ready, then sets DATA (its data directory),
# POSTMASTER and POSTGRES (host:port of the embedded PostgreSQL).
await_ready() {
  until grep -q "Emporium ready" "$LOG" 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "emporium died:"; tail -20 "$LOG"; exit 1; }
    sleep 0.5
  done
  DATA=$(grep -o 'data     [^"\\]*' "$LOG" | head -1 | sed 's/^data *//')
  POSTMASTER=$(head -1 "$DATA/postgres/postmaster.pid" 2>/dev/null || true)
  POSTGRES=$(grep -o 'embedded PostgreSQL [0-9]* on [0-9.]*:[0-9]*' "$LOG" | head -1 | sed 's/.* on //' || true)
}
ticks() { cat $(printf '/proc/%s/stat ' "$@") 2>/dev/null | awk '{ sub(/.*\) /, ""); split($0, f, " "); t += f[12] + f[13] } END { print t + 0 }' || true; }
threads() { cat /proc/"$PID"/task/*/stat 2>/dev/null | awk '{ i = index($0, "("); j = match($0, /\) [A-Z] /); name = substr($0, i + 1, j - i - 1)
  split(substr($0, j + 2), f, " "); gsub(/[0-9]+/, "#", name); print name "\t" f[12] + f[13] "\t" $1 }' || true; }
machine() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
snapshot() { # label
  local now family
  now=$(date +%s%N)
  family=$(ps -e -o pid=,ppid= | awk -v pm="${POSTMASTER:-none}" -v jvm="$PID" '
    $1 == pm || $2 == pm { pg = pg " " $1 } $2 == jvm { kids = kids " " $1 } END { print pg ":" kids }')
  echo "$now $(ticks "$PID") $(ticks ${family%%:*}) $(ticks ${family#*:}) $(machine)" > "$WORK/$1.cpu"
  threads > "$WORK/$1.threads"
  if [ -n "${POSTGRES:-}" ] && command -v psql > /dev/null; then transactions > "$WORK/$1.xacts"; fi
}
# Committed and rolled-back transactions of the platform's database so far; backends report them within a second or so.
transactions() {
  psql -X -A -t -q -h "${POSTGRES%:*}" -p "${POSTGRES#*:}" -U postgres -d emporium \
    -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()" 2>/dev/null || echo "?"
}
# Seconds between the snapshots "start" and "end".
window_seconds() {
  local t0 t1
  read -r t0 _ < "$WORK/start.cpu"
  read -r t1 _ < "$WORK/end.cpu"
  awk -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", t / 1e9 }'
}

# Prints the CPU between the snapshots "start" and "end": by process, then the platform JVM's busiest thread groups.
cpu_report() {
  local t0 j0 p0 r0 m0 i0 t1 j1 p1 r1 m1 i1 window hz
  read -r t0 j0 p0 r0 m0 i0 < "$WORK/start.cpu"
  read -r t1 j1 p1 r1 m1 i1 < "$WORK/end.cpu"
  window=$(window_seconds)
  hz=$(getconf CLK_TCK)
  awk -v s="$window" -v hz="$hz" -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) \
    -v m=$((m1 - m0)) -v i=$((i1 - i0)) -v n="$(nproc)" 'BEGIN {
    printf "CPU over the measured window (%.1f s between readings), in cores (of %d):\n", s, n
    printf "  platform JVM %.2f  PostgreSQL %.2f  Redis %.2f  machine busy %.2f (%.0f%%; the load client reports its own)\n",
      j / hz / s, p / hz / s, r / hz / s, (m - i) / hz / s, 100 * (m - i) / m }'
  echo "platform JVM threads by CPU over the window (cores; digits in names folded to #):"
  by_name() { awk -F'\t' '{ t[$1] += $2 } END { for (k in t) print k "\t" t[k] }' "$1" | sort -t $'\t' -k1,1; }
  join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 <(by_name "$WORK/start.threads") <(by_name "$WORK/end.threads") |
    awk -F'\t' -v s="$window" -v hz="$hz" '{ d = ($3 - $2) / hz / s; if (d >= 0.01) printf "%.2f\t%s\n", d, $1 }' |
    sort -rn | head -12 | awk -F'\t' -v all="$(awk -v j=$((j1 - j0)) -v s="$window" -v hz="$hz" 'BEGIN { print j / hz / s }')" '
      { printf "  %-30s %s\n", $2, $1; listed += $1 } END { printf "  %-30s %.2f\n", "(smaller or ended threads)", all - listed }'
}

# CPU seconds between the snapshots "start" and "end" by part, one "part<TAB>seconds" a line: the platform JVM's
# threads in groups (by name: Vert.x event loops and worker pools, the JIT compilers, GC, the in-JVM Kafka broker and
# the Kafka clients; ended threads fall into "other JVM"), then PostgreSQL and Redis.
cpu_parts() {
  local j0 p0 r0 j1 p1 r1
  read -r _ j0 p0 r0 _ < "$WORK/start.cpu"
  read -r _ j1 p1 r1 _ < "$WORK/end.cpu"
  awk -F'\t' -v hz="$(getconf CLK_TCK)" -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) '
    function part(name) {
      if (name ~ /^vert\.x-eventloo/) return "event loops"
      if (name ~ /^vert\.x-(worker|intern)/) return "worker pools"
      if (name ~ /CompilerThre/) return "JIT compiler"
      if (name ~ /^(GC Thread|G# |VM Thread)/) return "GC"
      if (name ~ /^(kafka|vert\.x-kafka|consumer_backgr|data-plane|broker-|controller-|quorum|raft-|group-coord|share-|executor-|Expiration)/ \
        || name ~ /^(transaction-log|metrics-meter|client-metrics|persister|PersisterState|network-partiti|TxnMarker|SensorExpiry|LogDirFailure|AddPartitionsTo)/) return "Kafka"
      return "other JVM"
    }
    FNR == NR { before[$3] = $2; next }
    { t[part($1)] += $2 - before[$3] }
    END {
      n = split("event loops,JIT compiler,GC,Kafka,worker pools", order, ",")
      for (i = 1; i <= n; i++) { printf "%s\t%.3f\n", order[i], t[order[i]] / hz; listed += t[order[i]] }
      printf "other JVM\t%.3f\nPostgreSQL\t%.3f\nRedis\t%.3f\n", (j - listed) / hz, p / hz, r / hz
    }' "$WORK/start.threads" "$WORK/end.threads"
}

# top's second sample (the first has no interval), trimmed to the header and the busiest processes.
top_now() {
  top -c -b -n 2 -d 2 -w 160 | awk '/^top -/ { n++ } n == 2' | sed -n '1,5p;7,14p' | sed 's/^/  /'
}

# The load client's measured window: CPU readings at its start and end, top in the middle; then waits for the
# client to finish. Needs OUT (the client's output), CLIENT (its pid) and DURATION too; the client prints
# "warm-up over" when the window starts and "measured:" when it ends.
measure_window() {
  wait_for "warm-up over"
  record_window
  snapshot start
  sleep $((DURATION / 2))
  echo "top at mid-window (platform JVM pid $PID, PostgreSQL postmaster pid ${POSTMASTER:-?}, load client pid $CLIENT):"
  top_now
  wait_for "measured:"
  snapshot end
  echo "load after:  $(uptime)"
  wait "$CLIENT" || { cat "$OUT"; exit 1; }
  CLIENT=
}
# With BENCH_JFR=<file>, records the platform JVM over the next DURATION seconds with Java Flight Recorder (profile
# settings; read it with `jfr print --events jdk.ExecutionSample <file>`); its own cost then counts in the figures.
record_window() {
  if [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$PID" JFR.start name=window settings=profile duration="${DURATION}s" filename="$(realpath -m "$BENCH_JFR")" > /dev/null
  fi
}
wait_for() { until grep -q "$1" "$OUT"; do kill -0 "$CLIENT" 2>/dev/null || { cat "$OUT"; exit 1; }; sleep 0.2; done; }
