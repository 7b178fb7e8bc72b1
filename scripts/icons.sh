#!/usr/bin/env bash
# Regenerates every icon in icons/ (PNG sizes, .ico, .icns, Windows Store logos) from icons/source.svg.
# Needs rsvg-convert (Debian: librsvg2-bin) and npm; the Tauri CLI comes from the npm registry.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rsvg-convert -w 1024 -h 1024 "$root/icons/source.svg" -o "$work/source.png"
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @tauri-apps/cli@2.12.5)
(cd "$work" && npx tauri icon source.png -o out >/dev/null)
cp "$work"/out/{32x32.png,64x64.png,128x128.png,128x128@2x.png,icon.png,icon.icns,icon.ico,Square*.png,StoreLogo.png} "$root/icons/"
cp "$root/icons/64x64.png" "$root/ui/public/favicon.png"
cp "$root/icons/source.svg" "$root/ui/public/logo.svg"
echo "icons regenerated in $root/icons"
