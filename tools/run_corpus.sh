#!/usr/bin/env bash
# The main job on the bundled corpus: set up (packages, build), analyse every document into
# out/analysis.jsonl, score it against the gold annotations, and load it into out/corpus.db.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
mkdir -p out
docs=(corpus/seeds/docs corpus/dev/docs)
status=0
./build/sagsindeks analyze --jsonl "${docs[@]}" > out/analysis.jsonl || status=$?
echo "analysis records: out/analysis.jsonl ($(wc -l < out/analysis.jsonl) documents)"
cat corpus/seeds/gold.jsonl corpus/dev/gold.jsonl > out/gold.jsonl
echo
echo "Evaluation against the gold annotations (sagsindeks evaluate):"
./build/sagsindeks evaluate out/gold.jsonl out/analysis.jsonl
echo
echo "Type, cross-validated (sagsindeks train --out /dev/null):"
./build/sagsindeks train --out /dev/null corpus/seeds/gold.jsonl corpus/dev/gold.jsonl | sed -n '2p'
echo
./build/sagsindeks ingest out/corpus.db "${docs[@]}" || status=$?
echo
./build/sagsindeks search out/corpus.db 'frikommune*' --facets --limit 5 || true
exit "$status"
