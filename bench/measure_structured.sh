#!/bin/sh
# measure_structured.sh [OUTDIR]: the structured-sparsity measurements of docs/benchmarks.md
# (block sparse and N:M against dense OpenBLAS and against random sparsity at the same density),
# JSON lines into OUTDIR (default docs/data); then `python3 scripts/bench_tables.py --update
# docs/benchmarks.md`. About five minutes on two cores.
#   structured.jsonl  4096×4096, n = 256: BSR tiles 4..32, 2:4 and 1:4 (v = 1, 4), CSR, at
#                     50/75/90% sparsity; the issue's target cases five times (the host's
#                     noise; the tables take the median)
#   decode.jsonl      8192×8192 (2:4: > 4× the L3), n = 1: 2:4, 1:4, BSR 16×16 at 50%, dense,
#                     2:4 with the AVX2 kernels (what a Zen 3 machine runs), with
#                     `bench stream` before and after each round, three rounds per thread count
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/docs/data}
lacuna=${LACUNA:-$src/build/release/tools/lacuna}
mkdir -p "$out"
mm() { "$lacuna" bench mm --m 4096 --k 4096 --n 256 --optimize --json "$@"; }
: >"$out/structured.jsonl"
for t in 1 2; do
    for round in 1 2 3 4 5; do # the targets
        for b in 16 32; do
            for d in 0.5 0.1; do mm --format bsr --block $b --density $d --threads $t; done
        done
        for v in 1 4; do mm --format nm --nm 2:4 --nm-rows $v --threads $t; done
    done >>"$out/structured.jsonl"
    {
        for b in 4 8; do
            for d in 0.5 0.1; do mm --format bsr --block $b --density $d --threads $t; done
        done
        for d in 0.5 0.25 0.1; do mm --format csr --density $d --threads $t; done
        mm --format bsr --block 16 --density 0.25 --threads $t
        for v in 1 4; do mm --format nm --nm 1:4 --nm-rows $v --threads $t; done
    } >>"$out/structured.jsonl"
done
: >"$out/decode.jsonl"
for t in 1 2; do
    for round in 1 2 3; do
        "$lacuna" bench stream --threads $t --json
        for f in "nm --nm 2:4" "nm --nm 2:4 --nm-rows 4" "nm --nm 1:4" "bsr --block 16 --density 0.5" \
            dense "nm --nm 2:4 --isa avx2" "nm --nm 2:4 --nm-rows 4 --isa avx2"; do
            # shellcheck disable=SC2086
            "$lacuna" bench mm --format $f --m 8192 --k 8192 --n 1 --threads $t --json
        done
        "$lacuna" bench stream --threads $t --json
    done >>"$out/decode.jsonl"
done
echo "measure_structured: JSON lines in $out"
