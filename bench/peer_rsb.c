// peer_rsb.c: the librsb peer of bench/peers.sh: Y = A·X with A in librsb's Recursive Sparse
// Blocks format, autotuned for this product before timing, X K×n row-major, Y overwritten
// (beta = 0), at the requested thread count; one lacuna-bench/1 line (op "peer") per n.
//
// The process runs `threads` OpenMP threads in all (peer_pin_threads: OMP_NUM_THREADS, since
// librsb keeps the pool it finds at rsb_lib_init) and librsb is told the same
// (RSB_IO_WANT_EXECUTING_THREADS, read back). Per n: the matrix, built once from CSR, is cloned
// and the clone tuned by
// rsb_tune_spmm for this n at this fixed thread count (a positive *tnp: the structure is tuned,
// not the thread count); tune_s is that call's wall time. The product is rsb_spmm (row-major
// operands, ldB = ldC = n), or rsb_spmv when n = 1.
#define _POSIX_C_SOURCE 200809L
#include "peer_common.h"

#include <omp.h>
#include <rsb.h>
#include <stdlib.h>

typedef struct rsb_case {
    struct rsb_mtx_t *a;
    int64_t n;
    const float *x;
    float *y;
} rsb_case;

static const float one = 1.0f, zero = 0.0f;

static bool rsb_ok(rsb_err_t err, const char *what) {
    if (err == RSB_ERR_NO_ERROR) return true;
    char msg[256];
    rsb_strerror_r(err, msg, sizeof msg);
    fprintf(stderr, "librsb: %s: %s\n", what, msg);
    return false;
}

static bool run(void *vctx) {
    const rsb_case *c = vctx;
    if (c->n == 1)
        return rsb_ok(rsb_spmv(RSB_TRANSPOSITION_N, &one, c->a, c->x, 1, &zero, c->y, 1),
                      "rsb_spmv");
    rsb_coo_idx_t n = (rsb_coo_idx_t)c->n;
    return rsb_ok(rsb_spmm(RSB_TRANSPOSITION_N, &one, c->a, n, RSB_FLAG_WANT_ROW_MAJOR_ORDER, c->x,
                           n, &zero, c->y, n),
                  "rsb_spmm");
}

// One case: clone, tune, check, time, print. False on failure.
static bool measure(const peer_opts *o, const peer_csr *csr, struct rsb_mtx_t *base, int64_t n,
                    const float *x, float *y) {
    int threads = o->threads;
    rsb_int_t want = threads, got = 0;
    if (!rsb_ok(rsb_lib_set_opt(RSB_IO_WANT_EXECUTING_THREADS, &want), "set threads")) return false;
    struct rsb_mtx_t *a = NULL;
    if (!rsb_ok(rsb_mtx_clone(&a, RSB_NUMERICAL_TYPE_SAME_TYPE, RSB_TRANSPOSITION_N, NULL, base,
                              RSB_FLAG_IDENTICAL_FLAGS),
                "rsb_mtx_clone"))
        return false;
    bool ok = false;
    size_t bytes_before = 0, bytes_after = 0;
    rsb_blk_idx_t leaves_before = 0, leaves_after = 0;
    rsb_mtx_get_info(a, RSB_MIF_TOTAL_SIZE__TO__SIZE_T, &bytes_before);
    rsb_mtx_get_info(a, RSB_MIF_LEAVES_COUNT__TO__RSB_BLK_INDEX_T, &leaves_before);
    // Tuning replaces *&a by a better matrix when it finds one (and frees the old one).
    rsb_real_t speedup = 0;
    rsb_int_t tn = threads;
    struct rsb_mtx_t *before = a;
    rsb_coo_idx_t nr = (rsb_coo_idx_t)n;
    double t0 = peer_now();
    if (!rsb_ok(rsb_tune_spmm(&a, &speedup, &tn, o->tune_rounds, o->tune_time, RSB_TRANSPOSITION_N,
                              &one, NULL, nr, RSB_FLAG_WANT_ROW_MAJOR_ORDER, x, nr, &zero, y, nr),
                "rsb_tune_spmm"))
        goto done;
    double tune_s = peer_now() - t0;
    bool changed = a != before;
    rsb_mtx_get_info(a, RSB_MIF_TOTAL_SIZE__TO__SIZE_T, &bytes_after);
    rsb_mtx_get_info(a, RSB_MIF_LEAVES_COUNT__TO__RSB_BLK_INDEX_T, &leaves_after);
    // The thread count in force for the timed runs, set again and read back.
    want = threads;
    if (!rsb_ok(rsb_lib_set_opt(RSB_IO_WANT_EXECUTING_THREADS, &want), "set threads") ||
        !rsb_ok(rsb_lib_get_opt(RSB_IO_WANT_EXECUTING_THREADS, &got), "get threads"))
        goto done;
    rsb_case c = {a, n, x, y};
    double err = 0;
    peer_timing t;
    int used;
    double util;
    if (!run(&c) || !peer_check(csr, n, x, y, o->err_vectors, &err) ||
        !peer_time(run, &c, o->warmup, o->reps, &t))
        goto done;
    peer_threads_used(run, &c, 0.1, &used, &util);
    peer_json j;
    peer_json_begin(&j, "librsb", o, csr, n, threads);
    peer_json_str(&j, "version", "librsb " RSB_LIBRSB_VER_STRING);
    peer_json_str(&j, "routine", n == 1 ? "rsb_spmv" : "rsb_spmm");
    peer_json_int(&j, "lib_threads", got);
    peer_json_int(&j, "threads_used", used);
    peer_json_num(&j, "cpu_util", util);
    peer_json_num(&j, "tune_s", tune_s);
    peer_json_num(&j, "tune_speedup", speedup); // as librsb declares it
    peer_json_int(&j, "tune_rounds", o->tune_rounds);
    peer_json_num(&j, "tune_time", o->tune_time);
    peer_json_str(&j, "tuned", changed ? "new structure" : "kept");
    peer_json_int(&j, "leaves_before", leaves_before);
    peer_json_int(&j, "leaves", leaves_after);
    peer_json_int(&j, "bytes_before", (int64_t)bytes_before);
    peer_json_int(&j, "bytes", (int64_t)bytes_after);
    peer_json_end(&j, csr, n, &t, err, o->err_vectors);
    ok = true;
done:
    rsb_mtx_free(a);
    return ok;
}

int main(int argc, char **argv) {
    peer_opts o;
    if (!peer_parse("librsb", argc, argv, &o)) return 2;
    if (!peer_pin_threads(o.threads, argv)) return 1;
    omp_set_num_threads(o.threads);
    peer_csr csr;
    if (!peer_mtx_read(o.path, &csr)) return 1;
    if (!rsb_ok(rsb_lib_init(RSB_NULL_INIT_OPTIONS), "rsb_lib_init")) return 1;
    rsb_err_t err = RSB_ERR_NO_ERROR;
    struct rsb_mtx_t *base = rsb_mtx_alloc_from_csr_const(
        csr.val, csr.ptr, csr.col, csr.nnz, RSB_NUMERICAL_TYPE_FLOAT, csr.m, csr.k,
        RSB_DEFAULT_ROW_BLOCKING, RSB_DEFAULT_COL_BLOCKING, RSB_FLAG_DEFAULT_RSB_MATRIX_FLAGS,
        &err);
    int rc = base && rsb_ok(err, "rsb_mtx_alloc_from_csr_const") ? 0 : 1;
    for (int in = 0; in < o.nn && rc == 0; in++) {
        int64_t n = o.n[in];
        float *x = peer_alloc((int64_t)csr.k * n), *y = peer_alloc((int64_t)csr.m * n);
        if (!x || !y) rc = 1;
        if (x) peer_fill(x, (int64_t)csr.k * n, o.seed + (uint64_t)n);
        if (rc == 0 && !measure(&o, &csr, base, n, x, y)) rc = 1;
        free(x);
        free(y);
    }
    rsb_mtx_free(base);
    rsb_lib_exit(RSB_NULL_EXIT_OPTIONS);
    peer_csr_free(&csr);
    return rc;
}
