#!/usr/bin/env bash
# Verification throughput of Carnet and of the peer verifier (Digital Bazaar's, ../shared/interop) on the same files,
# in one run, and their ratio. Default files: the peer corpus's seven valid JSON-LD credentials. Usage:
#   scripts/bench-verify.sh [--seconds T] [FILE...]
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/carnet-target}

seconds=10
if [ "${1:-}" = "--seconds" ]; then seconds=$2; shift 2; fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  for f in ob3-vc2-di-eddsa-rdfc-2022 ob3-vc2-di-achievementcredential ob3-vc11-ed25519signature2020 \
    ob3-vc11-ctx300-ed25519signature2020 ob3-vc2-endorsementcredential ob3-vc2-di-rich ob3-vc11-ed25519signature2020-rich; do
    files+=("$ROOT/../shared/fixtures/peer-corpus/$f.json")
  done
fi
peer=$("$ROOT/scripts/peer-setup.sh" | tail -1)
say "Carnet (release build, one thread)…" >&2
carnet=$(cd "$ROOT" && cargo bench --quiet -p wallet-core --bench verify -- --seconds "$seconds" "${files[@]}" | tail -1)
say "peer (Node $(node --version), one thread)…" >&2
peerjs=$(node "$ROOT/tests/interop/bench-peer.mjs" --peer "$peer" --now 2025-01-01T00:00:00Z --seconds "$seconds" "${files[@]}")
echo "carnet: $carnet"
echo "peer:   $peerjs"
node -e 'const [a, b] = process.argv.slice(1).map(JSON.parse);
  console.log(`ratio:  Carnet verifies ${(a.per_second / b.per_second).toFixed(2)}x as many credentials per second as the peer`)' \
  "$carnet" "$peerjs"
