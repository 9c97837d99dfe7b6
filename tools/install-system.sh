#!/usr/bin/env bash
# Install the Debian packages the project needs, once: the browsers of the end-to-end tests
# (Chromium; Firefox ESR, driven over WebDriver BiDi; WebKitGTK's MiniBrowser and WebKitWebDriver,
# Safari's engine, on an Xvfb display) and PostgreSQL (server storage tests). Skips apt entirely when they are already there.
set -euo pipefail
packages=(chromium firefox-esr webkit2gtk-driver xvfb postgresql fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
