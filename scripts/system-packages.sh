#!/usr/bin/env bash
# Installs the Debian packages Flock needs, once: Chromium for browser tests, HarfBuzz subsetting
# and a CJK font for PDFs, gettext for translations, wrk for benchmarks.
set -euo pipefail
packages=(chromium libharfbuzz-subset0 fonts-wqy-microhei gettext wrk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
