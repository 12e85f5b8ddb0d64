#!/bin/sh
# fuzz.sh SECONDS BUILD_DIR: builds the libFuzzer targets with clang (ASan + UBSan) in BUILD_DIR
# and runs each for SECONDS on a copy of its seed corpus (tests/fuzz/corpus/<target>); new inputs
# and findings stay under BUILD_DIR/fuzz-work, never in the repository. Exits non-zero when a
# target finds a crash, a leak, a timeout or a failed invariant.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 SECONDS BUILD_DIR" >&2
    exit 2
fi
seconds=$1
build=$2
root=$(cd "$(dirname "$0")/.." && pwd)
# Every tests/fuzz/fuzz_*.c is a target (a format's issue adds its constructor's target there).
targets=$(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//' | tr '\n' ' ')

CC=${CC:-clang}
export CC
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLC_FUZZ=ON -DLC_OPENMP=OFF -DLC_BUILD_TESTS=OFF -DLC_BUILD_TOOLS=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target $targets

work=$(cd "$build" && pwd)/fuzz-work
failed=""
for t in $targets; do
    dir="$work/$t"
    mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
    # The seeds join whatever earlier runs found (kept between runs to build coverage up).
    cp "$root/tests/fuzz/corpus/$t/"* "$dir/corpus/"
    dict=""
    case $t in
    fuzz_mtx) dict="-dict=$root/tests/fuzz/mtx.dict" ;;
    fuzz_npy) dict="-dict=$root/tests/fuzz/npy.dict" ;;
    esac
    echo "fuzz.sh: $t for ${seconds}s"
    # shellcheck disable=SC2086
    if ! TMPDIR="$dir/tmp" OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" $dict "$dir/corpus" \
        >"$dir/log.txt" 2>&1; then
        failed="$failed $t"
        tail -n 60 "$dir/log.txt" >&2
    fi
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$dir/log.txt" ||
        true
done

if [ -n "$failed" ]; then
    echo "fuzz.sh: findings in:$failed (inputs in $work/<target>/artifacts)" >&2
    exit 1
fi
echo "fuzz.sh: no findings (${seconds}s per target)"
