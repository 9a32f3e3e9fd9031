#!/usr/bin/env bash
# Headless Chromium and chromedriver for the web desk's browser tests (crates/settle-web/tests/
# browser.rs), for CI (root on a fresh Debian machine with only the Rust toolchain) and for
# developers. Installs Debian's `chromium` and `chromium-driver` (and CJK fonts, so that the
# Chinese pages' screenshots show their characters) when they are missing; does nothing when
# both are there. Exits non-zero when it cannot install them: the browser tests then say NOT RUN.
set -euo pipefail

say() { echo "ci-chromium: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

if have chromium && have chromedriver; then
    say "chromium and chromedriver are installed ($(chromium --version 2>/dev/null || echo '?'))"
    exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! have apt-get; then
    say "chromium or chromedriver is missing and this is not root on Debian: install chromium and chromium-driver"
    exit 1
fi
say "installing chromium, chromium-driver and fonts-noto-cjk from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk >&2
have chromium && have chromedriver
say "installed $(chromium --version 2>/dev/null || echo chromium)"
