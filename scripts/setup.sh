#!/usr/bin/env bash
# Set up Launch Ready on a fresh machine: a virtualenv in .venv with the project installed.
#   bash scripts/setup.sh          the operator tools (launchready plan, verify, ...)
#   bash scripts/setup.sh --test   also the test tools, and Debian's knot (the DNSSEC test server)
# Safe to run again: it only installs what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=1 ;;
    *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
  esac
done

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  echo "setup: Python 3.11 is required (python3.11 or python3 on PATH)" >&2
  exit 2
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

quiet=(--quiet --disable-pip-version-check)
if [ "$with_tests" = 1 ]; then
  .venv/bin/pip install "${quiet[@]}" -e '.[test]'
  if ! command -v knotd >/dev/null 2>&1 || ! command -v keymgr >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq knot knot-dnsutils >/dev/null
  fi
else
  .venv/bin/pip install "${quiet[@]}" -e .
fi
