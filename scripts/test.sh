#!/usr/bin/env bash
# Runs every test: the same set-up as run.sh plus the test tools, then formatting, lints, Rust tests,
# UI checks and tests, and the end-to-end tests in a real window under Xvfb. Stops at the first failure.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

LOGS="$ROOT/tests/artifacts/logs"
mkdir -p "$LOGS"
started=$(date +%s)
step() { say "[$(( $(date +%s) - started ))s] $*"; }
# Desktop-session chatter from the private D-Bus session (portals, accessibility bus, keyring daemon, PipeWire)
# that says nothing about Carnet: kept in the logs, left off the screen.
NOISE='dbus-daemon\[|xdg-desktop-portal|Gtk-WARNING|SpiRegistry|GNOME_KEYRING|pw\.conf|max threads value|^\s*$'
# Runs a step, keeping its full output in a log for the summary; a failing step ends the run with its name.
run_logged() {
  local name=$1; shift
  if ! "$@" 2>&1 | tee "$LOGS/$name.log" | { grep -vE "$NOISE" || true; }; then
    die "step '$name' failed (log: tests/artifacts/logs/$name.log)"
  fi
}
export NO_AT_BRIDGE=1

step "set-up"
ensure_toolchains
ensure_packages "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_npm_deps "$ROOT/ui"
ensure_npm_deps "$ROOT/tests"
# The Learner Credential Wallet's VPQR decoder and a QR reader, pinned (wallet-core/tests/it/qr.rs; mandatory
# under CARNET_REQUIRE_PEER=1 below).
ensure_npm_deps "$ROOT/tests/interop/vpqr"
# The independent verifier Carnet's verdicts are compared with (cli/tests/interop.rs).
CARNET_PEER_DIR=$("$ROOT/scripts/peer-setup.sh" | tail -1)
export CARNET_PEER_DIR CARNET_REQUIRE_PEER=1
ensure_tauri_driver

step "cargo fmt --check"
run_logged fmt cargo fmt --all -- --check

step "UI build (the app embeds it)"
build_ui

step "cargo clippy -D warnings"
run_logged clippy cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust tests (bindings freshness, real keyring in a private D-Bus session, crash and disk-full tests, verification corpora, peer verifier)"
export CARNET_REQUIRE_KEYRING=1
# The disk-full test mounts a small tmpfs, which needs root (CI runs as root); elsewhere it says it skipped.
[ "$(id -u)" -eq 0 ] && export CARNET_REQUIRE_TMPFS=1
run_logged rust-tests "$ROOT/scripts/with-keyring.sh" cargo test --workspace --quiet

step "svelte-check"
run_logged svelte-check npm --prefix ui run --silent check

step "UI tests (Vitest)"
run_logged ui-tests npm --prefix ui run --silent test

step "printable portfolio page in headless Chromium (no network request, inert, A4 and Letter PDFs)"
run_logged page node --test --test-reporter=spec tests/page/*.test.mjs

step "building the app for the end-to-end tests (debug, and the optimised build the run command starts)"
cargo build -p carnet-app --quiet
cargo build -p carnet-app --profile app --quiet

step "end-to-end tests (tauri-driver + WebKitWebDriver, Xvfb, D-Bus session)"
run_logged e2e dbus-run-session -- xvfb-run -a -s "-screen 0 1280x860x24" \
  node --test --test-concurrency=1 --test-reporter=spec tests/e2e/*.spec.mjs

# Summary: the runners' own closing lines, then one total.
strip() { sed -E 's/\x1b\[[0-9;]*m//g' "$1"; }
rust_pass=$(grep -hoE 'test result: ok\. [0-9]+ passed' "$LOGS/rust-tests.log" | awk '{s+=$4} END {print s+0}')
ui_pass=$(strip "$LOGS/ui-tests.log" | grep -oE 'Tests +[0-9]+ passed' | awk '{print $2}' | tail -1)
page_pass=$(strip "$LOGS/page.log" | grep -oE '^ℹ pass [0-9]+' | awk '{print $3}' | tail -1)
e2e_pass=$(strip "$LOGS/e2e.log" | grep -oE '^ℹ pass [0-9]+' | awk '{print $3}' | tail -1)
e2e_fail=$(strip "$LOGS/e2e.log" | grep -oE '^ℹ fail [0-9]+' | awk '{print $3}' | tail -1)
echo
say "summary after $(( $(date +%s) - started ))s"
echo "  Rust:  ${rust_pass:-0} passed (cargo test --workspace)"
echo "  UI:    ${ui_pass:-0} passed (vitest), svelte-check clean"
echo "  Page:  ${page_pass:-0} passed (node --test, headless Chromium); screenshots and PDFs in tests/artifacts/page/"
echo "  E2E:   ${e2e_pass:-0} passed, ${e2e_fail:-0} failed (node --test, real window); screenshots in tests/artifacts/e2e/"
echo "total: $(( ${rust_pass:-0} + ${ui_pass:-0} + ${page_pass:-0} + ${e2e_pass:-0} )) passed, ${e2e_fail:-0} failed"
