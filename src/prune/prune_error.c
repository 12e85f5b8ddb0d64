// prune_error.c: how far W⊙mask is from W, in double: ‖W − W⊙mask‖_F / ‖W‖_F and
// ‖X·Wᵀ − X·(W⊙mask)ᵀ‖_F / ‖X·Wᵀ‖_F over T activation rows.
#include "prune.h"

#include <math.h>

typedef struct error_job {
    const float *w, *x;
    const uint8_t *mask;
    int64_t m, k, ldw, t, ldx;
    int parts;
    double *full, *removed; // per row i of W: Σ_t (x_t·w_i)², Σ_t (x_t·(w_i⊙(1−mask_i)))²
} error_job;

// Rows [M·part/parts, M·(part+1)/parts): each row's sums depend only on the row, so the result
// does not depend on the thread count.
static void error_part(void *vjob, int part) {
    const error_job *e = vjob;
    const int64_t i0 = e->m * part / e->parts, i1 = e->m * (part + 1) / e->parts;
    for (int64_t i = i0; i < i1; i++) {
        const float *wi = e->w + i * e->ldw;
        const uint8_t *mi = e->mask + i * e->k;
        double full = 0.0, removed = 0.0;
        for (int64_t r = 0; r < e->t; r++) {
            const float *xr = e->x + r * e->ldx;
            double y = 0.0, d = 0.0;
            for (int64_t j = 0; j < e->k; j++) {
                const double p = (double)xr[j] * wi[j];
                y += p;
                d += mi[j] ? 0.0 : p;
            }
            full += y * y;
            removed += d * d;
        }
        e->full[i] = full;
        e->removed[i] = removed;
    }
}

lc_status lc_prune_error_of(const float *w, int64_t m, int64_t k, int64_t ldw, const uint8_t *mask,
                            int64_t t, const float *x, int64_t ldx, lc_prune_error *err) {
    const char *who = "lc_prune_error_of";
    lc_status st;
    if (!err) return lci_error(LC_ERR_ARG, "%s: NULL err", who);
    if ((st = lci_prune_check_w(who, w, m, k, ldw)) || (st = lci_prune_check_mask(who, mask, m, k)))
        return st;
    if (t < 0) return lci_error(LC_ERR_ARG, "%s: T = %lld is negative", who, (long long)t);
    if (ldx < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: ldx = %lld < K = %lld", who, (long long)ldx,
                         (long long)(k > 1 ? k : 1));
    if (t > 0 && k > 0) {
        if (!x) return lci_error(LC_ERR_ARG, "%s: NULL x with T = %lld", who, (long long)t);
        int64_t span;
        if (lci_mul_i64(t - 1, ldx, &span) || lci_add_i64(span, k, &span) ||
            span > INT64_MAX / (int64_t)sizeof(float))
            return lci_error(LC_ERR_OVERFLOW, "%s: X of T = %lld rows with ldx = %lld overflows",
                             who, (long long)t, (long long)ldx);
    }
    double wf = 0.0, wr = 0.0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++) {
            const double s = (double)w[i * ldw + j] * w[i * ldw + j];
            wf += s;
            wr += mask[i * k + j] ? 0.0 : s;
        }
    lc_prune_error e = {.frobenius = wf > 0 ? sqrt(wr / wf) : 0.0};
    if (t > 0 && m > 0 && k > 0) {
        error_job job = {w, x, mask, m, k, ldw, t, ldx, 1, NULL, NULL};
        if ((st = lci_alloc_array((void **)&job.full, (size_t)m * 2, sizeof(double),
                                  "output error sums"))) {
            lci_error_prefix("%s", who);
            return st;
        }
        job.removed = job.full + m;
        const int parts = lci_threads_for((double)m * (double)k * (double)t, 1 << 20);
        job.parts = parts > m ? (int)m : parts;
        lci_parallel(job.parts, error_part, &job);
        double yf = 0.0, yr = 0.0;
        for (int64_t i = 0; i < m; i++) yf += job.full[i], yr += job.removed[i];
        lci_free(job.full);
        e.output = yf > 0 ? sqrt(yr / yf) : 0.0;
    }
    *err = e;
    lci_error_clear();
    return LC_OK;
}
