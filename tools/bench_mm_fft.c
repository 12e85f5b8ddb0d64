// bench_mm_fft.c: the pieces of `bench mm` for the FFT formats (circulant, Toeplitz): the raw
// FFTW peer (the same r2c, pointwise product and c2r written directly against FFTW, one thread)
// and the double-precision reference by the direct sum y_i = Σ_j h[(i − j) mod L]·x_j, which
// needs no M·K array.
#include "tool.h"
#include "formats/circulant/circulant.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

typedef struct peer_ctx {
    int64_t m, k, len, n;
    lc_layout layout;
    const float *x;
    float *y;
    float *spec; // FFT(h)/L
    float *r;    // L floats
    fftwf_complex *c;
    fftwf_plan fwd, inv;
} peer_ctx;

// What a user of FFTW would write: per vector, x (zero-padded to L unless K = L and x is a
// contiguous row) → r2c → ⊙ spectrum → c2r → the first M values (straight into a contiguous row
// of Y when M = L).
static lc_status run_peer(void *vctx) {
    const peer_ctx *p = vctx;
    const bool cols = p->layout == LC_LAYOUT_COLS;
    const int64_t nf = p->len / 2 + 1;
    for (int64_t v = 0; v < p->n; v++) {
        const float *x = cols ? p->x + v : p->x + v * p->k;
        float *y = cols ? p->y + v : p->y + v * p->m;
        const int64_t sx = cols ? p->n : 1, sy = cols ? p->n : 1;
        const bool direct_in = sx == 1 && p->k == p->len && fftwf_alignment_of((float *)x) == 0;
        const bool direct_out = sy == 1 && p->m == p->len && fftwf_alignment_of(y) == 0;
        if (!direct_in) {
            for (int64_t i = 0; i < p->k; i++) p->r[i] = x[i * sx];
            memset(p->r + p->k, 0, (size_t)(p->len - p->k) * sizeof(float));
        }
        fftwf_execute_dft_r2c(p->fwd, direct_in ? (float *)x : p->r, p->c);
        float *c = (float *)p->c;
        for (int64_t f = 0; f < nf; f++) {
            const float xr = c[2 * f], xi = c[2 * f + 1];
            const float sr = p->spec[2 * f], si = p->spec[2 * f + 1];
            c[2 * f] = xr * sr - xi * si;
            c[2 * f + 1] = xr * si + xi * sr;
        }
        fftwf_execute_dft_c2r(p->inv, p->c, direct_out ? y : p->r);
        if (!direct_out)
            for (int64_t i = 0; i < p->m; i++) y[i * sy] = p->r[i];
    }
    return LC_OK;
}

bool tool_fft_peer(const lc_mat *mat, lc_layout layout, int64_t n, const float *x, int warmup,
                   int reps, bool cold, lci_timing *t) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    peer_ctx p = {.m = mat->m, .k = mat->k, .len = a->len, .n = n, .layout = layout, .x = x};
    const int len = (int)a->len;
    bool ok = false;
    p.y = fftwf_malloc((size_t)(mat->m * n) * sizeof(float));
    p.spec = fftwf_malloc((size_t)(len / 2 + 1) * sizeof(fftwf_complex));
    p.r = fftwf_malloc((size_t)len * sizeof(float));
    p.c = fftwf_malloc((size_t)(len / 2 + 1) * sizeof(fftwf_complex));
    if (!p.y || !p.spec || !p.r || !p.c) {
        tool_error("bench mm: the FFTW peer cannot allocate its buffers");
        goto done;
    }
    // The library made FFTW's planner thread-safe already; this runs on one thread anyway.
    p.fwd = fftwf_plan_dft_r2c_1d(len, p.r, p.c, FFTW_ESTIMATE);
    p.inv = fftwf_plan_dft_c2r_1d(len, p.c, p.r, FFTW_ESTIMATE);
    if (!p.fwd || !p.inv) {
        tool_error("bench mm: FFTW cannot plan length %d for the peer", len);
        goto done;
    }
    memcpy(p.r, a->h, (size_t)len * sizeof(float));
    fftwf_execute_dft_r2c(p.fwd, p.r, (fftwf_complex *)p.spec);
    for (int64_t f = 0; f < 2 * (len / 2 + 1); f++) p.spec[f] /= (float)len;
    memset(p.y, 0, (size_t)(mat->m * n) * sizeof(float));
    if (lci_time(run_peer, &p, warmup, reps, cold, t)) {
        tool_lib_error("FFTW peer", LC_ERR_NOMEM);
        goto done;
    }
    ok = true;
done:
    if (p.fwd) fftwf_destroy_plan(p.fwd);
    if (p.inv) fftwf_destroy_plan(p.inv);
    fftwf_free(p.y), fftwf_free(p.spec), fftwf_free(p.r), fftwf_free(p.c);
    return ok;
}

static void maxin(double *m, double v) {
    if (v > *m || isnan(v)) *m = v;
}

lc_status tool_fft_ref_error(const lc_mat *mat, lc_layout layout, int64_t n, int64_t nv,
                             const float *x, const float *y1, const float *y2, double *err1,
                             double *err2) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    const int64_t m = mat->m, k = mat->k, len = a->len;
    const bool cols = layout == LC_LAYOUT_COLS;
    double d1 = 0, d2 = 0, big = 0;
    if (nv < 1) nv = 1;
    if (nv > n) nv = n;
    for (int64_t t = 0; t < nv; t++) {
        const int64_t v = t * n / nv;
        for (int64_t i = 0; i < m; i++) {
            double acc = 0;
            for (int64_t j = 0; j < k; j++)
                acc += (double)a->h[(i - j + len) % len] * (cols ? x[j * n + v] : x[v * k + j]);
            const int64_t at = cols ? i * n + v : v * m + i;
            maxin(&big, fabs(acc));
            maxin(&d1, fabs(y1[at] - acc));
            if (y2) maxin(&d2, fabs(y2[at] - acc));
        }
    }
    *err1 = big > 0 ? d1 / big : d1 == 0 ? 0 : INFINITY;
    if (err2) *err2 = big > 0 ? d2 / big : d2 == 0 ? 0 : INFINITY;
    return LC_OK;
}
