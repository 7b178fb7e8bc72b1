#!/usr/bin/env bash
# Runs the Carnet desktop app: installs what is missing, builds the UI and the app, then opens the window
# on the default wallet (~/.local/share/carnet, or CARNET_DATA_DIR when set). Safe to run again and again.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

ensure_toolchains
ensure_packages "${APP_PACKAGES[@]}"
ensure_npm_deps "$ROOT/ui"
build_ui
# The optimised build (profile `app`: release without link-time optimisation, see Cargo.toml): the learner's app
# imports and verifies at full speed. The first build takes several minutes on two cores; later ones are quick.
say "building the app (cargo build -p carnet-app --profile app; the first build takes several minutes)"
cargo build -p carnet-app --profile app --quiet --manifest-path "$ROOT/Cargo.toml"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display (neither DISPLAY nor WAYLAND_DISPLAY is set): Carnet is a desktop app; run it in a graphical session, or use the 'carnet' CLI"
fi
say "starting Carnet (data folder: ${CARNET_DATA_DIR:-the system default})"
exec "$CARGO_TARGET_DIR/app/carnet-app"
