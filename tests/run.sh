#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# README's test command and .ci/run both call this script; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the browser tests, Virtuoso for the remote-store tests,
# Java for owlready2's HermiT reasoner; OpenRefine as the real reconciliation client.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/share/openrefine/refine ] || missing+=(openrefine)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -e /usr/include/unicode/translit.h ] || missing+=(libicu-dev)  # PyICU builds against it
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# Python packages, in a virtual environment of the checkout.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
