// circulant_fft.c: y = IFFT(FFT(h) ⊙ FFT(x)) for every vector, by FFTW single-precision real
// transforms (r2c, pointwise product with the spectrum precomputed at create, c2r), with plans
// made once per operator and executed on per-part buffers of the workspace.
#include "circulant.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

// Parts of one product hold a slot each: a real buffer of L floats and a complex one of L/2 + 1.
// At most FFT_SLOTS slots and FFT_SLOT_BUDGET bytes (but always one), so the workspace does not
// depend on the thread count; vectors are split between parts in contiguous ranges and each
// vector's transforms are the same whatever the split, so results do not depend on it either.
enum { FFT_SLOTS = 32 };
#define FFT_SLOT_BUDGET ((size_t)64 << 20)

// ---- planning: FFTW's planner is not thread-safe; fftwf_make_planner_thread_safe (from
// fftw3f_threads) serialises every planner call of the process, ours and the caller's, and is
// installed once before our first plan. ----
static pthread_once_t planner_once = PTHREAD_ONCE_INIT;
static void planner_init(void) {
    fftwf_make_planner_thread_safe();
}
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int fail_plans;

void lci_fft_fail_plans(int count) {
    pthread_mutex_lock(&fail_lock);
    fail_plans = count;
    pthread_mutex_unlock(&fail_lock);
}

static bool injected_failure(void) {
    pthread_mutex_lock(&fail_lock);
    bool fail = fail_plans > 0;
    if (fail) fail_plans--;
    pthread_mutex_unlock(&fail_lock);
    return fail;
}

static size_t pad16(int64_t count) {
    return (size_t)(count + 15) / 16 * 16;
}

// Floats of one slot: the real buffer, then the complex one (both 64-byte aligned).
static size_t slot_floats(int64_t len) {
    return pad16(len) + pad16(2 * (len / 2 + 1));
}

int64_t lci_fft_fast_len(int64_t need) {
    int64_t best = -1;
    for (int64_t p7 = 1; p7 <= INT32_MAX; p7 *= 7)
        for (int64_t p5 = p7; p5 <= INT32_MAX; p5 *= 5)
            for (int64_t p3 = p5; p3 <= INT32_MAX; p3 *= 3) {
                int64_t v = p3;
                while (v < need) v *= 2;
                if (v <= INT32_MAX && (best < 0 || v < best)) best = v;
            }
    return best;
}

double lci_fftconv_flops(int64_t len) {
    if (len <= 0) return 0;
    return 5.0 * (double)len * log2((double)len) + 6.0 * (double)(len / 2 + 1);
}

void lci_fftconv_destroy(lc_mat *mat) {
    lci_fftconv *a = (lci_fftconv *)mat;
    if (a->fwd || a->inv) {
        pthread_once(&planner_once, planner_init);
        if (a->fwd) fftwf_destroy_plan(a->fwd);
        if (a->inv) fftwf_destroy_plan(a->inv);
    }
    lci_free(a->h);
    lci_free(a->spec);
    lci_free(a);
}

// Plans for length L on the 64-byte aligned buffers r (L floats) and c (L/2 + 1 complex), and
// the spectrum FFT(h)/L into a->spec.
static lc_status plan(lci_fftconv *a, float *r, float *c, const char *who) {
    const int n = (int)a->len;
    pthread_once(&planner_once, planner_init);
    if (!injected_failure()) {
        a->fwd = fftwf_plan_dft_r2c_1d(n, r, (fftwf_complex *)c, FFTW_ESTIMATE);
        a->inv = fftwf_plan_dft_c2r_1d(n, (fftwf_complex *)c, r, FFTW_ESTIMATE);
    }
    if (!a->fwd || !a->inv)
        return lci_error(LC_ERR_UNSUPPORTED, "%s: FFTW could not plan real transforms of length %d",
                         who, n);
    memcpy(r, a->h, (size_t)n * sizeof(float));
    fftwf_execute_dft_r2c(a->fwd, r, (fftwf_complex *)a->spec);
    const float scale = 1.0f / (float)n;
    for (int64_t f = 0; f < 2 * (a->len / 2 + 1); f++) a->spec[f] *= scale;
    return LC_OK;
}

lc_status lci_fftconv_create(lci_fftconv **out, const lci_vtable *vt, int64_t m, int64_t k,
                             int64_t len, const float *h, const char *who) {
    if (len > INT32_MAX)
        return lci_error(LC_ERR_OVERFLOW, "%s: FFT length %lld exceeds FFTW's int", who,
                         (long long)len);
    lci_fftconv *a = lci_calloc(1, sizeof *a);
    if (!a) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the matrix header", who);
    a->base = (lc_mat){vt, m, k};
    a->len = len;
    float *scratch = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&a->h, (size_t)len, sizeof(float), "circulant column")) ||
        (st = lci_alloc_array((void **)&a->spec, 2 * (size_t)(len / 2 + 1), sizeof(float),
                              "circulant spectrum")))
        goto fail;
    if (len > 0) memcpy(a->h, h, (size_t)len * sizeof(float));
    if (len > 0) {
        if ((st = lci_alloc_array((void **)&scratch, slot_floats(len), sizeof(float),
                                  "FFT planning buffers")) ||
            (st = plan(a, scratch, scratch + pad16(len), who)))
            goto fail;
    }
    lci_free(scratch);
    *out = a;
    return LC_OK;
fail:
    lci_free(scratch);
    lci_fftconv_destroy(&a->base);
    return st;
}

lc_status lci_fftconv_copy(lc_mat **out, const lc_mat *mat) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    lci_fftconv *c = NULL;
    lc_status st = lci_fftconv_create(&c, mat->vt, mat->m, mat->k, a->len, a->h, "copy");
    if (st) return st;
    c->nz_vals = a->nz_vals;
    *out = &c->base;
    return LC_OK;
}

size_t lci_fftconv_workspace(const lc_mat *mat, lc_layout layout, int64_t n) {
    (void)layout;
    const lci_fftconv *a = (const lci_fftconv *)mat;
    const size_t slot = slot_floats(a->len) * sizeof(float);
    size_t slots = FFT_SLOT_BUDGET / slot;
    if (slots > FFT_SLOTS) slots = FFT_SLOTS;
    if (slots < 1) slots = 1;
    if ((size_t)n < slots) slots = (size_t)n;
    size_t bytes;
    if (lci_mul_size(slots, slot, &bytes) || bytes == SIZE_MAX) return SIZE_MAX;
    return bytes;
}

typedef struct fft_job {
    const lci_fftconv *a;
    const lci_mm_args *g;
    int parts;
} fft_job;

// c *= alpha·spec over the L/2 + 1 complex frequencies.
static void pointwise(float *restrict c, const float *restrict s, int64_t count, float alpha) {
    if (alpha == 1.0f) {
        for (int64_t f = 0; f < count; f++) {
            const float xr = c[2 * f], xi = c[2 * f + 1], sr = s[2 * f], si = s[2 * f + 1];
            c[2 * f] = xr * sr - xi * si;
            c[2 * f + 1] = xr * si + xi * sr;
        }
    } else {
        for (int64_t f = 0; f < count; f++) {
            const float xr = c[2 * f], xi = c[2 * f + 1], sr = s[2 * f], si = s[2 * f + 1];
            c[2 * f] = alpha * (xr * sr - xi * si);
            c[2 * f + 1] = alpha * (xr * si + xi * sr);
        }
    }
}

// Vector j: X's K entries (strided in the cols layout) zero-padded to L, transformed,
// multiplied, transformed back; Y's M entries are the first M of the result. Contiguous,
// aligned vectors of a full-length circulant are transformed in place of a copy (FFTW's r2c
// preserves its input), and with beta = 0 the result goes straight to Y.
static void fft_vector(const fft_job *j, int64_t v, float *r, float *c) {
    const lci_fftconv *a = j->a;
    const lci_mm_args *g = j->g;
    const int64_t len = a->len, m = a->base.m, k = a->base.k;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const float *x = cols ? g->x + v : g->x + v * g->ldx;
    float *y = cols ? g->y + v : g->y + v * g->ldy;
    const int64_t sx = cols ? g->ldx : 1, sy = cols ? g->ldy : 1;
    const float *in = r;
    if (!cols && k == len && fftwf_alignment_of((float *)x) == 0) {
        in = x;
    } else {
        for (int64_t p = 0; p < k; p++) r[p] = x[p * sx];
        if (len > k) memset(r + k, 0, (size_t)(len - k) * sizeof(float));
    }
    fftwf_execute_dft_r2c(a->fwd, (float *)in, (fftwf_complex *)c);
    pointwise(c, a->spec, len / 2 + 1, g->alpha);
    if (!cols && m == len && g->beta == 0.0f && fftwf_alignment_of(y) == 0) {
        fftwf_execute_dft_c2r(a->inv, (fftwf_complex *)c, y);
        return;
    }
    fftwf_execute_dft_c2r(a->inv, (fftwf_complex *)c, r);
    if (g->beta == 0.0f)
        for (int64_t i = 0; i < m; i++) y[i * sy] = r[i];
    else
        for (int64_t i = 0; i < m; i++) y[i * sy] = r[i] + g->beta * y[i * sy];
}

static void fft_part(void *vjob, int part) {
    const fft_job *j = vjob;
    const int64_t n = j->g->n;
    float *r = (float *)j->g->work + (size_t)part * slot_floats(j->a->len);
    float *c = r + pad16(j->a->len);
    for (int64_t v = n * part / j->parts; v < n * (part + 1) / j->parts; v++)
        fft_vector(j, v, r, c);
}

lc_status lci_fftconv_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    if (lci_isa() == LC_ISA_GENERIC) {
        lci_fftconv_mm_ref(a, g);
        return LC_OK;
    }
    fft_job job = {.a = a, .g = g};
    const int64_t slots =
        (int64_t)(g->work_size / (slot_floats(a->len) * sizeof(float))); // >= 1 (validated)
    int parts = lci_threads_for(lci_fftconv_flops(a->len) * (double)g->n, 1 << 20);
    if (parts > slots) parts = (int)slots;
    if (parts > g->n) parts = (int)g->n;
    job.parts = parts;
    lci_parallel(parts, fft_part, &job);
    return LC_OK;
}
