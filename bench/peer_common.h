// peer_common.h: what the compiled peers (peer_eigen.cpp, peer_rsb.c) share: options, a Matrix
// Market reader (plain or gzip) into CSR, the operands, the check against a double-precision
// reference, the timing harness, the measured thread count and the JSON line (lacuna-bench/1,
// op "peer"). Independent of lacuna: the peers link only their library, zlib and OpenMP.
#ifndef LACUNA_PEER_COMMON_H
#define LACUNA_PEER_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEER_MAX_LIST 16

// Command line: PEER [--n N[,N...]] [--threads T] [--reps R] [--warmup W] [--seed S]
//                    [--err-vectors V] [--name NAME] [--tune-rounds R] [--tune-time S]
//                    FILE.mtx[.gz]
// Every n is one case and one JSON line; the file is read once. One thread count per process
// (see peer_pin_threads).
typedef struct peer_opts {
    const char *path, *name; // name: as lacuna names a file (base name less .gz and .mtx)
    int64_t n[PEER_MAX_LIST];
    int nn;
    int threads; // default 1
    int reps;    // 0: automatic, as lacuna bench mm (10; 3.. when slow, up to 50 when fast)
    int warmup;  // >= 1 (the first warm-up run is the probe of the automatic reps)
    uint64_t seed;
    int err_vectors;  // vectors checked against the reference (default 4)
    int tune_rounds;  // for peers with an autotuner (librsb): rounds (default 1)
    double tune_time; // and seconds per round (default 0: the library's choice)
} peer_opts;

// Parses argv; on bad input prints "PEER: ..." on stderr and returns false.
bool peer_parse(const char *peer, int argc, char **argv, peer_opts *o);
// Makes the whole OpenMP runtime of this process run `threads` threads: unless OMP_NUM_THREADS
// already says so, sets it and executes this program again (libgomp reads it when it loads;
// librsb keeps the pool it found at rsb_lib_init even when told fewer executing threads, and
// its extra thread then spins). Returns false after a message when that fails.
bool peer_pin_threads(int threads, char **argv);

// A CSR matrix: rows sorted by column, duplicates summed, symmetric and skew-symmetric files
// expanded to both triangles, pattern entries 1. int32 indices (the peers' libraries want them).
typedef struct peer_csr {
    int32_t m, k;
    int32_t nnz;
    int32_t *ptr; // m + 1
    int32_t *col;
    float *val;
} peer_csr;

// Reads a Matrix Market coordinate file (real, integer or pattern; general, symmetric or
// skew-symmetric), plain or gzip. Returns false after a message on stderr.
bool peer_mtx_read(const char *path, peer_csr *a);
void peer_csr_free(peer_csr *a);

// count floats uniform in [-1, 1) from a seed (splitmix64), the same on every platform.
void peer_fill(float *x, int64_t count, uint64_t seed);
// 64-byte aligned, zero-filled floats; NULL after a message when memory runs out.
float *peer_alloc(int64_t count);

// Checks Y (m×n row-major) = A·X (X k×n row-major) on `nv` evenly spaced vectors against a
// double-precision reference: every entry within (len_i + 2)·eps·Σ|a_ij·x_j| of it. Sets
// *max_rel_err = max|Y − Y_ref| / max|Y_ref| over the checked vectors; returns false (after a
// message) when an entry misses its bound.
bool peer_check(const peer_csr *a, int64_t n, const float *x, const float *y, int nv,
                double *max_rel_err);

typedef struct peer_timing {
    double median_s, min_s, p90_s;
    int reps, warmup;
} peer_timing;

// Runs fn(ctx) warmup times, the first as a probe that sets the repetitions when reps is 0,
// then times each repetition (CLOCK_MONOTONIC): median (mean of the middle two for an even
// count), min, p90 (the ceil(0.9·reps)-th, never below the median). fn returns false on failure.
typedef bool (*peer_fn)(void *ctx);
bool peer_time(peer_fn fn, void *ctx, int warmup, int reps, peer_timing *t);

// Runs fn(ctx) for at least min_s seconds and counts the threads of this process that were on
// a CPU for at least a quarter of that time (/proc/self/task/*/schedstat): the threads the
// library really used. *cpu_util = CPU time of all threads / wall time. -1 when unreadable.
void peer_threads_used(peer_fn fn, void *ctx, double min_s, int *used, double *cpu_util);

double peer_now(void);
// "AMD EPYC ..." from /proc/cpuinfo.
const char *peer_cpu_name(void);

// One JSON line, built with these and printed by peer_json_end.
typedef struct peer_json {
    char buf[4096];
    size_t len;
} peer_json;
void peer_json_begin(peer_json *j, const char *peer, const peer_opts *o, const peer_csr *a,
                     int64_t n, int threads);
void peer_json_str(peer_json *j, const char *key, const char *val);
void peer_json_num(peer_json *j, const char *key, double val); // NaN, Inf: null
void peer_json_int(peer_json *j, const char *key, int64_t val);
// Adds the timing, error and derived fields, closes the object, prints it on stdout.
void peer_json_end(peer_json *j, const peer_csr *a, int64_t n, const peer_timing *t,
                   double max_rel_err, int nv);

#ifdef __cplusplus
}
#endif

#endif // LACUNA_PEER_COMMON_H
