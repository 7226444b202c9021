#!/usr/bin/env bash
# Median wall time of `appctl passwd` on a store of 1,000 apps at the default
# KDF (Argon2id 64 MiB, t=3, p=1), beside `app list` (one derivation, no
# write) and `app create` (one derivation and one write), RUNS rounds of each
# (default 15; passwd runs twice a round, back and forth between two
# passphrases). Usage: benches/passwd.sh [RUNS] [APPS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
apps=${2:-1000}

cargo build --release --locked --quiet --bin appctl --example bulk
bin=$PWD/target/release/appctl
bulk=$PWD/target/release/examples/bulk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_RUNTIME_DIR=$work/run APPCTL_STORE=$work/store.appctl
mkdir -m 700 "$work/run"
unset APPCTL_SESSION APPCTL_PASSPHRASE_FILE APPCTL_PASSPHRASE_FD APPCTL_PASSPHRASE_COMMAND
printf 'first passphrase\n' > "$work/a"
printf 'second passphrase\n' > "$work/b"
export APPCTL_PASSPHRASE='first passphrase'
"$bin" init --owner bench > /dev/null 2>&1
"$bulk" "$APPCTL_STORE" "$apps"

# ms CMD...: runs CMD once after an untimed sync; prints milliseconds.
ms() {
    sync
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
}

median() {
    sort -n | awk '{ a[NR] = $1 }
        END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f ms\n", m / 1000 }'
}

: > "$work/list"; : > "$work/create"; : > "$work/passwd"
for ((i = 0; i < runs; i++)); do
    ms "$bin" app list >> "$work/list"
    ms "$bin" app create "extra-$i" >> "$work/create"
    APPCTL_PASSPHRASE='first passphrase' ms "$bin" passwd --new-passphrase-file "$work/b" >> "$work/passwd"
    APPCTL_PASSPHRASE='second passphrase' ms "$bin" passwd --new-passphrase-file "$work/a" >> "$work/passwd"
done
echo "apps:       $apps ($(stat -c %s "$APPCTL_STORE") bytes)"
echo "app list:   $(median < "$work/list")"
echo "app create: $(median < "$work/create")"
echo "passwd:     $(median < "$work/passwd")"
