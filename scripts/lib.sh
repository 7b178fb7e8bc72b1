# Shared set-up for scripts/run.sh and scripts/test.sh: installs what is missing, idempotently, and says so.
# Sourced, not run. Expects ROOT to be set to the repository root.

set -euo pipefail

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'carnet: %s\n' "$*" >&2; exit 1; }

# Debian packages the desktop app needs to build and run (Tauri 2 on Linux).
APP_PACKAGES=(libwebkit2gtk-4.1-dev build-essential file pkg-config libssl-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev)
# Extra packages for the tests: a virtual display, the WebKit WebDriver, a D-Bus session, a Secret Service
# (gnome-keyring) for the keyring tests, screenshots, a headless Chromium for the printable page (tests/page/), and a
# terminal multiplexer for the CLI's terminal prompts (cli/tests/offer.rs).
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver dbus dbus-x11 x11-utils imagemagick gnome-keyring libsecret-tools
  chromium tmux)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "installing system packages needs root; install sudo or run as root: $*"
  fi
}

ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all ${#} present"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: this script supports Debian and Ubuntu"
  say "installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_toolchains() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (https://rustup.rs) first"
  command -v node >/dev/null 2>&1 || die "node not found: install Node.js 20.19 or later first"
  local v
  v=$(node -p 'process.versions.node')
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js $v is too old: Vite needs 20.19 or later"
  say "toolchains: $(cargo --version | cut -d' ' -f1-2), node $v"
}

# npm ci only when package-lock.json changed since the last install (keeps re-runs fast).
ensure_npm_deps() {
  local dir=$1 stamp hash
  stamp="$dir/node_modules/.carnet-lock.sha256"
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    say "npm packages in ${dir#"$ROOT"/}: up to date"
    return
  fi
  say "installing npm packages in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" > "$stamp"
}

build_ui() {
  say "building the UI (Vite)"
  (cd "$ROOT/ui" && npm run --silent build -- --logLevel warn)
}

TAURI_DRIVER_VERSION=2.1.0
ensure_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if command -v tauri-driver >/dev/null 2>&1 && cargo install --list | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then
    say "tauri-driver $TAURI_DRIVER_VERSION: present"
    return
  fi
  say "installing tauri-driver $TAURI_DRIVER_VERSION (cargo install, about a minute)"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION" --quiet
}

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
