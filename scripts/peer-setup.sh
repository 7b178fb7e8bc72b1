#!/usr/bin/env bash
# Installs the peer verifiers (../shared/interop, Digital Bazaar's VC stack) and the peer OpenID4VCI / VC-API issuer
# (../shared/interop/oid4vci, its own npm package) into a writable cache folder and prints that folder as the last
# line on stdout; npm ci runs only when a package-lock.json changed, so a warm run is instant.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

SRC="${CARNET_SHARED:-$ROOT/../shared}/interop"
DIR=${CARNET_PEER_DIR:-/var/tmp/carnet-peer}
[ -f "$SRC/package-lock.json" ] || die "no peer verifiers at $SRC (set CARNET_SHARED to the shared folder)"
SRC=$(cd "$SRC" && pwd)
command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js 20 first"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# Tests may call this in parallel: one set-up at a time, the others wait and then find it done.
exec 9>"$DIR/.carnet-setup.lock"
flock 9

# Fingerprint of a peer folder's own files (not node_modules, not our stamps), to see whether the copy is current.
tree_hash() {
  (cd "$1" && find . -type f ! -path '*/node_modules/*' ! -name '.carnet-*' -print0 | LC_ALL=C sort -z \
    | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)
}
if [ "$(tree_hash "$SRC")" != "$(tree_hash "$DIR")" ]; then
  say "copying the peer verifiers from $SRC to $DIR" >&2
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name '.carnet-*' -exec rm -rf {} +
  cp -r "$SRC/." "$DIR/"
  chmod -R u+w "$DIR" # shared/ has no write bits, and npm ci writes next to the copied files
fi
ensure_npm_deps "$DIR" >&2
# The issuer the offer tests run (cli/tests/offer.rs, wallet-core/tests/it/offer.rs: CARNET_PEER_DIR/oid4vci).
[ -f "$DIR/oid4vci/package-lock.json" ] || die "no peer issuer at $SRC/oid4vci"
ensure_npm_deps "$DIR/oid4vci" >&2
echo "$DIR"
