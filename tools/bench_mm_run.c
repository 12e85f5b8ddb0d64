// bench_mm_run.c: one `bench mm` measurement: Y = A·X (beta = 0) by lacuna in format F (after
// lc_mat_optimize with --optimize) and by CBLAS on the same matrix stored dense, same threads,
// same timing harness; then the error of both against a double-precision reference.
#include "tool.h"
#include "formats/monarch/monarch.h"
#include "core/mat.h"
#include "formats/circulant/circulant.h"
#include "formats/csr/csr.h"

#include <math.h>
#include <string.h>

// Above this the dense peer is skipped (and the dense format refused).
#define DENSE_MAX_BYTES ((int64_t)4 << 30)
// Automatic repetitions, per side: 10; fewer (down to 3) when a run is slow, so each side stays
// near AUTO_BUDGET_S; more (up to 50) when runs are so short that 10 would take under AUTO_MIN_S.
#define AUTO_REPS     10
#define AUTO_MIN_REPS 3
#define AUTO_MAX_REPS 50
#define AUTO_BUDGET_S 1.5
#define AUTO_MIN_S    0.2
// Multiply-adds the reference may spend (all vectors when nnz·n fits, else a subset).
#define REF_BUDGET ((int64_t)1 << 29)

void tool_mm_defaults(tool_mm_opts *o) {
    *o = (tool_mm_opts){.format = LC_FORMAT_CSR,
                        .n = 256,
                        .layout = LC_LAYOUT_COLS,
                        .threads = tool_cpu_count(),
                        .reps = 0,
                        .warmup = 2,
                        .isa = -1};
    tool_random_defaults(&o->rnd);
}

typedef struct lacuna_ctx {
    const lc_mat *a;
    lc_layout layout;
    int64_t n, ldx, ldy;
    const float *x;
    float *y;
    void *work;
    size_t work_size;
} lacuna_ctx;

static lc_status run_lacuna(void *vctx) {
    const lacuna_ctx *c = vctx;
    // beta = 0: Y is overwritten, so every repetition does the same work.
    return lc_mat_mm_ws(c->a, c->layout, c->n, 1.0f, c->x, c->ldx, 0.0f, c->y, c->ldy, c->work,
                        c->work_size);
}

typedef struct dense_ctx {
    lc_layout layout;
    int64_t m, k, n;
    const float *a, *x;
    float *y;
} dense_ctx;

static lc_status run_dense(void *vctx) {
    const dense_ctx *c = vctx;
    tool_dense_mm(c->layout, c->m, c->k, c->n, c->a, c->x, c->y);
    return LC_OK;
}

// One untimed run that also says how long a run takes (the first warm-up).
static lc_status probe(lc_status (*fn)(void *), void *ctx, double *secs) {
    double t0 = lci_now();
    lc_status st = fn(ctx);
    *secs = lci_now() - t0;
    return st;
}

// Repetitions for runs of `secs` each (the slower of lacuna and the dense peer).
static int auto_reps(double secs) {
    if (secs * AUTO_REPS > AUTO_BUDGET_S)
        return secs * AUTO_MIN_REPS >= AUTO_BUDGET_S ? AUTO_MIN_REPS : (int)(AUTO_BUDGET_S / secs);
    if (secs * AUTO_REPS < AUTO_MIN_S)
        return secs * AUTO_MAX_REPS <= AUTO_MIN_S ? AUTO_MAX_REPS : (int)(AUTO_MIN_S / secs);
    return AUTO_REPS;
}

// The kernel a product of n vectors runs, from the format and what it reads of A in the
// benchmarked activation layout (r->a_layout, r->a_bytes: a plain CSR SpMV from
// LCI_CSR_MV_STREAM_BYTES up streams).
static const char *kernel_name(const tool_mm_result *r, int64_t n, int32_t nm_rows) {
    const struct lc_mat_info *info = &r->info;
    const char *internal = r->a_layout;
    switch (info->format) {
    case LC_FORMAT_CSR:
        if (strcmp(internal, "tiles") == 0 && n >= LCI_CSR_SMALL_N)
            return lci_kernel_name(LCI_KERNEL_CSR_TILE_MM);
        if (strcmp(internal, "sell") == 0 && n < LCI_CSR_SMALL_N)
            return lci_kernel_name(LCI_KERNEL_CSR_SELL_MV);
        if (n == 1)
            return lci_kernel_name(r->a_bytes >= lci_csr_mv_stream_bytes ? LCI_KERNEL_CSR_MV_STREAM
                                                                         : LCI_KERNEL_CSR_MV);
        return lci_kernel_name(LCI_KERNEL_CSR_MM);
    case LC_FORMAT_BSR:
        return lci_kernel_name(n == 1 ? LCI_KERNEL_BSR_MV : LCI_KERNEL_BSR_MM);
    case LC_FORMAT_NM:
        // Row-grouped patterns (--nm-rows > 1) have kernels of their own.
        if (nm_rows > 1)
            return lci_kernel_name(n == 1 ? LCI_KERNEL_NM_GROUP_MV : LCI_KERNEL_NM_GROUP_MM);
        return lci_kernel_name(n == 1 ? LCI_KERNEL_NM_MV : LCI_KERNEL_NM_MM);
    case LC_FORMAT_COO:
        return "lci_coo_mm_ref";
    case LC_FORMAT_LOWRANK:
        if (lc_isa_get() == LC_ISA_GENERIC) return "lci_lowrank_mm_ref";
        return lci_kernel_name(LCI_KERNEL_LOWRANK_GEMM);
    case LC_FORMAT_SUM:
        return "sum (csr + lowrank kernels)";
    case LC_FORMAT_BUTTERFLY:
        return lci_kernel_name(LCI_KERNEL_BUTTERFLY_STAGES);
    case LC_FORMAT_CIRCULANT:
    case LC_FORMAT_TOEPLITZ:
        if (lc_isa_get() == LC_ISA_GENERIC) return "lci_fftconv_mm_ref";
        return "fftwf r2c + c2r";
    case LC_FORMAT_MONARCH:
        if (lc_isa_get() == LC_ISA_GENERIC) return "lci_monarch_mm_ref";
        return n == 1 ? "cblas_sgemv x2b" : "cblas_sgemm x2b";
    case LC_FORMAT_DENSE:
        if (lc_isa_get() == LC_ISA_GENERIC) return "lci_dense_mm_ref";
        return n == 1 ? "cblas_sgemv" : "cblas_sgemm";
    default:
        return "unknown";
    }
}

static void fill(lci_rng *rng, float *v, int64_t count) {
    for (int64_t i = 0; i < count; i++) v[i] = lci_rng_float(rng);
}

// The matrix (the source of the reference and of the dense copy: CSR, or a random bsr or nm
// matrix in its own format) and its name.
static bool load_source(const tool_mm_opts *o, lc_mat **src, char *name, size_t size) {
    lc_status st;
    if (o->mtx) {
        if ((st = lc_mtx_read(o->mtx, LC_FORMAT_CSR, src)))
            return tool_lib_error(o->mtx, st), false;
        tool_file_name(o->mtx, name, size);
    } else {
        if ((st = tool_random_matrix(&o->rnd, src)))
            return tool_lib_error("random matrix", st), false;
        tool_random_name(&o->rnd, name, size);
    }
    return true;
}

bool tool_mm_run(const tool_mm_opts *o, tool_mm_result *r) {
    memset(r, 0, sizeof *r);
    lc_status st = LC_OK;
    bool ok = false;
    lc_mat *src = NULL, *conv = NULL;
    float *x = NULL, *y = NULL, *yd = NULL, *ad = NULL;
    void *work = NULL;

    if (!tool_threads_apply(o->threads, r->blas, sizeof r->blas)) return false;
    if (o->isa >= 0 && (st = lc_isa_set((lc_isa)o->isa))) {
        tool_lib_error("--isa", st);
        return false;
    }
    if (!load_source(o, &src, r->matrix, sizeof r->matrix)) return false;
    const lc_mat *a = src;
    // With --optimize the benchmarked matrix is a copy, so the reference and the dense peer
    // still read the source exactly as built.
    struct lc_mat_info src_info;
    lc_mat_info(src, &src_info);
    if (src_info.format != o->format || o->optimize) {
        double bytes = (double)src->m * (double)src->k * sizeof(float);
        if (o->format == LC_FORMAT_DENSE && bytes > (double)DENSE_MAX_BYTES) {
            tool_error("bench mm: a dense %lld×%lld matrix needs %.1f GiB (limit 4 GiB)",
                       (long long)src->m, (long long)src->k, bytes / (1 << 30));
            goto done;
        }
        // The structure (BSR tiles, N:M) of the options; a copy of a random bsr or nm matrix
        // keeps its own.
        lc_mat_params params = tool_random_params(&o->rnd);
        if ((st = lc_mat_convert(&conv, src, o->format, &params))) {
            tool_lib_error("lc_mat_convert", st);
            goto done;
        }
        a = conv;
    }
    if (o->optimize) {
        double t0 = lci_now();
        st = lc_mat_optimize(conv, o->n);
        r->optimize_s = lci_now() - t0;
        if (st) {
            tool_lib_error("lc_mat_optimize", st);
            goto done;
        }
    }
    int64_t m = a->m, k = a->k, n = o->n;
    if (m == 0 || k == 0) {
        tool_error("bench mm: the matrix is empty (%lld×%lld)", (long long)m, (long long)k);
        goto done;
    }
    lc_mat_info(a, &r->info);
    if (r->info.format == LC_FORMAT_MONARCH) r->monarch_blocks = ((const lci_monarch *)a)->b;
    if (r->info.stored == 0) {
        tool_error("bench mm: the matrix stores no entry (density too low for %lld×%lld?)",
                   (long long)m, (long long)k);
        goto done;
    }
    r->m = m, r->k = k, r->n = n;
    r->threads = lc_threads_get();
    r->warmup = o->warmup;
    snprintf(r->isa, sizeof r->isa, "%s", lc_isa_name(lc_isa_get()));
    const bool rows_apply = o->layout == LC_LAYOUT_ROWS || n == 1;
    r->a_bytes = rows_apply ? r->info.bytes_rows : r->info.bytes;
    r->a_layout = rows_apply ? r->info.layout_rows : r->info.layout;
    snprintf(r->kernel, sizeof r->kernel, "%s", kernel_name(r, n, o->rnd.nm_rows));

    // Operands: X random, Y random too (beta = 0 overwrites it).
    bool cols = o->layout == LC_LAYOUT_COLS;
    int64_t xcount, ycount;
    if (lci_mul_i64(k, n, &xcount) || lci_mul_i64(m, n, &ycount)) {
        tool_error("bench mm: operand sizes overflow");
        goto done;
    }
    size_t work_size = 0;
    if ((st = lci_alloc_array((void **)&x, (size_t)xcount, sizeof *x, "X")) ||
        (st = lci_alloc_array((void **)&y, (size_t)ycount, sizeof *y, "Y")) ||
        (st = lc_mat_workspace_size(a, o->layout, n, &work_size)) ||
        (work_size > 0 && (st = lci_alloc_array(&work, work_size, 1, "workspace")))) {
        tool_lib_error("bench mm", st);
        goto done;
    }
    lci_rng rng;
    lci_rng_seed(&rng, o->rnd.seed ^ 0x5851f42d4c957f2dull); // a stream apart from the matrix's
    fill(&rng, x, xcount);
    fill(&rng, y, ycount);
    lacuna_ctx lc = {a, o->layout, n, cols ? n : k, cols ? n : m, x, y, work, work_size};

    // The dense peer, from the CSR source, when the array stays under 4 GiB.
    r->has_dense = m * k <= DENSE_MAX_BYTES / (int64_t)sizeof(float) && n <= INT32_MAX;
    if (r->has_dense &&
        ((st = lci_alloc_array((void **)&ad, (size_t)(m * k), sizeof *ad, "dense copy")) ||
         (st = lci_alloc_array((void **)&yd, (size_t)ycount, sizeof *yd, "dense Y")) ||
         (st = lc_mat_to_dense(src, ad, k)))) {
        tool_lib_error("bench mm", st);
        goto done;
    }
    if (r->has_dense) memset(yd, 0, (size_t)ycount * sizeof *yd); // pages mapped before timing
    dense_ctx dc = {o->layout, m, k, n, ad, x, yd};

    // Warm-up; its first run is a probe that sizes the repetitions when they are automatic,
    // for each side on its own (a slow dense peer must not cut lacuna's repetitions).
    int warm = o->warmup, reps = o->reps, dreps = o->reps;
    if (warm > 0) {
        double ts = 0, td = 0;
        if ((st = probe(run_lacuna, &lc, &ts))) {
            tool_lib_error("lc_mat_mm_ws", st);
            goto done;
        }
        if (r->has_dense) probe(run_dense, &dc, &td);
        if (reps == 0) reps = auto_reps(ts), dreps = auto_reps(td);
        warm--;
    }
    if (reps == 0) reps = dreps = AUTO_REPS;
    r->reps = reps;
    r->dense_reps = r->has_dense ? dreps : 0;
    if ((st = lci_time(run_lacuna, &lc, warm, reps, o->cold, &r->t))) {
        tool_lib_error("lc_mat_mm_ws", st);
        goto done;
    }
    if (r->has_dense && (st = lci_time(run_dense, &dc, warm, dreps, o->cold, &r->dense_t))) {
        tool_lib_error("dense peer", st);
        goto done;
    }
    const bool fft = a->vt->format == LC_FORMAT_CIRCULANT || a->vt->format == LC_FORMAT_TOEPLITZ;
    if (fft) {
        r->fft_len = ((const lci_fftconv *)a)->len;
        if (!tool_fft_peer(a, o->layout, n, x, o->warmup, reps, o->cold, &r->fft_peer_t)) goto done;
        r->has_fft_peer = true;
    }

    // Error of both results against the reference, on every vector when affordable.
    struct lc_mat_info si;
    lc_mat_info(src, &si);
    // The reference reads the CSR view: M·K entries for the formats that materialise one.
    const bool full = si.format == LC_FORMAT_LOWRANK || si.format == LC_FORMAT_SUM ||
                      si.format == LC_FORMAT_BUTTERFLY || si.format == LC_FORMAT_MONARCH;
    const int64_t view = full ? m * k : si.stored;
    int64_t nv = view > 0 ? REF_BUDGET / view : n;
    r->err_vectors = nv < 1 ? 1 : nv > n ? n : nv;
    r->dense_max_rel_err = NAN;
    if (fft) {
        nv = REF_BUDGET / (m * k);
        r->err_vectors = nv < 1 ? 1 : nv > n ? n : nv;
    }
    if ((st =
             fft ? tool_fft_ref_error(a, o->layout, n, r->err_vectors, x, y,
                                      r->has_dense ? yd : NULL, &r->max_rel_err,
                                      &r->dense_max_rel_err)
                 : tool_ref_error(src, o->layout, n, r->err_vectors, x, y, r->has_dense ? yd : NULL,
                                  &r->max_rel_err, &r->dense_max_rel_err))) {
        tool_lib_error("reference", st);
        goto done;
    }
    if (!r->has_dense) r->dense_max_rel_err = NAN;
    ok = true;
done:
    lci_free(work);
    lci_free(yd);
    lci_free(ad);
    lci_free(y);
    lci_free(x);
    lc_mat_free(conv);
    lc_mat_free(src);
    return ok;
}

double tool_mm_speedup(const tool_mm_result *r) {
    return r->has_dense ? r->dense_t.median_s / r->t.median_s : NAN;
}

double tool_mm_theoretical(const tool_mm_result *r) {
    double dense = 2.0 * (double)r->m * (double)r->k;
    return r->info.flops_per_col > 0 ? dense / r->info.flops_per_col : NAN;
}
