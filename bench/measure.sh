#!/bin/sh
# measure.sh [OUTDIR]: the measurements docs/benchmarks.md is generated from, besides the peers
# (bench/peers.sh): the sparsity-paradox report, CSR at 90% sparsity at one and two threads,
# the read bandwidth, and SpMV on a matrix of 4× the L3 with stream measured around it. JSON
# lines into OUTDIR (default docs/data); then `python3 scripts/bench_tables.py --update
# docs/benchmarks.md`. About two minutes on two cores.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/docs/data}
lacuna=${LACUNA:-$src/build/release/tools/lacuna}
mkdir -p "$out"
"$lacuna" report --json "$out/report.jsonl" >/dev/null
: >"$out/stream.jsonl"
for t in 1 2; do "$lacuna" bench stream --threads "$t" --json >>"$out/stream.jsonl"; done
: >"$out/csr_density0.1.jsonl"
for t in 1 2; do
    for opt in "" --optimize; do
        # shellcheck disable=SC2086
        "$lacuna" bench mm --format csr --density 0.1 --m 4096 --k 4096 --n 256 --threads "$t" \
            $opt --json >>"$out/csr_density0.1.jsonl"
    done
done
# SpMV beyond the L3 (65536² at 0.5%: 172 MB of CSR), stream before and after at each count,
# three rounds (the targets table takes the median run, each against its own streams).
: >"$out/spmv_large.jsonl"
for _ in 1 2 3; do
    for t in 1 2; do
        "$lacuna" bench stream --threads "$t" --json >>"$out/spmv_large.jsonl"
        for opt in "" --optimize; do
            # shellcheck disable=SC2086
            "$lacuna" bench mm --m 65536 --k 65536 --density 0.005 --n 1 --threads "$t" $opt \
                --json >>"$out/spmv_large.jsonl"
        done
        "$lacuna" bench stream --threads "$t" --json >>"$out/spmv_large.jsonl"
    done
done
echo "measure: JSON lines in $out"
