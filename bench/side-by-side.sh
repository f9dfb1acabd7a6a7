#!/usr/bin/env bash
# Side by side: the Node.js yardstick's listeners and Lectern's, against the same local gateway jar and the
# same speaker (../shared/bench/speaker.mjs: RATE chunks of 100 ms a second for SECONDS, each carrying its
# send time), one after the other, at 200, 500 and 1 000 listeners (or the counts given as arguments).
# Prints one table row per run and the ratios. Needs a build (./mvnw -B verify) and Node.js.
# Then the speakers alone, with no listener: speaker.mjs, and `lectern load --listeners 0` (Lectern's
# SpeakerClient on a JettyTransport), each in its own process, CPU per sent chunk from the process's start.
# Usage: bench/side-by-side.sh [COUNTS...]   (env: DURATION=20 RATE=10 PORT=18181;
# SPEAKERS=0 leaves out the speakers, SPEAKERS=only runs nothing else; LECTERN_JAVA=path/to/java runs
# Lectern's processes on another JDK, the gateway staying on the default one; LECTERN_JAVA_OPTS="..." gives
# Lectern's and the floor's JVMs options (split at spaces; the header line names them); FLOOR=1 adds a third row per
# count: bench's JettyFloorListeners, the same shared Jetty client doing nothing but count the frames, the
# floor under Lectern's figures in this setting)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
YARD=${YARDSTICK:-$ROOT/../shared/bench}
SECONDS_=${DURATION:-20}  # not SECONDS: bash keeps its own
RATE=${RATE:-10}
PORT=${PORT:-18181}
COUNTS=("$@")
read -r -a JOPTS <<< "${LECTERN_JAVA_OPTS:-}"
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(200 500 1000)
GATEWAY_JAR=$ROOT/local-gateway/target/lectern-gateway.jar
LECTERN_JAR=$ROOT/app/target/lectern.jar
BENCH_JAR=$ROOT/bench/target/lectern-bench.jar
[ "${FLOOR:-0}" = 0 ] || [ -f "$BENCH_JAR" ] || { echo "missing $BENCH_JAR: run ./mvnw -B verify first" >&2; exit 1; }
for f in "$GATEWAY_JAR" "$LECTERN_JAR"; do [ -f "$f" ] || { echo "missing $f: run ./mvnw -B verify first" >&2; exit 1; }; done
WORK=$(mktemp -d)
( cd "$WORK" && cp "$YARD"/package.json "$YARD"/package-lock.json "$YARD"/*.mjs . && npm ci --silent --no-audit --no-fund >/dev/null )

GW_PID=
trap '[ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
cpu_of() { awk '{print $14+$15}' /proc/"$1"/stat; }
HZ=$(getconf CLK_TCK)

# start_gateway [OPTIONS...]: the gateway jar on PORT with these options, its pid in GW_PID (the exit trap stops it);
# stops the script with the gateway's own error when it does not (a port still held, a bad option).
start_gateway() {
  java -jar "$GATEWAY_JAR" --port "$PORT" "$@" > "$WORK/gateway.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 1 100); do grep -qs "listening" "$WORK/gateway.log" && break; sleep 0.1; done
  grep -qs "listening" "$WORK/gateway.log" || { echo "the gateway did not start on port $PORT: $(grep -m2 -iE 'exception|error' "$WORK/gateway.log" || tail -c 400 "$WORK/gateway.log")" >&2; exit 1; }
}

run_once() { # client N
  local client=$1 n=$2
  start_gateway --max-listeners $((n + 100)) --joins-per-minute 1000000 --connects-per-minute 1000000
  local gw=$GW_PID
  node "$WORK/speaker.mjs" "ws://127.0.0.1:$PORT" bench-speaker 15 "$RATE" "$SECONDS_" > "$WORK/speaker.out" &
  local sp=$!
  for _ in $(seq 1 100); do grep -qs sessionId "$WORK/speaker.out" && break; sleep 0.1; done
  local id; id=$(head -1 "$WORK/speaker.out" | sed 's/.*"sessionId":"\([^"]*\)".*/\1/')
  local g0; g0=$(cpu_of "$gw")
  local out
  if [ "$client" = yardstick ]; then
    out=$(node "$WORK/reference-listeners.mjs" "ws://127.0.0.1:$PORT" "$id" "$n" es $((SECONDS_ + 17)) || true)
    echo "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(json.dumps({"delivered": d["received"], "cpuS": d["cpuS"], "p50": d["latencyMs"]["p50"], "p99": d["latencyMs"]["p99"],
  "disconnects": d["errors"], "threads": None}))' > "$WORK/row.json"
  elif [ "$client" = floor ]; then
    out=$("${LECTERN_JAVA:-java}" ${JOPTS[@]+"${JOPTS[@]}"} -cp "$BENCH_JAR" dev.lectern.bench.JettyFloorListeners "ws://127.0.0.1:$PORT" "$id" "$n" es \
        "$SECONDS_" "$RATE" 2>/dev/null | tail -1 || true)
    echo "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(json.dumps({"delivered": d["delivered"], "cpuS": d["cpuSeconds"], "p50": d["latencyMs"]["p50"], "p99": d["latencyMs"]["p99"],
  "disconnects": d["disconnects"], "threads": d["peakThreads"]}))' > "$WORK/row.json"
  else
    out=$("${LECTERN_JAVA:-java}" ${JOPTS[@]+"${JOPTS[@]}"} -jar "$LECTERN_JAR" load --endpoint "ws://127.0.0.1:$PORT" --session "$id" --listeners "$n" \
        --seconds "$SECONDS_" --rate "$RATE" --wait $((SECONDS_ + 17)) --whole-process-cpu --json 2>/dev/null | tail -1 || true)
    echo "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(json.dumps({"delivered": d["delivered"], "cpuS": d["cpuSeconds"], "p50": d["latencyMs"]["p50"], "p99": d["latencyMs"]["p99"],
  "disconnects": d["disconnects"], "threads": d["peakThreads"], "heap": d["heapBytesPerListener"]}))' > "$WORK/row.json"
  fi
  wait "$sp" || true
  local g1; g1=$(cpu_of "$gw")
  kill "$gw"; wait "$gw" 2>/dev/null || true
  GW_PID=
  python3 - "$client" "$n" "$RATE" "$SECONDS_" "$(( (g1 - g0) * 1000 / HZ ))" "$WORK/row.json" <<'PY'
import json,sys
client,n,rate,secs,gw_ms,row=sys.argv[1],int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4]),int(sys.argv[5]),sys.argv[6]
d=json.load(open(row)); expected=n*rate*secs
us=d["cpuS"]*1e6/max(1,d["delivered"])
print(f"| {n:>5} | {client:<9} | {d['delivered']:>7,} / {expected:,} | {d['cpuS']:6.1f} | {us:6.1f} | {d['p50']} / {d['p99']} | {d['disconnects']} | {d['threads'] if d['threads'] is not None else '-'} | {gw_ms/1000:5.1f} ({gw_ms*1000/max(1,d['delivered']):.1f} us/frame) |")
if d["delivered"] > 0:
    json.dump({"client":client,"n":n,"us":us}, open(row+"."+client+str(n),"w"))
PY
}

# A run that delivered nothing failed to start (the session id not printed in time, the gateway's port
# still held, ...): it is reported on standard error and run once more; it gives no ratio.
run() { # client N
  run_once "$@"
  if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["delivered"] == 0 else 1)' "$WORK/row.json"; then
    { echo "$1 at $2 listeners delivered nothing; the speaker printed: $(head -c 300 "$WORK/speaker.out" 2>/dev/null)";
      echo "the gateway's log ends: $(tail -c 300 "$WORK/gateway.log" 2>/dev/null)"; echo "running it again"; } >&2
    run_once "$@"
  fi
}

echo "Side by side on $(nproc) cores, $(date -u +%Y-%m-%d), ${SECONDS_} s at ${RATE} chunks/s; CPU is the listeners' process, whole run; Lectern on $("${LECTERN_JAVA:-java}" -version 2>&1 | head -1)${LECTERN_JAVA_OPTS:+ with $LECTERN_JAVA_OPTS}"
echo "| listeners | client | delivered | CPU s | CPU us/chunk | latency p50 / p99 ms | disconnects | peak threads | gateway CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"
if [ "${SPEAKERS:-1}" != only ]; then
  for n in "${COUNTS[@]}"; do
    run yardstick "$n"
    run lectern "$n"
    [ "${FLOOR:-0}" = 0 ] || run floor "$n"
  done
fi
speak() { # client: one speaker alone against a fresh gateway; prints a row, keeps CPU per sent chunk
  local client=$1
  start_gateway
  local gw=$GW_PID
  local sent ticks cpu steady=-
  if [ "$client" = yardstick ]; then
    # the child's CPU, read from this shell's cutime and cstime once it has waited for node
    ticks=$(bash -c 'node "$0" "$1" bench-speaker 0 "$2" "$3" > /dev/null; awk "{print \$16+\$17}" /proc/$$/stat' \
        "$WORK/speaker.mjs" "ws://127.0.0.1:$PORT" "$RATE" "$SECONDS_")
    sent=$((RATE * SECONDS_))
    cpu=$(python3 -c "print($ticks / $HZ)")
  else
    local out
    out=$("${LECTERN_JAVA:-java}" ${JOPTS[@]+"${JOPTS[@]}"} -jar "$LECTERN_JAR" load --endpoint "ws://127.0.0.1:$PORT" --listeners 0 --seconds "$SECONDS_" --rate "$RATE" \
        --whole-process-cpu --json 2>/dev/null | tail -1 || true)
    sent=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["speakerSent"])')
    cpu=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpuSeconds"])')
    steady=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["streamingCpuMicrosPerSentChunk"])')
  fi
  kill "$gw"; wait "$gw" 2>/dev/null || true
  GW_PID=
  python3 - "$client" "$sent" "$cpu" "$RATE" "$SECONDS_" "$WORK/speaker.$client" "$steady" <<'PY'
import sys
client,sent,cpu,rate,secs,keep,steady=sys.argv[1],int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]),int(sys.argv[5]),sys.argv[6],sys.argv[7]
us=cpu*1e6/max(1,sent)
print(f"| speaker alone | {client:<9} | {sent:,} / {rate*secs:,} sent | {cpu:6.2f} | {us:8.1f} | {steady} |")
open(keep,"w").write(str(us))
PY
}

if [ "${SPEAKERS:-1}" != 0 ]; then
  echo
  echo "| | client | chunks | CPU s | CPU us per sent chunk | over the streaming only (Lectern) |"
  echo "|---|---|---|---|---|---|"
  speak yardstick
  speak lectern
fi

python3 - "$WORK" <<'PY'
import json,sys,glob,os
rows={}
for f in glob.glob(os.path.join(sys.argv[1],"row.json.*")):
    d=json.load(open(f)); rows.setdefault(d["n"],{})[d["client"]]=d["us"]
for n in sorted(rows):
    r=rows[n]
    if "yardstick" in r and "lectern" in r:
        print(f"{n} listeners: Lectern uses {r['lectern']/r['yardstick']:.2f}x the yardstick's CPU per delivered chunk")
    if "yardstick" in r and "floor" in r:
        print(f"{n} listeners: the Jetty floor uses {r['floor']/r['yardstick']:.2f}x the yardstick's CPU per delivered chunk")
d=sys.argv[1]
if os.path.exists(os.path.join(d,"speaker.yardstick")) and os.path.exists(os.path.join(d,"speaker.lectern")):
    y=float(open(os.path.join(d,"speaker.yardstick")).read()); l=float(open(os.path.join(d,"speaker.lectern")).read())
    print(f"speaker alone: Lectern uses {l/y:.2f}x speaker.mjs's CPU per sent chunk")
PY
rm -rf "$WORK"
