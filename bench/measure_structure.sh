#!/bin/sh
# measure_structure.sh [OUTDIR]: the structured-matrix tables of docs/benchmarks.md (chapter
# section 10.6), JSON lines into OUTDIR (default docs/data); then `python3
# scripts/bench_tables.py --update docs/benchmarks.md`. About six minutes on two cores; run it
# on an otherwise idle machine (OpenMP teams stall when the other core is busy).
#   families.jsonl  4096×4096, n = 256 and n = 1, 1 and 2 threads, three rounds: dense, random
#                   90% (CSR), block 16×16 at 50%, 2:4, low-rank r = 32, butterfly, Monarch 64
#                   blocks, circulant (with its raw FFTW peer)
#   struct_targets.jsonl  the issue's other target cases, three rounds: Monarch n = 1..16 at
#                   K = 1024 and 4096 (never slower than dense), circulant n = 1 at K = 1024 and
#                   16384 on one thread (against sgemv and raw FFTW)
#   ffn.jsonl       the Monarch FFN against the dense FFN, d = 1024, n = 256, b = 4..32
#   budget.jsonl    structure against sparsity at equal budgets: prune-eval --budget F on the
#                   three models, output layers kept dense
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/docs/data}
lacuna=${LACUNA:-$src/build/release/tools/lacuna}
data=${LACUNA_DATA:-$src/../shared/data/nn}
mkdir -p "$out"
mm() { "$lacuna" bench mm --m 4096 --k 4096 --json "$@"; }
: >"$out/families.jsonl"
for t in 1 2; do
    for round in 1 2 3; do
        for n in 256 1; do
            mm --n $n --threads $t --format dense
            mm --n $n --threads $t --format csr --density 0.1 --optimize
            mm --n $n --threads $t --format bsr --block 16 --density 0.5
            mm --n $n --threads $t --format nm --nm 2:4
            mm --n $n --threads $t --format lowrank --rank 32
            mm --n $n --threads $t --format butterfly
            mm --n $n --threads $t --format monarch --blocks 64
            mm --n $n --threads $t --format circulant
        done
    done
done >>"$out/families.jsonl"
: >"$out/struct_targets.jsonl"
for round in 1 2 3; do
    for t in 1 2; do
        for kk in 1024 4096; do
            for n in 1 2 4 8 16; do
                "$lacuna" bench mm --format monarch --m $kk --k $kk --n $n --threads $t --json
            done
        done
    done
    for kk in 1024 16384; do
        "$lacuna" bench mm --format circulant --m $kk --k $kk --n 1 --threads 1 --json
    done
done >>"$out/struct_targets.jsonl"
: >"$out/ffn.jsonl"
for t in 1 2; do
    for round in 1 2 3; do
        for b in 4 8 16 32; do
            "$lacuna" bench ffn --d 1024 --n 256 --blocks $b --threads $t --json
        done
    done
done >>"$out/ffn.jsonl"
: >"$out/budget.jsonl"
for f in 0.5 0.25 0.1; do
    for fam in unstructured block16 nm rows lowrank monarch; do
        pe() { "$lacuna" prune-eval "$@" --pattern $fam --budget $f --data "$data" --json || true; }
        pe mnist-mlp --layers fc1.weight
        pe lenet5 --layers convnet.c1.weight,convnet.c3.weight,convnet.c5.weight,fc.f6.weight
        pe stories260k
    done
done >>"$out/budget.jsonl"
echo "measure_structure: JSON lines in $out (families, ffn, budget)"
