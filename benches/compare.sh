#!/usr/bin/env bash
# Compares appctl with keepassxc-cli, pass and the sqlite3 shell on stores
# of three sizes (100, 1000 and 10000 entries unless told): median wall
# time per call (process start included) of writes and reads, the goals
# they are held to, store sizes on disk, and appctl's peak memory. A
# benchmark that prints figures, not a test.
#
# Usage: benches/compare.sh [RUNS [SMALL MID LARGE]]
#   RUNS rounds per operation (default 15); the three store sizes (default
#   100 1000 10000): tools are compared at MID, growth is LARGE / SMALL.
#
# All the tools are timed in the same loop, one call of each in turn, so
# that drift of the machine (frequency, page cache, neighbours) hits them
# alike; an untimed sync before each timed write keeps one tool's unwritten
# data from being flushed on another's clock. Every tool works on files in one temporary directory with HOME,
# XDG_RUNTIME_DIR and GNUPGHOME pointing into it, so nothing touches the
# user's own stores, keys or settings; the directory goes away on exit.
set -euo pipefail
export LC_ALL=C # EPOCHREALTIME and printf must use '.' as the decimal point

cd "$(dirname "$0")/.."
usage="usage: $0 [RUNS [SMALL MID LARGE]] (e.g. $0 15 200 2000 20000)"
runs=${1:-15}
if [[ $runs == -h || $runs == --help ]]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "$usage" >&2; exit 2; }
if (($# == 1 || $# == 0)); then
    sizes=(100 1000 10000)
elif (($# == 4)); then
    sizes=("$2" "$3" "$4")
    for n in "${sizes[@]}"; do
        [[ $n =~ ^[1-9][0-9]{0,6}$ ]] || { echo "not a store size: $n; $usage" >&2; exit 2; }
    done
    ((sizes[0] < sizes[1] && sizes[1] < sizes[2])) ||
        { echo "the sizes must grow: ${sizes[*]}; $usage" >&2; exit 2; }
else
    echo "$usage" >&2
    exit 2
fi
small=${sizes[0]} # the size growth is measured against
mid=${sizes[1]}   # the size the goals compare tools at
big=${sizes[2]}   # the size memory is measured at

# The KDF every tool that has one is set to: appctl's default.
kdf_mib=64 kdf_t=3 kdf_p=1
password='benchmark passphrase'

work=$(mktemp -d "${TMPDIR:-/tmp}/appctl-compare.XXXXXX")
cleanup() {
    # gpg-agent outlives gpg; stop the one started for our GNUPGHOME only.
    if [[ -d $work/gnupg ]] && command -v gpgconf > /dev/null; then
        GNUPGHOME=$work/gnupg gpgconf --kill all 2> /dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that an interrupted run cleans up too

note() { printf '> note: %s\n' "$*"; }

# quietly CMD...: runs CMD with its output thrown away; shows it and stops
# if CMD fails.
quietly() {
    "$@" > /dev/null 2> "$work/last.err" && return
    echo "failed: $*" >&2
    cat "$work/last.err" >&2
    exit 1
}
have() { command -v "$1" > /dev/null 2>&1; }

# ---------------------------------------------------------------- setup --

isolate_environment() {
    mkdir -p "$work/home" "$work/times"
    mkdir -m 700 "$work/run" "$work/gnupg"
    export HOME=$work/home XDG_RUNTIME_DIR=$work/run GNUPGHOME=$work/gnupg
    unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
    # Stray settings would change what the tools do (a passphrase variable
    # would make appctl derive a key in "session" calls; a signing key
    # makes pass verify .gpg-id), so start from none of them.
    unset APPCTL_STORE APPCTL_SESSION APPCTL_PASSPHRASE APPCTL_PASSPHRASE_FILE \
        APPCTL_PASSPHRASE_FD APPCTL_PASSPHRASE_COMMAND
    local v
    for v in $(compgen -e | grep '^PASSWORD_STORE_' || true); do unset "$v"; done
    printf '%s\n' "$password" > "$work/passphrase"
}

# Installs missing peers where that is possible and harmless (root with
# apt-get), then decides which peers take part. The argon2 CLI (and python3
# and openssl) are needed too, to write the KDBX4 file: see write_kdbx_tool.
ensure_peers() {
    local missing=()
    have keepassxc-cli || missing+=(keepassxc)
    have pass || missing+=(pass)
    [[ -x /usr/bin/time ]] || missing+=(time)
    have argon2 || missing+=(argon2)
    have sqlite3 || missing+=(sqlite3)
    if ((${#missing[@]})); then
        if [[ $EUID -eq 0 ]] && have apt-get; then
            note "installing ${missing[*]} with apt-get"
            if ! apt-get install -y "${missing[@]}" > "$work/apt.log" 2>&1; then
                # A fresh machine may have no package lists yet.
                apt-get update > "$work/apt.log" 2>&1 &&
                    apt-get install -y "${missing[@]}" > "$work/apt.log" 2>&1 ||
                    note "apt-get could not install them: $(tail -n 1 "$work/apt.log")"
            fi
        else
            note "missing: ${missing[*]} (not root or no apt-get, so not installing)"
        fi
    fi
    use_kpx=1 use_pass=1 use_time=1 use_sqlite=1
    local tool
    for tool in keepassxc-cli python3 argon2 openssl; do
        if ! have "$tool"; then
            use_kpx=0
            note "skipping keepassxc-cli: $tool is missing"
            break
        fi
    done
    for tool in pass gpg tree python3; do
        if ! have "$tool"; then
            use_pass=0
            note "skipping pass: $tool is missing"
            break
        fi
    done
    if ! have sqlite3; then
        use_sqlite=0
        note "skipping sqlite3: it is missing"
    fi
    if [[ ! -x /usr/bin/time ]]; then
        use_time=0
        note "skipping peak memory: /usr/bin/time (GNU time) is missing"
    fi
}

build_appctl() {
    cargo build --release --locked --quiet
    cargo build --release --locked --quiet --example bulk
    appctl=$PWD/target/release/appctl
    bulk=$PWD/target/release/examples/bulk
}

# Writes the Python helper that makes KDBX4 files and pass plaintexts.
# Why write KDBX4 by hand: keepassxc-cli 2.7.4 cannot choose a KDF. Its
# db-create and import make KDBX 3.1 files with AES-KDF (-t only tunes the
# AES rounds to a time) and db-edit changes only the keys; yet KeePassXC
# keeps whatever KDF a file's header names. So the file is written with
# appctl's Argon2id parameters, and check_kdbx has keepassxc-cli open it.
write_kdbx_tool() {
    cat > "$work/kdbx_tool.py" << 'PY'
"""Helpers for compare.sh.

make OUT N     write a KDBX4 file with N entries (password in KDBX_PASSWORD),
               AES-256 + gzip like KeePassXC's own files, with an Argon2id
               KDF of KDF_MIB MiB, KDF_T iterations and KDF_P lanes. The key
               is derived by the argon2 CLI, encryption is `openssl enc`.
kdf FILE       print the KDF parameters stored in a KDBX4 header.
passplain DIR N  write N plaintext pass entries bulk-0 .. bulk-N-1 into DIR.
"""
import base64, gzip, hashlib, hmac, os, secrets, struct, subprocess, sys
from xml.sax.saxutils import escape

ARGON2ID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")
AES256 = bytes.fromhex("31c1f2e6bf714350be5805216afc5aff")
SIGNATURE = bytes.fromhex("03d9a29a67fb4bb5")  # both KeePass 2 signatures
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def field(fid, data):  # a (inner or outer) header field: id, u32 size, data
    return struct.pack("<BI", fid, len(data)) + data


def variant(vtype, key, value):  # one VariantMap item
    k = key.encode()
    return struct.pack("<Bi", vtype, len(k)) + k + struct.pack("<i", len(value)) + value


def string(key, value):
    return f"<String><Key>{key}</Key><Value>{escape(value)}</Value></String>"


def entry_xml(i):
    # The same fields bulk.rs gives an app: description, website, two
    # callback URLs, a consumer key and secret, and a bearer token.
    uuid = base64.b64encode(os.urandom(16)).decode()
    return "<Entry><UUID>%s</UUID>%s</Entry>" % (uuid, "".join([
        string("Title", f"bulk-{i}"),
        string("UserName", secrets.token_urlsafe(18)),
        string("Password", secrets.token_urlsafe(36)),
        string("URL", f"https://app{i}.example.com"),
        string("Notes", f"Benchmark app number {i}\nhttps://app{i}.example.com/callback\napp{i}://oauth"),
        string("BearerToken", secrets.token_urlsafe(64)),
    ]))


def make(out, n):
    mib, t, p = (int(os.environ[k]) for k in ("KDF_MIB", "KDF_T", "KDF_P"))
    # The argon2 CLI takes the salt as an argument, so it must be text.
    salt = "".join(secrets.choice(ALNUM) for _ in range(32))
    kdf = (struct.pack("<H", 0x0100)
           + variant(0x42, "$UUID", ARGON2ID) + variant(0x42, "S", salt.encode())
           + variant(0x0C, "P", struct.pack("<I", p))
           + variant(0x05, "M", struct.pack("<Q", mib << 20))
           + variant(0x05, "I", struct.pack("<Q", t))
           + variant(0x0C, "V", struct.pack("<I", 0x13)) + b"\x00")
    seed, iv = os.urandom(32), os.urandom(16)
    header = (SIGNATURE + struct.pack("<HH", 0, 4)
              + field(2, AES256) + field(3, struct.pack("<I", 1))  # gzip
              + field(4, seed) + field(7, iv) + field(11, kdf)
              + field(0, b"\r\n\r\n"))

    # Composite key of a password-only database: SHA-256(SHA-256(password)).
    password = os.environ["KDBX_PASSWORD"].encode()
    composite = hashlib.sha256(hashlib.sha256(password).digest()).digest()
    derived = subprocess.run(
        ["argon2", salt, "-id", "-t", str(t), "-k", str(mib << 10), "-p", str(p), "-l", "32", "-r"],
        input=composite, capture_output=True, check=True).stdout
    transformed = bytes.fromhex(derived.decode().strip())
    cipher_key = hashlib.sha256(seed + transformed).digest()
    hmac_base = hashlib.sha512(seed + transformed + b"\x01").digest()

    def block_hmac(index, data):
        key = hashlib.sha512(struct.pack("<Q", index) + hmac_base).digest()
        return hmac.new(key, data, hashlib.sha256).digest()

    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<KeePassFile><Meta>'
           "<Generator>compare.sh</Generator><DatabaseName>bench</DatabaseName></Meta>"
           "<Root><Group><UUID>%s</UUID><Name>Root</Name>%s</Group></Root></KeePassFile>"
           % (base64.b64encode(os.urandom(16)).decode(), "".join(entry_xml(i) for i in range(n))))
    # Inner header: ChaCha20 for protected values, its 64-byte key, end.
    inner = field(1, struct.pack("<I", 3)) + field(2, os.urandom(64)) + field(0, b"")
    plain = gzip.compress(inner + xml.encode(), mtime=0)
    cipher = subprocess.run(
        ["openssl", "enc", "-aes-256-cbc", "-K", cipher_key.hex(), "-iv", iv.hex()],
        input=plain, capture_output=True, check=True).stdout

    body = bytearray()
    size = 1 << 20  # KeePassXC's block size
    blocks = [cipher[o:o + size] for o in range(0, len(cipher), size)] + [b""]
    for index, data in enumerate(blocks):
        length = struct.pack("<i", len(data))
        body += block_hmac(index, struct.pack("<Q", index) + length + data) + length + data
    with open(out, "wb") as f:
        f.write(header + hashlib.sha256(header).digest()
                + block_hmac(0xFFFFFFFFFFFFFFFF, header) + body)


def kdf(path):
    with open(path, "rb") as f:
        data = f.read(4096)
    major = struct.unpack_from("<H", data, 10)[0]
    pos, params = 12, None
    while params is None:
        fid, size = struct.unpack_from("<BI", data, pos)
        if fid == 0:
            sys.exit(f"{path}: KDBX {major} header has no KDF parameters (AES-KDF?)")
        if fid == 11:
            params = data[pos + 5:pos + 5 + size]
        pos += 5 + size
    items, i = {}, 2
    while params[i] != 0:
        vtype, klen = struct.unpack_from("<Bi", params, i)
        key = params[i + 5:i + 5 + klen].decode()
        vlen = struct.unpack_from("<i", params, i + 5 + klen)[0]
        value = params[i + 9 + klen:i + 9 + klen + vlen]
        items[key] = value if vtype == 0x42 else int.from_bytes(value, "little")
        i += 9 + klen + vlen
    name = "Argon2id" if items.get("$UUID") == ARGON2ID else items.get("$UUID", b"").hex()
    print(f"KDBX {major}, {name}, {items['M'] >> 20} MiB, t={items['I']}, p={items['P']}, v=0x{items['V']:x}")


def passplain(directory, n):
    for i in range(n):
        with open(os.path.join(directory, f"bulk-{i}"), "w") as f:
            f.write(f"{secrets.token_urlsafe(36)}\nkey: {secrets.token_urlsafe(18)}\n"
                    f"token: {secrets.token_urlsafe(64)}\nurl: https://app{i}.example.com\n"
                    f"description: Benchmark app number {i}\n"
                    f"callback: https://app{i}.example.com/callback\ncallback: app{i}://oauth\n")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(args[0], int(args[1]))
    elif cmd == "kdf":
        kdf(args[0])
    elif cmd == "passplain":
        passplain(args[0], int(args[1]))
    else:
        sys.exit(f"unknown command {cmd}")
PY
}

# What keepassxc-cli and the header must say about a KDBX file of ours.
expected_kdf="KDBX 4, Argon2id, $kdf_mib MiB, t=$kdf_t, p=$kdf_p, v=0x13"
expected_dbinfo="KDF: Argon2id ($kdf_t rounds, $((kdf_mib * 1024)) KB)"

# check_kdbx FILE N: the header carries our KDF and keepassxc-cli, which
# must derive the key from that header to open the file, sees N entries.
check_kdbx() {
    local file=$1 n=$2 header info
    header=$(python3 "$work/kdbx_tool.py" kdf "$file")
    [[ $header == "$expected_kdf" ]] || { echo "$file: $header, not $expected_kdf" >&2; exit 1; }
    info=$(keepassxc-cli db-info -q "$file" <<< "$password") ||
        { echo "keepassxc-cli cannot open $file" >&2; exit 1; }
    grep -qxF "$expected_dbinfo" <<< "$info" ||
        { echo "$file: db-info says $(grep KDF <<< "$info")" >&2; exit 1; }
    grep -qx "Number of entries: $n" <<< "$info" ||
        { echo "$file: $(grep 'Number of entries' <<< "$info"), expected $n" >&2; exit 1; }
}

make_gpg_key() {
    gpg --batch --pinentry-mode loopback --passphrase '' \
        --quick-gen-key 'appctl compare <bench@example.invalid>' default default never \
        > "$work/gpg.log" 2>&1
    # (2>: the first listing reports that it checked the trust database.)
    gpg_key=$(gpg --with-colons --list-keys 2>> "$work/gpg.log" | awk -F: '/^fpr/ { print $10; exit }')
    gpg_algo=$(gpg --list-keys "$gpg_key" 2>> "$work/gpg.log" | awk '/^sub/ { print $2; exit }')
}

# setup_size N: an appctl store, a KDBX4 file and a pass store of N entries.
setup_size() {
    local n=$1 dir=$work/n$1
    mkdir "$dir"
    store[$n]=$dir/store.appctl
    # (init prints a recovery key, which this benchmark has no use for.)
    APPCTL_STORE=${store[$n]} APPCTL_PASSPHRASE_FILE=$work/passphrase \
        quietly "$appctl" init --owner bench
    APPCTL_PASSPHRASE=$password "$bulk" "${store[$n]}" "$n"
    session[$n]=$(APPCTL_STORE=${store[$n]} APPCTL_PASSPHRASE_FILE=$work/passphrase \
        "$appctl" unlock --ttl 1h 2> /dev/null | sed -n 's/^export APPCTL_SESSION=//p')
    [[ -n ${session[$n]} ]] || { echo "appctl unlock printed no session" >&2; exit 1; }
    apps[$n]=$n

    if ((use_kpx)); then
        kdbx[$n]=$dir/store.kdbx
        KDBX_PASSWORD=$password KDF_MIB=$kdf_mib KDF_T=$kdf_t KDF_P=$kdf_p \
            python3 "$work/kdbx_tool.py" make "${kdbx[$n]}" "$n"
        check_kdbx "${kdbx[$n]}" "$n"
        kdbx_entries[$n]=$n
    fi

    if ((use_sqlite)); then
        # The durable peer: an unencrypted SQLite database of as many rows,
        # with the fields bulk.rs gives an app, in the shell's defaults
        # (rollback journal, synchronous=FULL).
        sqlite_db[$n]=$dir/peer.sqlite
        sqlite3 "${sqlite_db[$n]}" "
            CREATE TABLE apps (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                description TEXT, website_url TEXT, callback_urls TEXT,
                api_key TEXT, api_secret TEXT, bearer_token TEXT);
            WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n)
            INSERT INTO apps (name, description, website_url, callback_urls, api_key,
                api_secret, bearer_token)
            SELECT 'bulk-' || k, 'Benchmark app number ' || k, 'https://app' || k || '.example.com',
                '[\"https://app' || k || '.example.com/callback\"]', hex(randomblob(12)),
                hex(randomblob(25)), hex(randomblob(56)) FROM i;"
        [[ $(sqlite3 "${sqlite_db[$n]}" 'PRAGMA journal_mode; PRAGMA synchronous') == $'delete\n2' ]] ||
            { echo "sqlite3 does not default to a rollback journal and synchronous=FULL" >&2; exit 1; }
    fi

    if ((use_pass)); then
        passdir[$n]=$dir/pass
        mkdir "${passdir[$n]}"
        python3 "$work/kdbx_tool.py" passplain "${passdir[$n]}" "$n"
        # One gpg process encrypts them all (names on stdin), as pass would
        # one by one: to the key, without compression.
        (cd "${passdir[$n]}" && ls | gpg --batch --yes --quiet --trust-model always \
            -r "$gpg_key" --compress-algo=none --encrypt --multifile)
        find "${passdir[$n]}" -type f ! -name '*.gpg' -delete
        printf '%s\n' "$gpg_key" > "${passdir[$n]}/.gpg-id"
    fi
}

# ------------------------------------------------------------ the calls --
# Each runs one command of one tool on the store of size $n, output thrown
# away by the caller. Shell functions, so that timing them adds no fork.

ap_pw() { APPCTL_STORE=${store[$n]} APPCTL_PASSPHRASE_FILE=$work/passphrase "$appctl" "$@"; }
ap_ses() { APPCTL_STORE=${store[$n]} APPCTL_SESSION=${session[$n]} "$appctl" "$@"; }

# keepassxc-cli reads the database password, then (with -p) the entry's
# password, one line each from stdin. No -q: it silences errors as well.
kpx_add() {
    keepassxc-cli add -p -u "key-$secret" --url "https://$1.example.com" \
        --notes "Benchmark app $1"$'\n'"https://$1.example.com/callback"$'\n'"token: $secret$secret" \
        "${kdbx[$n]}" "$1" <<< "$password"$'\n'"$secret"
}
kpx_show() { keepassxc-cli show "${kdbx[$n]}" "$1" <<< "$password"; }
kpx_ls() { keepassxc-cli ls "${kdbx[$n]}" <<< "$password"; }

pass_insert() {
    PASSWORD_STORE_DIR=${passdir[$n]} pass insert -m "$1" \
        <<< "$secret"$'\n'"key: key-$secret"$'\n'"token: $secret$secret"$'\n'"url: https://$1.example.com"
}
pass_show() { PASSWORD_STORE_DIR=${passdir[$n]} pass show "$1"; }
sqlite_insert() {
    sqlite3 "${sqlite_db[$n]}" "INSERT INTO apps (name, description, website_url, callback_urls,
        api_key, api_secret, bearer_token) VALUES ('$1', 'Benchmark app $1',
        'https://$1.example.com', '[\"https://$1.example.com/callback\"]', 'key-$secret',
        '$secret', '$secret$secret')"
}
pass_ls() { PASSWORD_STORE_DIR=${passdir[$n]} pass ls; }

# new_secret: a fresh random value for the next write, made before the
# clock starts ($SRANDOM needs no process).
new_secret() { printf -v secret '%08x%08x%08x%08x%08x%08x' $SRANDOM $SRANDOM $SRANDOM $SRANDOM $SRANDOM $SRANDOM; }

# timed OP CMD...: runs CMD once; unless $warmup, appends its wall time
# in microseconds to the samples of OP at size $n.
timed() {
    local op=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    quietly "$@"
    t1=$EPOCHREALTIME
    ((warmup)) || echo $((${t1/./} - ${t0/./})) >> "$work/times/$n.$op"
}

# settle: flushes what earlier calls left unwritten (untimed). A write
# that syncs (appctl's two fsyncs) would otherwise also pay for the dirty
# data and pending journal of the tool timed just before it (pass and
# keepassxc-cli do not sync), so each write is timed from a quiet disk.
settle() { sync; }

# round R: every operation once on every size, the tools taking turns.
round() {
    local r=$1 target
    for n in "${sizes[@]}"; do
        target=bulk-$((n / 2))
        new_secret
        settle
        timed create_pw ap_pw app create "pw-$r"
        if ((use_kpx)); then
            settle
            timed kpx_add kpx_add "kx-$r"
            kdbx_entries[$n]=$((kdbx_entries[$n] + 1))
        fi
        ((use_pass)) && settle && timed pass_insert pass_insert "ps-$r"
        settle
        timed create_ses ap_ses app create "ses-$r"
        apps[$n]=$((apps[$n] + 2))
        ((use_sqlite)) && settle && timed sqlite_insert sqlite_insert "sq-$r"

        timed show_ses ap_ses app show "$target"
        ((use_kpx)) && timed kpx_show kpx_show "$target"
        ((use_pass)) && timed pass_show pass_show "$target"
        timed show_pw ap_pw app show "$target"

        timed list_ses ap_ses app list
        ((use_kpx)) && timed kpx_ls kpx_ls
        ((use_pass)) && timed pass_ls pass_ls
        timed list_pw ap_pw app list
    done
}

# ------------------------------------------------------------ reporting --

# median_ms SIZE OP: the median of the samples, in ms, or "n/a".
median_ms() {
    local file=$work/times/$1.$2
    [[ -s $file ]] || { echo n/a; return; }
    sort -n "$file" | awk '{ a[NR] = $1 }
        END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

machine() {
    local cpu tools
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || true)
    tools=$("$appctl" --version)
    if ((use_kpx)); then tools+=", keepassxc-cli $(keepassxc-cli --version)"; fi
    if ((use_pass)); then
        tools+=", pass $(pass version | grep -o 'v[0-9][0-9.]*' | head -n 1), $(gpg --version | head -n 1)"
    fi
    if ((use_sqlite)); then tools+=", sqlite3 $(sqlite3 --version | cut -d' ' -f1)"; fi
    echo "# appctl vs keepassxc-cli vs pass vs sqlite3"
    echo
    echo "Machine: $(uname -m), $(nproc) cores, ${cpu:-unknown CPU}; $(uname -sr)"
    echo "Tools: $tools"
}

table_row() { # table_row LABEL OP
    local label=$1 op=$2 n row="| $1 |"
    for n in "${sizes[@]}"; do row+=" $(median_ms "$n" "$op") |"; done
    echo "$row"
}

print_medians() {
    echo
    echo "## Median wall time per call, ms (rounds: $runs, tools interleaved in each)"
    echo
    echo "| operation | ${sizes[0]} entries | ${sizes[1]} entries | ${sizes[2]} entries |"
    echo "| --- | ---: | ---: | ---: |"
    table_row "appctl app create, passphrase (Argon2id ${kdf_mib} MiB t=$kdf_t p=$kdf_p)" create_pw
    table_row "appctl app create, session" create_ses
    table_row "keepassxc-cli add (same Argon2id)" kpx_add
    table_row "pass insert -m" pass_insert
    table_row "sqlite3 insert (rollback journal, synchronous=FULL)" sqlite_insert
    table_row "appctl app show, session" show_ses
    table_row "appctl app show, passphrase" show_pw
    table_row "keepassxc-cli show" kpx_show
    table_row "pass show" pass_show
    table_row "appctl app list, session" list_ses
    table_row "appctl app list, passphrase" list_pw
    table_row "keepassxc-cli ls" kpx_ls
    table_row "pass ls" pass_ls
}

goal_row() { # goal_row LABEL A_SIZE A_OP B_SIZE B_OP GOAL
    local a b
    a=$(median_ms "$2" "$3") b=$(median_ms "$4" "$5")
    if [[ $a == n/a || $b == n/a ]]; then
        echo "| $1 | n/a (peer skipped) | <= $6 | - |"
        return
    fi
    awk -v a="$a" -v b="$b" -v g="$6" -v l="$1" 'BEGIN {
        r = a / b; printf "| %s | %.2f | <= %s | %s |\n", l, r, g, (r <= g) ? "PASS" : "MISS" }'
}

print_goals() {
    echo
    echo "## Goals (ratios of the medians above)"
    echo
    echo "| ratio | value | goal | result |"
    echo "| --- | ---: | ---: | --- |"
    goal_row "appctl create (session) / sqlite3 insert, $small" $small create_ses $small sqlite_insert 1.0
    goal_row "appctl create (session) / sqlite3 insert, $mid" $mid create_ses $mid sqlite_insert 1.0
    goal_row "appctl show (session) / pass show, $mid" $mid show_ses $mid pass_show 0.25
    goal_row "appctl list (session) / pass ls, $mid" $mid list_ses $mid pass_ls 0.35
    goal_row "appctl create (passphrase) / keepassxc-cli add, $mid" $mid create_pw $mid kpx_add 0.3
    goal_row "appctl create (session), $big / $small" $big create_ses $small create_ses 3
    goal_row "appctl show (session), $big / $small" $big show_ses $small show_ses 3
}

bytes() { stat -c %s "$1"; }

print_sizes() {
    local n row
    echo
    echo "## Store size on disk, bytes (after the runs)"
    echo
    echo "| store | ${sizes[0]} entries | ${sizes[1]} entries | ${sizes[2]} entries |"
    echo "| --- | ---: | ---: | ---: |"
    row="| appctl file |"
    for n in "${sizes[@]}"; do row+=" $(bytes "${store[$n]}") |"; done
    echo "$row"
    row="| appctl bytes per app |"
    for n in "${sizes[@]}"; do row+=" $(($(bytes "${store[$n]}") / apps[$n])) |"; done
    echo "$row"
    if ((use_kpx)); then
        row="| KeePassXC .kdbx file |"
        for n in "${sizes[@]}"; do row+=" $(bytes "${kdbx[$n]}") |"; done
        echo "$row"
    fi
    if ((use_sqlite)); then
        row="| sqlite3 database (unencrypted) |"
        for n in "${sizes[@]}"; do row+=" $(bytes "${sqlite_db[$n]}") |"; done
        echo "$row"
    fi
    if ((use_pass)); then
        row="| pass directory (du, disk usage) |"
        for n in "${sizes[@]}"; do row+=" $(du -sB1 "${passdir[$n]}" | cut -f1) |"; done
        echo "$row"
        row="| pass directory (du --apparent-size) |"
        for n in "${sizes[@]}"; do row+=" $(du -sb "${passdir[$n]}" | cut -f1) |"; done
        echo "$row"
    fi
}

# max_rss_kib CMD...: the peak resident set of CMD (its largest process).
max_rss_kib() {
    quietly /usr/bin/time -f %M -o "$work/rss" "$@"
    tail -n 1 "$work/rss"
}

print_memory() {
    ((use_time)) || return 0
    local n=$big rss bound store_bytes
    echo
    echo "## Peak memory at $big entries (GNU time, max RSS)"
    echo
    echo "| command | max RSS | bound: 3 x store + ${kdf_mib} MiB (KDF) + 16 MiB | result |"
    echo "| --- | ---: | ---: | --- |"
    new_secret
    for mode in passphrase session; do
        store_bytes=$(bytes "${store[$n]}")
        bound=$((3 * store_bytes + (kdf_mib + 16) * 1048576))
        if [[ $mode == passphrase ]]; then
            rss=$(max_rss_kib env APPCTL_STORE="${store[$n]}" APPCTL_PASSPHRASE_FILE="$work/passphrase" \
                "$appctl" app create mem-pw)
        else
            rss=$(max_rss_kib env APPCTL_STORE="${store[$n]}" APPCTL_SESSION="${session[$n]}" \
                "$appctl" app create mem-ses)
        fi
        apps[$n]=$((apps[$n] + 1))
        awk -v m="$mode" -v r="$rss" -v b="$bound" -v s="$store_bytes" -v k=$((kdf_mib + 16)) 'BEGIN {
            printf "| appctl app create, %s | %.1f MiB | 3 x %.1f MiB + %d MiB = %.1f MiB | %s |\n",
                m, r / 1024, s / 1048576, k, b / 1048576, (r * 1024 <= b) ? "PASS" : "MISS" }'
    done
    # The peers for context; no bound applies to them.
    if ((use_kpx)); then
        rss=$(max_rss_kib bash -c 'printf "%s\n%s\n" "$1" "$2" | keepassxc-cli add -p "$3" mem-kx' \
            _ "$password" "$secret" "${kdbx[$n]}")
        kdbx_entries[$n]=$((kdbx_entries[$n] + 1))
        awk -v r="$rss" 'BEGIN { printf "| keepassxc-cli add (for reference) | %.1f MiB | - | - |\n", r / 1024 }'
    fi
    if ((use_pass)); then
        rss=$(max_rss_kib env PASSWORD_STORE_DIR="${passdir[$n]}" bash -c \
            'printf "%s\n" "$1" | pass insert -m mem-ps' _ "$secret")
        awk -v r="$rss" 'BEGIN { printf "| pass insert -m (for reference) | %.1f MiB | - | - |\n", r / 1024 }'
    fi
}

# print_peer_setup: what the peers were set to, read back after the runs.
print_peer_setup() {
    local n=$big
    echo
    if ((use_kpx)); then
        check_kdbx "${kdbx[$n]}" "${kdbx_entries[$n]}"
        echo "KeePassXC KDF, read back from the $big-entry .kdbx after keepassxc-cli added" \
            "$((kdbx_entries[$n] - n)) entries to it: $(python3 "$work/kdbx_tool.py" kdf "${kdbx[$n]}")" \
            "(db-info: $expected_dbinfo)"
    fi
    if ((use_pass)); then echo "pass: a $gpg_algo gpg key (gpg's default) without passphrase"; fi
}

# ----------------------------------------------------------------- main --

main() {
    # Build first: cargo and rustup find their toolchain through the real HOME.
    echo "building appctl and the bulk example (release)..." >&2
    build_appctl
    isolate_environment
    ensure_peers
    write_kdbx_tool
    if ((use_pass)); then make_gpg_key; fi

    declare -gA store session apps kdbx kdbx_entries passdir sqlite_db
    for n in "${sizes[@]}"; do
        echo "setting up stores of $n entries..." >&2
        setup_size "$n"
    done

    # One untimed round first: it starts gpg-agent, fills the page cache,
    # and has keepassxc-cli rewrite each .kdbx in its own layout.
    warmup=1
    round warm
    warmup=0
    local r
    for ((r = 1; r <= runs; r++)); do
        echo "round $r of $runs..." >&2
        round "$r"
    done

    machine
    print_medians
    print_goals
    print_sizes
    print_memory
    print_peer_setup
}

main
