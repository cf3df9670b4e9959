#!/bin/sh
# Installs what the test suite needs: the Python packages of requirements-test.txt and
# Debian's Chromium for the browser tests (Playwright drives it; its own download is not used).
set -eu
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi
chromium --version
