#!/usr/bin/env bash
# Runs the whole test suite (unit, golden, corpus evaluation floors, CLI) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/sagsindeks ] || ./tools/setup.sh
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
