// fuzz_mtx.c: libFuzzer target for lc_mtx_read_mem. Invariants: a failure is a documented status
// with a message and leaves the output alone; a success gives a consistent lc_mat_info, the
// same matrix in CSR, COO and dense, and writing it out and reading it back gives it bitwise.
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "fuzz.h"
#include "core/mat.h"
#include "io/io.h"

#include <math.h>
#include <string.h>

static bool same_value(float a, float b, bool bitwise) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return bitwise ? memcmp(&a, &b, sizeof a) == 0 : a == b;
}

// Same canonical CSR content (values bitwise, NaN payloads aside). Returns false only on a
// difference; a view that cannot be allocated counts as equal (nothing to compare).
static bool same_matrix(const lc_mat *a, const lc_mat *b) {
    lci_csr_view va, vb;
    if (a->vt->to_csr(a, false, &va)) return true;
    if (b->vt->to_csr(b, false, &vb)) {
        lci_csr_view_release(&va);
        return true;
    }
    bool same = va.m == vb.m && va.k == vb.k && va.nnz == vb.nnz &&
                memcmp(va.ptr, vb.ptr, (size_t)(va.m + 1) * sizeof(int64_t)) == 0 &&
                memcmp(va.col, vb.col, (size_t)va.nnz * sizeof(int32_t)) == 0;
    for (int64_t p = 0; same && p < va.nnz; p++) same = same_value(va.val[p], vb.val[p], true);
    lci_csr_view_release(&va);
    lci_csr_view_release(&vb);
    return same;
}

// The dense matrix agrees with the CSR one entry by entry (explicit zeros and -0 compare equal
// to absent entries: an array file read into CSR drops its zeros).
static void check_dense(const lc_mat *csr, const lc_mat *dense, int64_t m, int64_t k) {
    float *a = malloc((size_t)(m * k) * sizeof(float) + 4);
    float *b = malloc((size_t)(m * k) * sizeof(float) + 4);
    FUZZ_CHECK(lc_mat_to_dense(csr, a, k > 0 ? k : 1) == LC_OK);
    FUZZ_CHECK(lc_mat_to_dense(dense, b, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_value(a[i], b[i], false));
    free(a);
    free(b);
}

static void check_failure(lc_status st, const lc_mat *out, const lc_mat *sentinel) {
    FUZZ_CHECK(out == sentinel);
    FUZZ_CHECK(st == LC_ERR_FORMAT || st == LC_ERR_OVERFLOW || st == LC_ERR_UNSUPPORTED ||
               st == LC_ERR_NOMEM);
    FUZZ_CHECK(lc_last_error()[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    lc_mat *sentinel = (lc_mat *)&sentinel, *csr = sentinel;
    lc_status st = lc_mtx_read_mem(data, size, LC_FORMAT_CSR, &csr);
    if (st != LC_OK) {
        check_failure(st, csr, sentinel);
        return 0;
    }
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(csr, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_CSR);
    FUZZ_CHECK(info.m >= 0 && info.m <= INT32_MAX && info.k >= 0 && info.k <= INT32_MAX);
    FUZZ_CHECK(info.stored >= 0 && info.stored == info.useful);
    FUZZ_CHECK(info.m == 0 || info.k == 0 || info.stored / info.m <= info.k);
    FUZZ_CHECK(lc_last_error()[0] == '\0');

    // COO from the same bytes is the same matrix.
    lc_mat *coo = sentinel;
    st = lc_mtx_read_mem(data, size, LC_FORMAT_COO, &coo);
    if (st == LC_OK) {
        FUZZ_CHECK(same_matrix(csr, coo));
        lc_mat_free(coo);
    } else {
        FUZZ_CHECK(st == LC_ERR_NOMEM && coo == sentinel);
    }
    // Dense, when small enough to compare cheaply.
    if (info.m * info.k <= (1 << 16)) {
        lc_mat *dense = sentinel;
        st = lc_mtx_read_mem(data, size, LC_FORMAT_DENSE, &dense);
        FUZZ_CHECK(st == LC_OK);
        check_dense(csr, dense, info.m, info.k);
        lc_mat_free(dense);
    }
    // Written out and read back: bitwise the same matrix.
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    FUZZ_CHECK(f != NULL);
    st = lci_mtx_write_stream(f, csr, "fuzz");
    FUZZ_CHECK(fclose(f) == 0);
    FUZZ_CHECK(st == LC_OK || st == LC_ERR_NOMEM);
    if (st == LC_OK) {
        lc_mat *back = sentinel;
        st = lc_mtx_read_mem(text, len, LC_FORMAT_CSR, &back);
        FUZZ_CHECK(st == LC_OK || (st == LC_ERR_NOMEM && back == sentinel));
        if (st == LC_OK) {
            FUZZ_CHECK(same_matrix(csr, back));
            lc_mat_free(back);
        }
    }
    free(text);
    lc_mat_free(csr);
    return 0;
}
