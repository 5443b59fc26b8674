#!/usr/bin/env bash
# Load-independent profile of `analyze`: instructions per byte and per stage, counted by
# callgrind (valgrind). Wall and CPU time on a shared 2-core machine move with the neighbours'
# load; instruction counts do not, so before/after comparisons of a change use this.
#
#   tools/bench/instructions.sh [DIR] [BINARY]      # default: a 300-document sample of out/scale
#
# The figure is marginal: DIR is analysed once and twice in one process, and the difference is
# the cost of analysing DIR with start-up (lexicons, Hunspell, RE2 compilation, RE2's lazily
# built reverse programs) taken out. Cost: about a minute for 1.5 MB.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-}
bin=${2:-$root/build/sagsindeks}
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
[ -x "$bin" ] || { echo "instructions.sh: $bin not built; cmake --build build first" >&2; exit 2; }
if [ -z "$dir" ]; then
  [ -d "$root/out/scale" ] || "$root/build/gen_corpus" --out "$root/out/scale" --n 2000 --seed 1 >/dev/null
  dir=$root/out/bench/sample300
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    find "$root/out/scale" -type f | sort | head -300 | while read -r f; do cp "$f" "$dir/"; done
  fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$tmp/one.out" "$bin" analyze --jsonl -j1 "$dir" >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$tmp/two.out" "$bin" analyze --jsonl -j1 "$dir" "$dir" >/dev/null 2>&1
bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
docs=$(find "$dir" -type f | wc -l)
python3 - "$tmp/one.out" "$tmp/two.out" "$bytes" "$docs" <<'PY'
import re, subprocess, sys
def load(path):
    out = subprocess.run(['callgrind_annotate', '--inclusive=yes', '--threshold=100', path],
                         capture_output=True, text=True, check=True).stdout
    d = {}
    for line in out.split('\n'):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+\?*:?(.*?)(?:\(| \[)', line)
        if m:
            d.setdefault(m.group(2).replace('[abi:cxx11]', '').strip(), int(m.group(1).replace(',', '')))
    return d
one, two = load(sys.argv[1]), load(sys.argv[2])
nbytes, ndocs = int(sys.argv[3]), int(sys.argv[4])
diff = {k: two[k] - one.get(k, 0) for k in two}
total = diff.get('main', max(diff.values()))
print(f'{ndocs} documents, {nbytes / 1e6:.2f} MB: {total / 1e6:.0f} M instructions, '
      f'{total / nbytes:.0f} per byte, {total / ndocs / 1e3:.0f} k per document')
stages = ['sagsindeks::read_input', 'sagsindeks::prepare', 'sagsindeks::normalize_text', 'sagsindeks::decode_text',
          'sagsindeks::extract_all', 'sagsindeks::TypeClassifier::features', 'sagsindeks::to_json',
          'sagsindeks::render_json']
stages += sorted(k for k in diff if re.match(r'sagsindeks::\w+Extractor::run$', k))
print(f'{"stage":44} {"M instr":>9} {"per byte":>9} {"share":>6}')
for k in stages:
    if k in diff:
        print(f'{k.replace("sagsindeks::", ""):44} {diff[k] / 1e6:9.1f} {diff[k] / nbytes:9.1f} {100 * diff[k] / total:5.1f}%')
PY
