#!/usr/bin/env bash
# Median wall time of `appctl app list` and `appctl app create`, 50 runs
# each, with a passphrase at the default KDF (Argon2id 64 MiB, t=3, p=1)
# and with an unlocked session (no KDF). Usage: benches/session.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}

cargo build --release --locked --quiet
bin=$PWD/target/release/appctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_RUNTIME_DIR=$work/run APPCTL_STORE=$work/store.appctl
mkdir -m 700 "$work/run"
printf 'benchmark passphrase\n' > "$work/pw"
unset APPCTL_SESSION APPCTL_PASSPHRASE APPCTL_PASSPHRASE_FD APPCTL_PASSPHRASE_COMMAND
export APPCTL_PASSPHRASE_FILE=$work/pw
"$bin" init --owner bench > /dev/null

now_ns() { date +%s%N; }

# median_ms LABEL CMD...: runs CMD $runs times (with {} replaced by the run
# number) and prints the median in milliseconds.
median_ms() {
    local label=$1; shift
    local times=() i start end
    for ((i = 0; i < runs; i++)); do
        local args=("${@//\{\}/$label-$i}")
        start=$(now_ns)
        "${args[@]}" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
        end=$(now_ns)
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '
        { a[NR] = $1 }
        END { m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

pw_create=$(median_ms pw "$bin" app create "{}")
pw_list=$(median_ms pwl "$bin" app list)
session=$("$bin" unlock --ttl 1h | sed 's/^export APPCTL_SESSION=//')
export APPCTL_SESSION=$session
unset APPCTL_PASSPHRASE_FILE
s_create=$(median_ms s "$bin" app create "{}")
s_list=$(median_ms sl "$bin" app list)
"$bin" lock > /dev/null

printf '\nappctl, median of %s runs each (%s apps in the store at the end), on %s (%s cores)\n\n' \
    "$runs" "$((runs * 2))" "$(uname -m)" "$(nproc)"
printf '| command | passphrase (Argon2id 64 MiB, t=3) | session | speed-up |\n'
printf '| --- | --- | --- | --- |\n'
awk -v a="$pw_list" -v b="$s_list" 'BEGIN { printf "| app list | %.1f ms | %.1f ms | %.0fx |\n", a, b, a / b }'
awk -v a="$pw_create" -v b="$s_create" 'BEGIN { printf "| app create | %.1f ms | %.1f ms | %.0fx |\n", a, b, a / b }'
