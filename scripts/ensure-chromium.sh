#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing (never a downloaded browser).
# Needs root or passwordless sudo; without either it says so and the browser tests are skipped.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "Chromium absent et pas de droits root : installez le paquet Debian « chromium »." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
