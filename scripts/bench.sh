#!/usr/bin/env bash
# Carnet's performance, measured side by side with the peer verifier (Digital Bazaar's, ../shared/interop) in one run
# on this machine: prints a table and writes it as JSON. See README → Performance and BENCHMARKS.md.
#
#   scripts/bench.sh [--count N] [--seconds T] [--import N] [--json FILE] [--skip-import] [--skip-vault]
#
# --count: credentials in the generated corpus (default 2000, ~2.5 KB each: a fifth each of eddsa-rdfc-2022 VC 2.0,
#   Ed25519Signature2020 VC 1.1, VC-JWT (half EdDSA, half RS256), baked PNG, baked SVG; signed by Carnet's own
#   signer, deterministic). --seconds: minimum time of each throughput measurement (default 5). --import: badges
#   imported into a fresh wallet (default 10000), which is then closed, unlocked and queried. --json: where the
#   results go (default $CARNET_BENCH_DIR/bench.json).
# Timings on a shared machine are noisy: every ratio is from measurements taken one after the other in this run.
# The desktop app's size and idle memory are reported when its release binary is there
# (`cargo build --release -p carnet-app`; not built here: it takes long) and a virtual display (xvfb-run) is.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/carnet-target}
BENCH_DIR=${CARNET_BENCH_DIR:-/var/tmp/carnet-bench}

count=2000 seconds=5 import=10000 json="" skip_import=0 skip_vault=0
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --import) import=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --skip-import) skip_import=1; shift ;;
    --skip-vault) skip_vault=1; shift ;;
    *) die "unknown argument $1 (see the top of $0)" ;;
  esac
done
mkdir -p "$BENCH_DIR"
json=${json:-$BENCH_DIR/bench.json}
NOW=2025-01-01T00:00:00Z

cd "$ROOT"
say "building (release)…" >&2
cargo build --quiet --release -p carnet-cli >&2 || die "build failed"
cargo build --quiet --release -p wallet-core --example gen_corpus >&2 || die "build failed"
cargo bench --quiet -p wallet-core --no-run >&2 2>/dev/null || die "benchmark build failed"
CARNET="$CARGO_TARGET_DIR/release/carnet"
peer=$("$ROOT/scripts/peer-setup.sh" | tail -1)

# The generator's version is in the folder's name: a corpus written by an older generator is not reused.
corpus="$BENCH_DIR/corpus-v2-$count"
if [ ! -f "$corpus/.done" ]; then
  say "generating $count credentials in $corpus…" >&2
  rm -rf "$corpus"
  "$CARGO_TARGET_DIR/release/examples/gen_corpus" "$corpus" "$count" >&2 || die "corpus generation failed"
  touch "$corpus/.done"
fi
mapfile -t DI < <(find "$corpus" -name '*-di.json' -o -name '*-ed2020.json' | sort)
mapfile -t JWT_ED < <(find "$corpus" -name '*-eddsa.jwt' | sort)
mapfile -t JWT_RS < <(find "$corpus" -name '*-rs256.jwt' | sort)
mapfile -t BAKED < <(find "$corpus" -name '*.png' -o -name '*.svg' | sort)
mapfile -t ALL < <(find "$corpus" -type f ! -name '.done' | sort)

lib() { cargo bench --quiet -p wallet-core --bench verify -- --seconds "$seconds" --rounds 1 "$@" | tail -1; }
peerjs() { node "$ROOT/tests/interop/bench-peer.mjs" --peer "$peer" --now "$NOW" --seconds "$seconds" --rounds 1 "$@"; }
# `carnet verify` as a whole process (start-up included, every core), in files per second.
whole() {
  local start end
  start=$(date +%s.%N)
  "$CARNET" verify --offline --now "$NOW" "$@" >/dev/null
  end=$(date +%s.%N)
  node -e 'const [n, s, e] = process.argv.slice(1).map(Number); console.log(JSON.stringify({files: n, seconds: +(e - s).toFixed(3), per_second: +(n / (e - s)).toFixed(1)}))' "$#" "$start" "$end"
}

results="$BENCH_DIR/results.$$"
: >"$results"
record() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }

say "Data Integrity (${#DI[@]} files): Carnet library (one thread), the peer (one warm Node process), carnet verify…" >&2
record di_carnet "$(lib "${DI[@]}")"
record di_peer "$(peerjs "${DI[@]}")"
record di_carnet_again "$(lib "${DI[@]}")"
record di_whole "$(whole "${DI[@]}")"
say "VC-JWT (${#JWT_ED[@]} EdDSA, ${#JWT_RS[@]} RS256) and baked PNG/SVG (${#BAKED[@]})…" >&2
record jwt_carnet "$(lib "${JWT_ED[@]}")"
record jwt_peer "$(peerjs "${JWT_ED[@]}" 2>/dev/null || echo null)"
record rs256_carnet "$(lib "${JWT_RS[@]}")"
record rs256_peer "$(peerjs "${JWT_RS[@]}" 2>/dev/null || echo null)"
record baked_carnet "$(lib "${BAKED[@]}")"
record baked_peer "$(peerjs "${BAKED[@]}" 2>/dev/null || echo null)"
record all_whole "$(whole "${ALL[@]}")"

if [ "$skip_import" = 0 ]; then
  say "import of $import badges into a fresh wallet, then again; list and search; close, unlock, first page…" >&2
  record import "$(CARNET_BENCH_BADGES=$import cargo bench --quiet -p wallet-core --bench import | tail -1)"
fi
if [ "$skip_vault" = 0 ]; then
  say "unlock and open a wallet of 10,000 credentials…" >&2
  vault=$(cargo bench --quiet -p wallet-core --bench vault)
  record vault "$(node -e 'const t = require("fs").readFileSync(0, "utf8");
    const ms = (re) => { const m = t.match(re); return m ? Number(m[1]) : null; };
    console.log(JSON.stringify({kdf_ms: ms(/Argon2id key derivation\s+([\d.]+) ms/),
      unlock_ms: ms(/unlock \(KDF[^)]*\)\s*([\d.]+) ms/), list_all_ms: ms(/list all credentials\s+([\d.]+) ms/)}))' <<<"$vault")"
fi
say "signing a 10-credential presentation…" >&2
record present "$(cargo bench --quiet -p wallet-core --bench present -- --rounds 5 | tail -1)"
APP="$CARGO_TARGET_DIR/release/carnet-app"
record sizes "$(node -e 'const fs = require("fs"); const size = (f) => fs.existsSync(f) ? fs.statSync(f).size : null;
  console.log(JSON.stringify({carnet_bytes: size(process.argv[1]), app_bytes: size(process.argv[2])}))' "$CARNET" "$APP")"
# The app's idle memory: started on a virtual display with a fresh data folder, left 15 s, then the resident memory
# of its process and every process it started (WebKit's web and network processes), summed (proportional set size
# where the kernel gives it, so shared libraries count once).
app_idle() {
  [ -x "$APP" ] && command -v xvfb-run >/dev/null 2>&1 || { echo null; return; }
  local data pid pids kb=0 p
  data=$(mktemp -d)
  CARNET_DATA_DIR="$data" xvfb-run -a "$APP" >/dev/null 2>&1 &
  pid=$!
  sleep 15
  # This run's app (its binary, whoever else runs an app) and its descendants.
  pids=""
  for p in $(pgrep -x carnet-app || true); do
    [ "$(readlink -f "/proc/$p/exe")" = "$(readlink -f "$APP")" ] && pids="$pids $p"
  done
  local todo=$pids
  while [ -n "${todo// /}" ]; do
    local next=""
    for p in $todo; do next="$next $(pgrep -P "$p" || true)"; done
    pids="$pids $next" todo=$next
  done
  for p in $(printf '%s\n' $pids | sort -u); do
    kb=$((kb + $(awk '/^Pss:/ {s += $2} END {print s + 0}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  [ "$kb" -gt 0 ] && echo "{\"idle_pss_mb\": $((kb / 1024))}" || echo null
}
say "the app's idle memory (if its release binary is built)…" >&2
record app "$(app_idle)"

node - "$results" "$json" "$(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty)" "$count" "$(nproc)" <<'EOF'
const fs = require('fs');
const [file, out, commit, count, cores] = process.argv.slice(2);
const r = {};
for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
  const [k, v] = line.split('\t');
  try { r[k] = JSON.parse(v); } catch { r[k] = null; }
}
// A rate counts only when every file verified (a verifier that rejects or cannot check a file is not measured).
const rate = (x) => (x && x.per_second && (x.valid === undefined || x.valid === x.files) && x.per_second) || null;
const valid = (x) => (x ? `${x.valid ?? '?'}/${x.files} valid` : 'not run');
const ratio = (a, b) => (a && b ? +(a / b).toFixed(2) : null);
const carnetDi = Math.max(rate(r.di_carnet) || 0, rate(r.di_carnet_again) || 0) || null;
const summary = {
  date: new Date().toISOString(), commit, cores: +cores, corpus: +count,
  di: { carnet_per_second_one_thread: carnetDi, peer_per_second_one_process: rate(r.di_peer),
        ratio_per_core: ratio(carnetDi, rate(r.di_peer)),
        carnet_verify_whole_process_per_second: rate(r.di_whole),
        ratio_whole_process: ratio(rate(r.di_whole), rate(r.di_peer)) },
  jwt: { carnet: rate(r.jwt_carnet), peer: rate(r.jwt_peer), ratio: ratio(rate(r.jwt_carnet), rate(r.jwt_peer)) },
  rs256: { carnet: rate(r.rs256_carnet), peer: rate(r.rs256_peer), ratio: ratio(rate(r.rs256_carnet), rate(r.rs256_peer)) },
  baked: { carnet: rate(r.baked_carnet), peer: rate(r.baked_peer), ratio: ratio(rate(r.baked_carnet), rate(r.baked_peer)) },
  all_files_whole_process_per_second: rate(r.all_whole),
  import: r.import || null, vault: r.vault || null, present: r.present || null, sizes: r.sizes || null,
  app: r.app || null, raw: r,
};
fs.writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
const rows = [
  ['Data Integrity, Carnet (library, 1 thread)', carnetDi, '/s'],
  ['Data Integrity, peer (1 warm Node process)', rate(r.di_peer), '/s'],
  ['  ratio per core', summary.di.ratio_per_core, 'x'],
  ['Data Integrity, carnet verify (whole process)', rate(r.di_whole), '/s'],
  ['  ratio whole process / peer', summary.di.ratio_whole_process, 'x'],
  ['VC-JWT EdDSA, Carnet / peer', `${rate(r.jwt_carnet)} / ${rate(r.jwt_peer) ?? `n/a (${valid(r.jwt_peer)})`}`, '/s'],
  ['VC-JWT RS256, Carnet / peer', `${rate(r.rs256_carnet)} / ${rate(r.rs256_peer) ?? `n/a (${valid(r.rs256_peer)})`}`, '/s'],
  ['baked PNG+SVG, Carnet / peer', `${rate(r.baked_carnet)} / ${rate(r.baked_peer) ?? `n/a (${valid(r.baked_peer)})`}`, '/s'],
  ['all files, carnet verify (whole process)', rate(r.all_whole), '/s'],
  ['import into a fresh wallet', r.import && r.import.import_per_second, '/s'],
  ['  CPU time per credential (all threads; load-independent)', r.import && r.import.import_cpu_ms_per_credential, 'ms'],
  ['  peak RSS (the whole benchmark process)', r.import && r.import.peak_rss_mb, 'MB'],
  ['  importing the same folder again', r.import && r.import.reimport_seconds, 's'],
  ['    vs the first time', r.import && +(r.import.reimport_seconds / r.import.import_seconds).toFixed(3), 'x'],
  ['list p50 / p95 (page of 50)', r.import && `${r.import.list_p50_ms} / ${r.import.list_p95_ms}`, 'ms'],
  ['search p50 / p95', r.import && `${r.import.search_p50_ms} / ${r.import.search_p95_ms}`, 'ms'],
  ['unlock + first page of 100 (index built), without key derivation', r.import && r.import.unlock_first_page_without_kdf_ms, 'ms'],
  ['  first frame (page, facets, collections, 20 pictures)', r.import && r.import.first_frame_ms, 'ms'],
  ['  Argon2id at the default cost, apart', r.import && r.import.argon2_default_ms, 'ms'],
  ['vault of 10,000 ~3 KB records: unlock (incl. Argon2id) / Argon2id alone', r.vault && `${r.vault.unlock_ms} / ${r.vault.kdf_ms}`, 'ms'],
  ['  decrypt and list all 10,000', r.vault && r.vault.list_all_ms, 'ms'],
  ['sign a 10-credential presentation (DI / JWT)', r.present && `${r.present.present_10_di_ms} / ${r.present.present_10_jwt_ms}`, 'ms'],
  ['carnet binary (release)', r.sizes && r.sizes.carnet_bytes && (r.sizes.carnet_bytes / 1e6).toFixed(1), 'MB'],
  ['app binary (release)', (r.sizes && r.sizes.app_bytes && (r.sizes.app_bytes / 1e6).toFixed(1)) || 'not built', 'MB'],
  ['app idle memory (PSS, app + WebKit processes)', (r.app && r.app.idle_pss_mb) || 'not measured', 'MB'],
];
console.log(`Carnet benchmarks — ${summary.date}, commit ${commit}, ${cores} cores, corpus of ${count}`);
console.log('| measure | value | unit |\n|---|---:|---|');
for (const [k, v, u] of rows) console.log(`| ${k} | ${v ?? 'n/a'} | ${u} |`);
console.log(`(JSON: ${out})`);
EOF
rm -f "$results"
