#!/bin/sh
# measure_models.sh [OUTDIR]: the real-model tables of docs/benchmarks.md.
# accuracy.jsonl: every pruning pattern
# at the chapter's sparsities on the three real models (`lacuna prune-eval --json`, forward pass
# timed 5 times, median), and for the MNIST models the same patterns fine-tuned on test images
# 0..4999 and scored on 5000..9999.
# prune_eval_time.jsonl: one plain prune-eval per model and pattern (the time limits).
# generate.jsonl: `lacuna generate stories260k` from BOS (256 tokens), 7 runs at 1 and at 2
# threads, dense, 2:4-pruned and every weight CSR.
# JSON lines into OUTDIR (default docs/data); then `python3 scripts/bench_tables.py --update
# docs/benchmarks.md`. About four minutes on two cores.
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
# The issue's time limits: one plain configuration per command (one evaluation each side).
: >"$out/prune_eval_time.jsonl"
for model in mnist-mlp lenet5 stories260k; do
    for p in unstructured:0.9 block16:0.5 nm:2:4 rows:0.5; do
        "$lacuna" prune-eval $model --pattern "$p" --data "$data" --json
    done
done >>"$out/prune_eval_time.jsonl"
gen() { "$lacuna" generate stories260k --data "$data" --json "$@"; }
: >"$out/generate.jsonl"
for t in 1 2; do
    for round in 1 2 3 4 5 6 7; do
        gen --threads $t
        gen --threads $t --pattern nm:2:4
        gen --threads $t --format csr
    done
done >>"$out/generate.jsonl"
echo "measure_models: JSON lines in $out (accuracy, prune_eval_time, generate)"
