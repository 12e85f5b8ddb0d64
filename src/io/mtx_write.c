// mtx_write.c: writes an lc_mat as Matrix Market: dense as "array real general" (column-major),
// every other format as "coordinate real general" (1-based, row-major order), values "%.9g".
#include "io.h"

#include <errno.h>

static lc_status write_array(FILE *f, const lc_mat *a, const char *name) {
    int64_t m = a->m, k = a->k;
    float *d = NULL;
    lc_status st = lci_alloc_array((void **)&d, (size_t)(m * k), sizeof(float), "dense copy");
    if (st) return st;
    if (m > 0 && k > 0) a->vt->to_dense(a, d, k);
    bool ok = fprintf(f, "%%%%MatrixMarket matrix array real general\n%lld %lld\n", (long long)m,
                      (long long)k) > 0;
    for (int64_t j = 0; j < k && ok; j++)
        for (int64_t i = 0; i < m && ok; i++) ok = fprintf(f, "%.9g\n", (double)d[i * k + j]) > 0;
    lci_free(d);
    return ok ? LC_OK : lci_io_errno(errno, "%s: cannot write", name);
}

static lc_status write_coordinate(FILE *f, const lc_mat *a, const char *name) {
    lci_csr_view v = {0};
    lc_status st = a->vt->to_csr(a, false, &v);
    if (st) return st;
    bool ok = fprintf(f, "%%%%MatrixMarket matrix coordinate real general\n%lld %lld %lld\n",
                      (long long)v.m, (long long)v.k, (long long)v.nnz) > 0;
    for (int64_t i = 0; i < v.m && ok; i++)
        for (int64_t p = v.ptr[i]; p < v.ptr[i + 1] && ok; p++)
            ok = fprintf(f, "%lld %d %.9g\n", (long long)i + 1, v.col[p] + 1, (double)v.val[p]) > 0;
    lci_csr_view_release(&v);
    return ok ? LC_OK : lci_io_errno(errno, "%s: cannot write", name);
}

lc_status lci_mtx_write_stream(FILE *f, const lc_mat *a, const char *name) {
    lci_locale loc;
    lci_locale_enter(&loc);
    lc_status st =
        a->vt->format == LC_FORMAT_DENSE ? write_array(f, a, name) : write_coordinate(f, a, name);
    lci_locale_leave(&loc);
    if (!st && fflush(f) != 0) st = lci_io_errno(errno, "%s: cannot write", name);
    return st;
}

lc_status lc_mtx_write(const char *path, const lc_mat *a) {
    if (!path || !a) return lci_error(LC_ERR_ARG, "lc_mtx_write: NULL argument");
    FILE *f = fopen(path, "wb");
    if (!f) return lci_io_errno(errno, "%s: cannot open for writing", path);
    lc_status st = lci_mtx_write_stream(f, a, path);
    if (fclose(f) != 0 && !st) st = lci_io_errno(errno, "%s: cannot close", path);
    if (st) return st;
    lci_error_clear();
    return LC_OK;
}
