#!/bin/sh
# measure_accuracy.sh [OUTDIR]: the accuracy table of docs/benchmarks.md: every pruning pattern
# at the chapter's sparsities on the three real models (`lacuna prune-eval --json`, forward pass
# timed 5 times, median), and for the MNIST models the same patterns fine-tuned on test images
# 0..4999 and scored on 5000..9999. JSON lines into OUTDIR/accuracy.jsonl (default docs/data);
# then `python3 scripts/bench_tables.py --update docs/benchmarks.md`. About three minutes on
# two cores.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/docs/data}
lacuna=${LACUNA:-$src/build/release/tools/lacuna}
data=${LACUNA_DATA:-$src/../shared/data/nn}
mkdir -p "$out"
patterns="dense unstructured:0.5 unstructured:0.75 unstructured:0.9 block16:0.5 block16:0.75
block64:0.5 block64:0.75 nm:2:4 nm:2:4:v4 rows:0.5"
: >"$out/accuracy.jsonl"
for model in mnist-mlp lenet5 stories260k; do
    for p in $patterns; do
        "$lacuna" prune-eval $model --pattern "$p" --data "$data" --reps 5 --json
    done
done >>"$out/accuracy.jsonl"
for model in mnist-mlp lenet5; do
    for p in $patterns; do
        "$lacuna" prune-eval $model --pattern "$p" --data "$data" --finetune --json
    done
done >>"$out/accuracy.jsonl"
echo "measure_accuracy: JSON lines in $out/accuracy.jsonl"
