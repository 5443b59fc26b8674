#!/usr/bin/env bash
# Installs the Debian packages sagsindeks needs (as root, or with sudo) and builds it into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(build-essential cmake pkg-config libicu-dev libre2-dev libhunspell-dev hunspell-da
          nlohmann-json3-dev libsqlite3-dev libstemmer-dev libssl-dev libgtest-dev libbenchmark-dev
          libmimalloc-dev clang libclang-rt-14-dev python3 libxml2-dev libzip-dev libpoppler-cpp-dev
          libgmime-3.0-dev libtesseract-dev libleptonica-dev tesseract-ocr-dan libpng-dev libjpeg-dev
          valgrind)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
