// bench_mm_ref.c: the two yardsticks of `bench mm`: the dense peer Y = A·X by CBLAS, and the
// relative error max|Y − Y_ref| / max|Y_ref| against a double-precision reference.
#include "tool.h"
#include "core/mat.h"

#include <cblas.h>
#include <math.h>

void tool_dense_mm(lc_layout layout, int64_t m, int64_t k, int64_t n, const float *a,
                   const float *x, float *y) {
    // The caller keeps m, k, n within int (the dense array is capped at 4 GiB).
    int M = (int)m, K = (int)k, N = (int)n;
    if (n == 1) // one vector is contiguous in both layouts
        cblas_sgemv(CblasRowMajor, CblasNoTrans, M, K, 1.0f, a, K, x, 1, 0.0f, y, 1);
    else if (layout == LC_LAYOUT_COLS) // Y (M×n) = A (M×K) · X (K×n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, x, N, 0.0f, y,
                    N);
    else // Y (n×M) = X (n×K) · Aᵀ
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, M, K, 1.0f, x, K, a, K, 0.0f, y, M);
}

typedef struct ref_job {
    lci_csr_view v;
    lc_layout layout;
    int64_t n, nv;
    const int64_t *js; // the nv vectors checked
    const float *x, *y1, *y2;
    double *acc; // nv doubles per part
    int64_t bounds[LCI_MAX_PARTS + 1];
    double diff1[LCI_MAX_PARTS], diff2[LCI_MAX_PARTS], big[LCI_MAX_PARTS];
} ref_job;

// Running maximum that lets a NaN through, so a broken result cannot look exact.
static void maxin(double *m, double v) {
    if (!(v <= *m)) *m = v;
}

static void ref_part(void *vjob, int part) {
    ref_job *j = vjob;
    const lci_csr_view *v = &j->v;
    double *acc = j->acc + (int64_t)part * j->nv, d1 = 0, d2 = 0, big = 0;
    bool cols = j->layout == LC_LAYOUT_COLS;
    for (int64_t i = j->bounds[part]; i < j->bounds[part + 1]; i++) {
        for (int64_t t = 0; t < j->nv; t++) acc[t] = 0;
        for (int64_t p = v->ptr[i]; p < v->ptr[i + 1]; p++) {
            double a = v->val[p];
            int64_t c = v->col[p];
            if (cols) {
                const float *xr = j->x + c * j->n;
                for (int64_t t = 0; t < j->nv; t++) acc[t] += a * xr[j->js[t]];
            } else {
                for (int64_t t = 0; t < j->nv; t++) acc[t] += a * j->x[j->js[t] * v->k + c];
            }
        }
        for (int64_t t = 0; t < j->nv; t++) {
            int64_t at = cols ? i * j->n + j->js[t] : j->js[t] * v->m + i;
            maxin(&big, fabs(acc[t]));
            maxin(&d1, fabs(j->y1[at] - acc[t]));
            if (j->y2) maxin(&d2, fabs(j->y2[at] - acc[t]));
        }
    }
    j->diff1[part] = d1, j->diff2[part] = d2, j->big[part] = big;
}

static double relative(double diff, double big) {
    if (big > 0 || isnan(diff)) return diff / big;
    return diff == 0 ? 0 : INFINITY;
}

lc_status tool_ref_error(const lc_mat *a, lc_layout layout, int64_t n, int64_t nv, const float *x,
                         const float *y1, const float *y2, double *err1, double *err2) {
    ref_job *j = lci_calloc(1, sizeof *j);
    if (!j) return lci_error(LC_ERR_NOMEM, "reference: cannot allocate its job");
    lc_status st = a->vt->to_csr(a, false, &j->v);
    int64_t *js = NULL;
    int parts = lc_threads_get();
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (nv < 1) nv = 1;
    if (nv > n) nv = n;
    if (st || (st = lci_alloc_array((void **)&js, (size_t)nv, sizeof *js, "reference vectors")) ||
        (st = lci_alloc_array((void **)&j->acc, (size_t)(nv * parts), sizeof(double),
                              "reference accumulators")))
        goto done;
    for (int64_t t = 0; t < nv; t++) js[t] = t * n / nv;
    j->layout = layout, j->n = n, j->nv = nv, j->js = js;
    j->x = x, j->y1 = y1, j->y2 = y2;
    // Rows split by nonzeros, as the kernels do; a maximum does not depend on the order.
    lci_partition_rows(j->v.ptr, j->v.m, 1, parts, j->bounds);
    lci_parallel(parts, ref_part, j);
    double d1 = 0, d2 = 0, big = 0;
    for (int p = 0; p < parts; p++) maxin(&d1, j->diff1[p]), maxin(&d2, j->diff2[p]);
    for (int p = 0; p < parts; p++) maxin(&big, j->big[p]);
    *err1 = relative(d1, big);
    if (err2) *err2 = relative(d2, big);
done:
    lci_free(j->acc);
    lci_free(js);
    lci_csr_view_release(&j->v);
    lci_free(j);
    return st;
}
