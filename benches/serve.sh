#!/usr/bin/env bash
# Benchmarks a release build of `appctl serve` on a store of APPS apps:
# start-up against one key derivation, throughput and latency of signed
# OAuth 1.0a requests, bearer-token requests and a plain 404 over
# CONNECTIONS keep-alive connections for SECONDS each (the kinds taking
# turns of a second on the same connections, so that a machine whose speed
# drifts slows them alike), and peak memory (VmHWM) as the nonce memory
# fills up and past it; also signed requests over 4 connections, for their
# latency without the queue. A benchmark that prints figures, not a test.
#
# Usage: benches/serve.sh [--pin] [SECONDS [APPS [CONNECTIONS [ROUNDS]]]]
#   defaults 10 s, 1000 apps, 64 connections, 1 round of the four kinds;
#   --pin runs the server on CPU 0 and the load generator on CPU 1.
#
# The load generator is examples/serve_bench.rs (it signs with the crate's
# own OAuth code, a new nonce per request). Everything happens in one
# temporary directory with HOME and XDG_RUNTIME_DIR pointing into it and
# the APPCTL_* variables cleared; the server is stopped and the directory
# removed on exit.
set -euo pipefail
export LC_ALL=C # EPOCHREALTIME and printf must use '.' as the decimal point

cd "$(dirname "$0")/.."
usage="usage: $0 [--pin] [SECONDS [APPS [CONNECTIONS [ROUNDS]]]] (e.g. $0 10 1000 64 1)"
pin=
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
if [[ ${1:-} == --pin ]]; then
    pin=1
    shift
fi
secs=${1:-10} apps=${2:-1000} conns=${3:-64} rounds=${4:-1}
for v in "$secs" "$apps" "$conns" "$rounds"; do
    [[ $v =~ ^[1-9][0-9]{0,5}$ ]] || { echo "not a positive number: $v; $usage" >&2; exit 2; }
done
(($# <= 4)) || { echo "$usage" >&2; exit 2; }
((apps >= 2)) || { echo "APPS must be at least 2; $usage" >&2; exit 2; }

cargo build --release --locked --quiet --bin appctl --example bulk --example serve_bench
bin=$PWD/target/release/appctl
gen=$PWD/target/release/examples/serve_bench
# The nonce memory's capacity, as the server has it.
capacity=$(($(sed -n 's/^pub const MAX_NONCES: usize = \(.*\);$/\1/p' src/serve/nonces.rs)))

work=$(mktemp -d "${TMPDIR:-/tmp}/appctl-serve-bench.XXXXXX")
server=
cleanup() {
    if [[ -n $server ]]; then
        kill -TERM "$server" 2> /dev/null || true
        wait "$server" 2> /dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that an interrupted run cleans up too

mkdir -m 700 "$work/home" "$work/run"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run APPCTL_STORE=$work/store.appctl
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
for v in $(compgen -e); do
    [[ $v == APPCTL_* && $v != APPCTL_STORE ]] && unset "$v"
done
(umask 077 && printf 'benchmark passphrase\n' > "$work/pw")
export APPCTL_PASSPHRASE_FILE=$work/pw

quietly() {
    "$@" > /dev/null 2> "$work/last.err" && return
    echo "failed: $*" >&2
    cat "$work/last.err" >&2
    exit 1
}

# ---------------------------------------------------------------- store --
# APPS apps in all: APPS-1 filled in one save (examples/bulk.rs), then the
# one the requests use, made last as `app create` makes it, with an access
# token for the owner. Its secrets stay in files in $work, never in argv.
quietly "$bin" init --owner bench
APPCTL_PASSPHRASE="$(head -n1 "$work/pw")" quietly target/release/examples/bulk "$APPCTL_STORE" $((apps - 1))
(umask 077 && "$bin" --json app create bench > "$work/app.json")
(umask 077 && "$bin" --json keys create bench access > "$work/token.json")
store_bytes=$(stat -c %s "$APPCTL_STORE")

on_server=() on_gen=()
if [[ -n $pin ]]; then
    on_server=(taskset -c 0) on_gen=(taskset -c 1)
fi

# Starts the server; sets $server and $addr, and $startup_ms, the time from
# exec to its first line on stdout (the base URL).
start_server() {
    rm -f "$work/out"
    mkfifo "$work/out"
    local t0=$EPOCHREALTIME
    "${on_server[@]}" "$bin" serve > "$work/out" 2>> "$work/serve.log" &
    server=$!
    exec 3< "$work/out"
    local url
    read -r url <&3 || { echo "the server printed no URL:" >&2; tail -5 "$work/serve.log" >&2; exit 1; }
    local t1=$EPOCHREALTIME
    startup_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
    addr=${url#http://}
}

stop_server() {
    kill -TERM "$server"
    local rc=0
    wait "$server" || rc=$?
    exec 3<&-
    server=
    ((rc == 0)) || { echo "the server exited with $rc" >&2; tail -5 "$work/serve.log" >&2; exit 1; }
}

mem_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server/status"; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# --------------------------------------------------------------- start-up --
# The machine's load before any of ours (during the runs the load average
# counts the server's and the generator's own threads).
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# One derivation and one start in turn, 9 times, so that drift of the
# machine hits both alike; neither is pinned.
startups=() kdfs=()
pinned_server=("${on_server[@]}")
on_server=()
for _ in 1 2 3 4 5 6 7 8 9; do
    kdfs+=("$("$gen" kdf 1 | sed 's/^kdf_ms=\([0-9.]*\).*/\1/')")
    start_server
    startups+=("$startup_ms")
    stop_server
done
startup_median=$(printf '%s\n' "${startups[@]}" | median)
kdf_ms=$(printf '%s\n' "${kdfs[@]}" | median)
# The same start with an unlocked session, which derives no key: what the
# start costs besides the derivation, without the derivation's noise.
APPCTL_SESSION=$("$bin" unlock --ttl 10m 2> "$work/last.err" | sed 's/^export APPCTL_SESSION=//') ||
    { cat "$work/last.err" >&2; exit 1; }
export APPCTL_SESSION
session_startups=()
for _ in 1 2 3 4 5 6 7 8 9; do
    start_server
    session_startups+=("$startup_ms")
    stop_server
done
quietly "$bin" lock
unset APPCTL_SESSION
session_median=$(printf '%s\n' "${session_startups[@]}" | median)
on_server=("${pinned_server[@]}")

# ------------------------------------------------------------------- load --
start_server
# The peak so far is the key derivation's (64 MiB at the default cost).
hwm_idle=$(mem_kib VmHWM) rss_idle=$(mem_kib VmRSS)
secrets=("$work/app.json" "$work/token.json")
# load KINDS ARGS...: one run of the generator, KINDS (comma-separated)
# taking turns; prints a figures line for each kind, with the server's CPU
# seconds during its turns.
load() {
    local kinds=$1 lines
    shift
    lines=$("${on_gen[@]}" "$gen" "$addr" "$kinds" "$@" --server-pid "$server" "${secrets[@]}") ||
        { echo "the $kinds run failed: $lines" >&2; exit 1; }
    printf '%s\n' "$lines"
}
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<< "$2"; }

# The rounds: in each, every kind gets SECONDS in turns of a second, after
# a short warm-up. Each round and the light run below have a server of
# their own, started afresh, so that no run finds the nonce memory full of
# the nonces of the runs before it (a fast run fills most of it).
kinds=(notfound signed token bearer)
all_kinds=$(IFS=,; echo "${kinds[*]}")
declare -A results
for ((r = 1; r <= rounds; r++)); do
    if ((r > 1)); then
        stop_server
        start_server
    fi
    load "$all_kinds" "$conns" --seconds 1 > /dev/null
    lines=$(load "$all_kinds" "$conns" --seconds "$secs")
    for kind in "${kinds[@]}"; do
        results[$kind,$r]=$(grep "^kind=$kind " <<< "$lines")
    done
done
hwm_loaded=$(mem_kib VmHWM) rss_loaded=$(mem_kib VmRSS)
# Signed requests at light load: latency without 64 connections' queue.
stop_server
start_server
light=$(load signed 4 --seconds "$secs")

# ----------------------------------------------------------------- memory --
# Fill the nonce memory: as many signed requests as it holds (those of the
# light run are still in it, so the last ones get 503), then a quarter as
# many more, which must all get 503 and must not grow it.
t0=$EPOCHREALTIME
fill=$(load signed "$conns" --requests "$capacity" --expect 200,503)
fill_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
hwm_full=$(mem_kib VmHWM) rss_full=$(mem_kib VmRSS)
over=$(load signed "$conns" --requests $((capacity / 4)) --expect 200,503)
hwm_over=$(mem_kib VmHWM) rss_over=$(mem_kib VmRSS)
stop_server

# ---------------------------------------------------------------- figures --
printf '\nappctl serve: %s apps (store %s bytes), %s connections, %s s per run, %s round(s)%s\n' \
    "$apps" "$store_bytes" "$conns" "$secs" "$rounds" "${pin:+, server on CPU 0 and load generator on CPU 1}"
printf 'machine: %s, %s cores, load average before the runs %s\n\n' \
    "$(uname -m)" "$(nproc)" "$load_before"
printf '| request | round | requests/s | p50 ms | p99 ms | max ms | statuses | server CPU | server CPU per request | generator CPU |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n'
for ((r = 1; r <= rounds; r++)); do
    for kind in "${kinds[@]}"; do
        l=${results[$kind,$r]}
        run_s=$(field seconds "$l")
        printf '| %s | %s | %s | %s | %s | %s | %s | %s cores | %s us | %s cores |\n' "$kind" "$r" \
            "$(field rate "$l")" "$(field p50_ms "$l")" "$(field p99_ms "$l")" "$(field max_ms "$l")" \
            "$(field statuses "$l")" \
            "$(awk -v c="$(field server_cpu_s "$l")" -v s="$run_s" 'BEGIN { printf "%.2f", c / s }')" \
            "$(awk -v c="$(field server_cpu_s "$l")" -v n="$(field requests "$l")" 'BEGIN { printf "%.0f", c * 1e6 / n }')" \
            "$(awk -v c="$(field cpu_s "$l")" -v s="$run_s" 'BEGIN { printf "%.2f", c / s }')"
    done
done

l=$light
printf '| signed, 4 connections | - | %s | %s | %s | %s | %s | %s cores | %s us | %s cores |\n' \
    "$(field rate "$l")" "$(field p50_ms "$l")" "$(field p99_ms "$l")" "$(field max_ms "$l")" \
    "$(field statuses "$l")" \
    "$(awk -v c="$(field server_cpu_s "$l")" -v s="$(field seconds "$l")" 'BEGIN { printf "%.2f", c / s }')" \
    "$(awk -v c="$(field server_cpu_s "$l")" -v n="$(field requests "$l")" 'BEGIN { printf "%.0f", c * 1e6 / n }')" \
    "$(awk -v c="$(field cpu_s "$l")" -v s="$(field seconds "$l")" 'BEGIN { printf "%.2f", c / s }')"

printf '\ngoals:\n'
for ((r = 1; r <= rounds; r++)); do
    signed=${results[signed,$r]} notfound=${results[notfound,$r]}
    awk -v s="$(field rate "$signed")" -v n="$(field rate "$notfound")" -v r="$r" 'BEGIN {
        printf "  round %s: signed throughput / 404 throughput = %.2f (goal >= 0.50: %s)\n", r, s / n, (s / n >= 0.5) ? "met" : "missed" }'
    awk -v p="$(field p99_ms "$signed")" -v r="$r" 'BEGIN {
        printf "  round %s: signed p99 = %.2f ms (goal <= 5 ms: %s)\n", r, p, (p <= 5) ? "met" : "missed" }'
done
awk -v s="$startup_median" -v k="$kdf_ms" -v all="${startups[*]}" 'BEGIN {
    printf "  start-up (exec to the first line; %s ms) median %.1f ms; one key derivation (in-process, in turn with the starts) median %.1f ms;\n", all, s, k
    printf "    start-up - derivation = %.1f ms (goal <= 50 ms: %s)\n", s - k, (s - k <= 50) ? "met" : "missed" }'
awk -v s="$session_median" -v all="${session_startups[*]}" 'BEGIN {
    printf "  start-up with a session, no derivation (%s ms) median %.1f ms (goal <= 50 ms: %s)\n", all, s, (s <= 50) ? "met" : "missed" }'
printf '  nonce memory (capacity %s): fill %s in %s s, then %s more: %s\n' \
    "$capacity" "$(field statuses "$fill")" "$fill_s" "$((capacity / 4))" "$(field statuses "$over")"
printf '  peak RSS (VmHWM) / RSS (VmRSS), KiB: at start %s / %s, after the runs %s / %s, full %s / %s, after the more %s / %s: %s\n' \
    "$hwm_idle" "$rss_idle" "$hwm_loaded" "$rss_loaded" "$hwm_full" "$rss_full" "$hwm_over" "$rss_over" \
    "$( ((hwm_over == hwm_full)) && echo "no growth past capacity" || echo "grew by $((hwm_over - hwm_full)) KiB past capacity")"
