#!/usr/bin/env bash
# Install a CJK font so that Chinese, Japanese and Korean names render in charts and PDF.
# Runs from `make setup`; never fails the set-up, only says what is missing.
set -u
if fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's fonts-noto-cjk for Chinese, Japanese and Korean names…"
  if (apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1; }); then
    exit 0
  fi
  echo "warning: could not install fonts-noto-cjk; CJK names will show as boxes" >&2
else
  echo "note: no CJK font found; CJK names will show as boxes. Install one with: sudo apt-get install fonts-noto-cjk" >&2
fi
exit 0
