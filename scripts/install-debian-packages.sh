#!/usr/bin/env bash
# Install the Debian packages the reports need, when they are missing:
#   fonts-noto-cjk       Chinese, Japanese and Korean names in charts and PDF (not boxes)
#   libharfbuzz-subset0  weasyprint subsets fonts with it; without it a PDF with a CJK
#                        font takes seconds longer (fontTools fallback)
# Runs from `make setup`. As root it installs them; otherwise it says how. It never fails
# the set-up: reports still render without them, with boxes for CJK names.
set -u
wanted=(fonts-noto-cjk libharfbuzz-subset0)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the reports: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
     || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }; then
    exit 0
  fi
  echo "warning: could not install ${missing[*]}; CJK names may show as boxes and PDFs render slower" >&2
else
  echo "note: for CJK names and faster PDFs, install: sudo apt-get install ${missing[*]}" >&2
fi
exit 0
