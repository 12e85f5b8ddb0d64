#!/bin/sh
# deps.sh [--bench]: make sure the Debian packages lacuna needs are installed. As root, installs
# the missing ones; otherwise names them and stops. Used by every Makefile target.
#   (no option)  what build, test, report and fuzz need
#   --bench      also the peers of bench/peers.sh (scipy, Eigen, librsb); `make test` never
#                needs them
set -eu

# Build tools, the libraries lacuna links, the test framework, clang's libFuzzer, and python3
# for the bench-JSON checker and the docs' table generator.
packages="gcc make cmake pkg-config libopenblas-openmp-dev liblapacke-dev libfftw3-dev
zlib1g-dev libcmocka-dev clang libclang-rt-14-dev python3"

# The peers measured by bench/peers.sh: scipy.sparse, Eigen (header-only, built with g++ and
# OpenMP), librsb, and the OpenMP OpenBLAS runtime they share with lacuna.
bench_packages="python3-scipy python3-numpy libeigen3-dev librsb-dev g++ libopenblas0-openmp"

case "${1:-}" in
"") ;;
--bench) packages="$packages $bench_packages" ;;
*)
    echo "usage: scripts/deps.sh [--bench]" >&2
    exit 2
    ;;
esac

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "deps: installing$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing
    else
        echo "deps: missing Debian packages:$missing" >&2
        echo "deps: install them as root: apt-get install$missing" >&2
        exit 1
    fi
fi

# lacuna and OpenBLAS must share one OpenMP thread pool: the pthreads build keeps spinning
# threads that steal cores from lacuna's parallel regions.
libdir=$(pkg-config --variable=libdir openblas 2>/dev/null || true)
case "$libdir" in
*openmp*) ;;
*)
    echo "deps: pkg-config's openblas is not the OpenMP build ($libdir)." >&2
    echo "deps: select it: update-alternatives --config libopenblas.so.0-x86_64-linux-gnu" >&2
    exit 1
    ;;
esac
