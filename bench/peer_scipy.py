#!/usr/bin/python3
# peer_scipy.py: the scipy peer of bench/peers.sh: Y = A @ X with A a scipy.sparse CSR matrix
# (float32) and X a K×n C-ordered float32 ndarray (a 1-D vector when n = 1), one lacuna-bench/1
# line (op "peer") per n.
#
# scipy.sparse multiplies in one thread (its C++ csr_matvec for a vector, csr_matvecs for a
# matrix, no OpenMP), whatever --threads says: the line keeps the threads asked, for the table,
# and threads_used reports what ran (measured, as the compiled peers do: threads of this process
# on a CPU for a quarter of a 0.1 s loop). `A @ X` is the public call and allocates its result
# on every call, as user code does; that allocation is part of the time.
"""usage: peer_scipy.py [--n N[,N...]] [--threads T] [--reps R] [--warmup W] [--seed S]
                     [--err-vectors V] [--name NAME] FILE.mtx[.gz]"""
import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import scipy
import scipy.io
import scipy.sparse

# The automatic repetitions of lacuna bench mm (tools/bench_mm_run.c).
AUTO_REPS, AUTO_MIN_REPS, AUTO_MAX_REPS, AUTO_BUDGET_S, AUTO_MIN_S = 10, 3, 50, 1.5, 0.2
EPS = float(np.finfo(np.float32).eps)


def fail(msg):
    sys.exit(f"scipy: {msg}")


def auto_reps(secs):
    if secs * AUTO_REPS > AUTO_BUDGET_S:
        return AUTO_MIN_REPS if secs * AUTO_MIN_REPS >= AUTO_BUDGET_S else int(AUTO_BUDGET_S / secs)
    if secs * AUTO_REPS < AUTO_MIN_S:
        return AUTO_MAX_REPS if secs * AUTO_MAX_REPS <= AUTO_MIN_S else int(AUTO_MIN_S / secs)
    return AUTO_REPS


def timing(fn, warmup, reps):
    """Median (mean of the middle two for an even count), min, p90 as lacuna's harness."""
    for w in range(max(warmup, 1)):
        t0 = time.perf_counter()
        fn()
        if w == 0 and reps == 0:
            reps = auto_reps(time.perf_counter() - t0)
    s = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        s.append(time.perf_counter() - t0)
    s.sort()
    med = s[reps // 2] if reps % 2 else 0.5 * (s[reps // 2 - 1] + s[reps // 2])
    p90 = max(s[math.ceil(0.9 * reps) - 1], med)
    return med, s[0], p90, reps, max(warmup, 1)


def task_times():
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                out[tid] = int(f.read().split()[0])
        except OSError:
            pass
    return out


def threads_used(fn, min_s=0.1):
    before = task_times()
    t0 = time.perf_counter()
    fn()
    while time.perf_counter() - t0 < min_s:
        fn()
    wall = time.perf_counter() - t0
    after = task_times()
    deltas = [ns - before.get(tid, 0) for tid, ns in after.items()]
    return sum(d >= 0.25 * wall * 1e9 for d in deltas), sum(deltas) / (wall * 1e9)


def fill(count, seed):
    """Uniform [-1, 1) float32 (24-bit values, like the compiled peers' splitmix64 stream)."""
    rng = np.random.default_rng(seed)
    return ((rng.integers(0, 1 << 24, size=count) - (1 << 23)) / float(1 << 23)).astype(np.float32)


def check(a, x, y, n, nv):
    """Every checked entry within (len_i + 2)·eps·Σ|a_ij·x_j| of a float64 reference."""
    nv = min(nv, n)
    a64 = a.astype(np.float64)
    abs64 = abs(a64)
    lens = np.diff(a.indptr).astype(np.float64)
    diff = big = 0.0
    for t in range(nv):
        j = t * n // nv
        xj = x[:, j].astype(np.float64) if n > 1 else x.astype(np.float64)
        yj = y[:, j] if n > 1 else y
        ref = a64 @ xj
        bound = (lens + 2) * EPS * (abs64 @ abs(xj)) + np.finfo(np.float32).tiny
        d = np.abs(yj.astype(np.float64) - ref)
        bad = np.nonzero(~(d <= bound))[0]
        if bad.size:
            i = bad[0]
            fail(f"wrong result: Y[{i}][{j}] = {yj[i]}, reference {ref[i]} (bound {bound[i]:.3g})")
        diff = max(diff, float(d.max(initial=0)))
        big = max(big, float(np.abs(ref).max(initial=0)))
    return (diff / big if big > 0 else diff), nv


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def name_of(path):
    base = os.path.basename(path)
    if base.endswith(".gz"):
        base = base[:-3]
    if base.endswith(".mtx"):
        base = base[:-4]
    return base


def main():
    ap = argparse.ArgumentParser(prog="peer_scipy.py", usage=__doc__)
    ap.add_argument("--n", default="1")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--err-vectors", type=int, default=4)
    ap.add_argument("--name")
    ap.add_argument("path")
    o = ap.parse_args()
    try:
        ns = [int(v) for v in o.n.split(",")]
    except ValueError:
        fail(f"--n: bad list '{o.n}'")
    if any(n < 1 for n in ns) or o.threads < 1 or o.reps < 0:
        fail("--n, --threads must be >= 1, --reps >= 0")
    # mmread: symmetric and skew files expanded, pattern entries 1; CSR sums duplicates.
    a = scipy.sparse.csr_matrix(scipy.io.mmread(o.path), dtype=np.float32)
    a.sum_duplicates()
    a.sort_indices()
    m, k = a.shape
    name = o.name or name_of(o.path)
    for n in ns:
        x = fill(k * n, o.seed + n)
        x = x if n == 1 else x.reshape(k, n)
        y = a @ x
        if y.dtype != np.float32:
            fail(f"result dtype {y.dtype}, expected float32")
        err, nv = check(a, x, y, n, o.err_vectors)
        med, tmin, p90, reps, warm = timing(lambda: a @ x, o.warmup, o.reps)
        used, util = threads_used(lambda: a @ x)
        density = a.nnz / (m * k) if m * k else 0.0
        line = {"schema": "lacuna-bench/1", "op": "peer", "peer": "scipy", "matrix": name,
                "path": o.path, "m": m, "k": k, "n": n, "layout": "cols", "nnz": int(a.nnz),
                "density": density, "sparsity": 1 - density, "threads": o.threads,
                "cpu": cpu_name(), "beta": 0,
                "version": f"scipy {scipy.__version__} numpy {np.__version__}",
                "routine": "csr_matrix @ ndarray (csr_matvec)" if n == 1
                else "csr_matrix @ ndarray (csr_matvecs)",
                "lib_threads": 1, "threads_used": used, "cpu_util": round(util, 6),
                "reps": reps, "warmup": warm, "time_s": med, "time_min_s": tmin,
                "time_p90_s": p90, "gflops": 2.0 * a.nnz * n / med * 1e-9,
                "max_rel_err": err, "err_vectors": nv}
        print(json.dumps(line, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
