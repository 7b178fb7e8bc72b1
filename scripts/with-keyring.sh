#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a freshly unlocked gnome-keyring (a real Secret Service),
# whose files live in a temporary folder, so keyring tests never touch the user's own keyring.
set -euo pipefail
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export CARNET_KEYRING_HOME="$keyring_home"
dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$CARNET_KEYRING_HOME/data" XDG_CONFIG_HOME="$CARNET_KEYRING_HOME/config"
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
  export $(printf carnet-test | gnome-keyring-daemon --unlock --components=secrets)
  exec "$@"' bash "$@"
