#!/usr/bin/env bash
# Debian's Chromium for the browser test (tests/test_browser.py drives /usr/bin/chromium with Playwright).
# Playwright's own browser builds are never downloaded (no `playwright install`).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser.sh: no apt-get here; install Chromium at /usr/bin/chromium (or set GAIT_CHROMIUM)" \
         "to run the browser test, which is skipped until then" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install_browser.sh: installing Debian's chromium (apt-get) for the browser test" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
