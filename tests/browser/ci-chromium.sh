#!/usr/bin/env bash
# Headless Chromium and chromedriver for the browser tests (tests/browser, crates/settle-browser),
# for CI (root on a fresh Debian machine with only the Rust toolchain) and for developers.
#
#   tests/browser/ci-chromium.sh     installs Debian's chromium and chromium-driver when either
#                                    is missing (needs root), and says which versions are there
#
# Idempotent: what is installed is not installed again. Without them the browser tests report
# themselves as NOT RUN; they never pass silently. Progress goes to stderr.
set -euo pipefail

say() { echo "ci-chromium: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

browser() {
    local b
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        if have "$b"; then
            command -v "$b"
            return 0
        fi
    done
    return 1
}

if browser >/dev/null && have chromedriver; then
    say "already installed: $("$(browser)" --version 2>/dev/null | head -n 1), $(chromedriver --version | head -n 1)"
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    say "Chromium or chromedriver is missing and installing them needs root; the browser tests will say NOT RUN"
    exit 1
fi
say "installing chromium, chromium-driver and CJK fonts for the Chinese pages (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk >&2
if ! browser >/dev/null || ! have chromedriver; then
    say "apt-get ran, but chromium or chromedriver is still not on PATH"
    exit 1
fi
say "installed: $("$(browser)" --version 2>/dev/null | head -n 1), $(chromedriver --version | head -n 1)"
