#!/usr/bin/env bash
# Browser tests drive Debian's chromium (never a downloaded browser). Install it, with CJK
# fonts so Chinese renders, when it is missing and we may use apt; otherwise say why the
# browser tests will be skipped.
set -u
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing chromium, fonts-noto-cjk and poppler-utils (Debian) for the browser and document tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null) \
    || echo "!! could not install chromium: browser tests will be skipped" >&2
else
  echo "!! /usr/bin/chromium missing and apt-get not usable as this user: browser tests will be skipped" >&2
  echo "   (as root: apt-get install chromium fonts-noto-cjk)" >&2
fi
exit 0
