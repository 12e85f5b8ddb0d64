#!/bin/sh
# peers.sh [--threads T[,T...]] [--rounds R] [--quick] [--only SET[,SET...]] [--lacuna PATH]
#          [--keep-mtx] OUTDIR
#
# Measures lacuna beside the sparse libraries people use (scipy.sparse, Eigen, librsb) and dense
# OpenBLAS, on the same matrices at the same thread counts, and writes lacuna-bench/1 JSON lines:
#   OUTDIR/lacuna.jsonl   lacuna bench mm --json, plain and --optimize (each with its dense
#                         OpenBLAS peer, dense_time_s, timed in the same process)
#   OUTDIR/scipy.jsonl, eigen.jsonl, librsb.jsonl   the peers (bench/peer_*), op "peer"
#   OUTDIR/stream.jsonl   lacuna bench stream, for the bandwidth fractions
#   OUTDIR/peers.jsonl    all of the above; OUTDIR/peers.md the tables; OUTDIR/peers.log
# The peer programs are built into OUTDIR/bin, random matrices written (lacuna gen) to
# OUTDIR/mtx and removed after use unless --keep-mtx; real matrices are read where they are.
#
# Cases (the issue's): random 4096×4096 at 50/70/90/95/99% sparsity and a power-law 4096×4096
# at 95%, each at n = 1, 8, 64, 256; every matrix in ../shared/data/mtx at n = 1 and 64; each
# at every thread count (default 1 and 2). --quick: 1024×1024 at 90%, a power-law 1024×1024 at
# 95% and olm1000, n = 1 and 64, 5 repetitions (a test of the plumbing, not a measurement).
# Repetitions are otherwise automatic on every side (lacuna bench mm's rule: 10, down to 3 when
# a run is slow, up to 50 when it is fast).
# --rounds R (default 3; 1 with --quick): the SpMV cases (n = 1) are measured R times over, every
# side once per round in turn, and the tables take each side's fastest round. Those products
# take microseconds, so one process can land wholly inside a stretch where the host slows it
# (both vCPUs on one core: a 2-thread time doubles; a freshly loaded matrix running 25-50% slow
# for its first second); interleaved rounds give every side the same chances. The SpMM cases
# (n >= 8) win or lose by far more than that and run once.
# The full run takes about 11 minutes on 2 cores (7 for the random matrices, 4 for the rest);
# --only uniform|powerlaw|real|stream runs part of it (to keep each heavy stretch short on a
# shared machine), appending to OUTDIR's files instead of starting them afresh.
#
# Needs the peers' packages (scripts/deps.sh --bench) and /usr/bin/python3 with scipy (PYTHON
# overrides it); lacuna itself from build/release unless --lacuna names the binary.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: peers.sh [--threads T[,T...]] [--rounds R] [--quick] [--only SET[,SET...]]
                [--lacuna PATH] [--keep-mtx] OUTDIR"
threads="1,2" quick=0 lacuna="" keep=0 out="" only="" rounds=""
while [ $# -gt 0 ]; do
    case "$1" in
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    --lacuna) lacuna=${2:?--lacuna needs a value}; shift 2 ;;
    --lacuna=*) lacuna=${1#*=}; shift ;;
    --keep-mtx) keep=1; shift ;;
    --only) only=${2:?--only needs a value}; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    -*) echo "peers: unknown option $1 ($usage)" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "peers: one OUTDIR only" >&2; exit 2; }; out=$1; shift ;;
    esac
done
[ -n "$out" ] || { echo "$usage" >&2; exit 2; }
case "$threads" in
*[!0-9,]* | "" | ,* | *,) echo "peers: bad --threads '$threads'" >&2; exit 2 ;;
esac
if [ -z "$rounds" ]; then
    rounds=3
    [ "$quick" -eq 1 ] && rounds=1
fi
case "$rounds" in
"" | *[!0-9]* | 0*) echo "peers: bad --rounds '$rounds' (a count >= 1)" >&2; exit 2 ;;
esac
for s in $(echo "$only" | tr ',' ' '); do
    case "$s" in
    uniform | powerlaw | real | stream) ;;
    *) echo "peers: bad --only '$s'" >&2; exit 2 ;;
    esac
done
# wanted SET: true when --only is absent or names SET.
wanted() { [ -z "$only" ] || echo ",$only," | grep -q ",$1,"; }
python=${PYTHON:-/usr/bin/python3}
data=$src/../shared/data/mtx

# ---- prerequisites ----
missing=""
[ -f /usr/include/rsb.h ] || missing="$missing librsb-dev"
[ -f /usr/include/eigen3/Eigen/Sparse ] || missing="$missing libeigen3-dev"
"$python" -c 'import scipy.sparse' 2>/dev/null || missing="$missing python3-scipy"
command -v g++ >/dev/null || missing="$missing g++"
if [ -n "$missing" ]; then
    echo "peers: missing:$missing (install them: scripts/deps.sh --bench, as root)" >&2
    exit 1
fi
if [ -z "$lacuna" ]; then
    lacuna=$src/build/release/tools/lacuna
    if [ ! -x "$lacuna" ]; then
        cmake -S "$src" -B "$src/build/release" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$src/build/release" -j"$(nproc)" >/dev/null
    fi
fi
[ -x "$lacuna" ] || { echo "peers: no lacuna binary at $lacuna" >&2; exit 1; }

mkdir -p "$out/bin" "$out/mtx"
log=$out/peers.log
: >"$log"
# A full run starts the files afresh; --only adds to them.
for f in lacuna scipy eigen librsb stream peers; do
    if [ -z "$only" ] || [ ! -f "$out/$f.jsonl" ]; then : >"$out/$f.jsonl"; fi
done

# ---- the peer programs (never into the source tree) ----
bin=$out/bin
gcc -std=c11 -O2 -Wall -Wextra -c "$src/bench/peer_common.c" -o "$bin/peer_common.o"
# shellcheck disable=SC2046
gcc -std=c11 -O3 -march=native -fopenmp -Wall -Wextra "$src/bench/peer_rsb.c" \
    "$bin/peer_common.o" $(pkg-config --cflags --libs librsb) -lz -lm -o "$bin/peer_rsb"
# Eigen's headers as system headers: their own warnings are not ours.
g++ -std=c++17 -O3 -march=native -fopenmp -DNDEBUG -Wall -Wextra \
    -isystem /usr/include/eigen3 "$src/bench/peer_eigen.cpp" "$bin/peer_common.o" -lz -lm \
    -o "$bin/peer_eigen"

# ---- the cases ----
t_start=$(date +%s)
say() { echo "peers: [$(($(date +%s) - t_start)) s] $*"; }

# run FILE.jsonl CMD...: appends CMD's stdout to FILE, its stderr to the log; stops on failure.
run() {
    dest=$1
    shift
    echo "+ $*" >>"$log"
    if ! "$@" >>"$dest" 2>>"$log"; then
        echo "peers: failed: $* (see $log)" >&2
        tail -n 5 "$log" >&2
        exit 1
    fi
}

reps=""
[ "$quick" -eq 1 ] && reps="--reps 5"

# measure FILE NS MATRIX_OPTIONS...: every side on one matrix, for each n of the comma list
# NS and each thread count; n = 1 in $rounds interleaved rounds (see --rounds), the other n in
# one. lacuna reads the same matrix from its options (a random one is regenerated, identical to
# FILE) and prints one line per n; the peers read FILE.
measure() {
    file=$1 ns=$2
    shift 2
    spmv="" spmm=""
    for n in $(echo "$ns" | tr ',' ' '); do
        if [ "$n" -eq 1 ]; then spmv=1; else spmm="$spmm${spmm:+,}$n"; fi
    done
    for t in $(echo "$threads" | tr ',' ' '); do
        if [ -n "$spmv" ]; then
            r=1
            while [ "$r" -le "$rounds" ]; do
                say "$(basename "$file") n=1 threads=$t round $r/$rounds"
                sides "$file" 1 "$t" "$@"
                r=$((r + 1))
            done
        fi
        if [ -n "$spmm" ]; then
            say "$(basename "$file") n=$spmm threads=$t"
            sides "$file" "$spmm" "$t" "$@"
        fi
    done
}

# sides FILE NS T MATRIX_OPTIONS...: lacuna (plain and --optimize), Eigen, librsb and scipy,
# once each, at T threads for each n of NS.
sides() {
    file=$1 ns=$2 t=$3
    shift 3
    for n in $(echo "$ns" | tr ',' ' '); do
        # shellcheck disable=SC2086
        run "$out/lacuna.jsonl" "$lacuna" bench mm --json --threads "$t" --n "$n" $reps "$@"
        # shellcheck disable=SC2086
        run "$out/lacuna.jsonl" "$lacuna" bench mm --json --optimize --threads "$t" \
            --n "$n" $reps "$@"
    done
    # shellcheck disable=SC2086
    run "$out/eigen.jsonl" "$bin/peer_eigen" --threads "$t" --n "$ns" $reps "$file"
    # shellcheck disable=SC2086
    run "$out/librsb.jsonl" "$bin/peer_rsb" --threads "$t" --n "$ns" $reps "$file"
    # shellcheck disable=SC2086
    run "$out/scipy.jsonl" "$python" "$src/bench/peer_scipy.py" --threads "$t" --n "$ns" \
        $reps "$file"
}

# random_case PATTERN SIZE DENSITY NS: a matrix written by lacuna gen, measured, then removed.
random_case() {
    spec="--pattern $1 --m $2 --k $2 --density $3 --seed 1"
    # shellcheck disable=SC2086
    file=$("$lacuna" gen $spec "$out/mtx/")
    # shellcheck disable=SC2086
    measure "$file" "$4" $spec
    [ "$keep" -eq 1 ] || rm -f "$file"
}

if [ "$quick" -eq 1 ]; then
    if wanted uniform; then random_case uniform 1024 0.1 1,64; fi
    if wanted powerlaw; then random_case powerlaw 1024 0.05 1,64; fi
    if wanted real; then measure "$data/olm1000.mtx" 1,64 --mtx "$data/olm1000.mtx"; fi
    stream_mb=64
else
    if wanted uniform; then
        for d in 0.5 0.3 0.1 0.05 0.01; do random_case uniform 4096 "$d" 1,8,64,256; done
    fi
    if wanted powerlaw; then random_case powerlaw 4096 0.05 1,8,64,256; fi
    if wanted real; then
        for f in "$data"/*.mtx "$data"/*.mtx.gz; do
            if [ -f "$f" ]; then measure "$f" 1,64 --mtx "$f"; fi
        done
    fi
    stream_mb=1024
fi
if wanted stream; then
    for t in $(echo "$threads" | tr ',' ' '); do
        run "$out/stream.jsonl" "$lacuna" bench stream --json --threads "$t" --size-mb "$stream_mb"
    done
fi

# ---- collect, check, tabulate ----
cat "$out/lacuna.jsonl" "$out/scipy.jsonl" "$out/eigen.jsonl" "$out/librsb.jsonl" \
    "$out/stream.jsonl" >"$out/peers.jsonl"
checker=$src/../shared/tools/check-bench-json
if [ -x "$checker" ]; then
    if ! "$checker" <"$out/peers.jsonl" >>"$log"; then
        echo "peers: the JSON lines do not follow lacuna-bench/1 ($log)" >&2
        exit 1
    fi
fi
{
    "$python" "$src/scripts/bench_tables.py" peers "$out/peers.jsonl"
    echo
    "$python" "$src/scripts/bench_tables.py" paradox-peers "$out/peers.jsonl"
} >"$out/peers.md"
cat "$out/peers.md"
say "done: $out/peers.jsonl, $out/peers.md"
