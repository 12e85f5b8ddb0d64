// fuzz_csr.c: libFuzzer target for lc_mat_create_coo and lc_mat_create_csr, the bytes read as a
// shape and arrays. Invariants: invalid arrays (index out of range, bad row pointers) give
// exactly LC_ERR_FORMAT and leave the output alone; valid ones give a matrix whose to_dense is
// the input with duplicates summed in input order (bitwise), whose lc_mat_info counts the
// distinct entries, whose conversions agree, and whose product is within the error bound.
#include "fuzz.h"
#include "core/mat.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define MAXD 12

// An index mostly in range, sometimes just outside it (-1 or the dimension).
static int32_t next_index(reader *r, int64_t dim) {
    return (int32_t)(next_byte(r) % (dim + 2)) - 1;
}

// Checks A against the reference (ref values, `present` marks stored entries).
static void check_matrix(const lc_mat *A, lc_format format, int64_t m, int64_t k, const float *ref,
                         const bool *present) {
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    int64_t distinct = 0;
    bool finite = true;
    for (int64_t i = 0; i < m * k; i++) {
        distinct += present[i];
        finite &= isfinite(ref[i]) != 0;
    }
    FUZZ_CHECK(info.format == format && info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == (format == LC_FORMAT_DENSE ? m * k : distinct));
    FUZZ_CHECK(info.useful == info.stored && info.bytes >= 0);
    FUZZ_CHECK(info.flops_per_col == 2.0 * (double)info.useful);
    float d[MAXD * MAXD + 1];
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_bits(d[i], ref[i]));
    if (!finite || m == 0 || k == 0) return;
    // y = A·x within K·eps·|A|·|x| of the exact product.
    float x[MAXD], y[MAXD];
    for (int64_t j = 0; j < k; j++) x[j] = (float)((j * 7) % 5) - 2.0f;
    FUZZ_CHECK(lc_mat_mv(A, 1.0f, x, 0.0f, y) == LC_OK);
    for (int64_t i = 0; i < m; i++) {
        double exact = 0, mag = 0;
        for (int64_t j = 0; j < k; j++) {
            exact += (double)ref[i * k + j] * x[j];
            mag += fabs((double)ref[i * k + j] * x[j]);
        }
        // Near FLT_MAX the float sums may overflow: no bound to check there.
        if (mag > 1e37) continue;
        FUZZ_CHECK(fabs(y[i] - exact) <= (double)(k + 1) * FLT_EPSILON * mag + 1e-30);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    int64_t m = next_byte(&r) % (MAXD + 1), k = next_byte(&r) % (MAXD + 1);
    bool csr_mode = next_byte(&r) & 1;
    int32_t row[4096], col[4096];
    float val[4096];
    int64_t ptr[MAXD + 1];
    int64_t nnz = 0;
    bool valid = true;
    if (csr_mode) {
        // Row lengths; a byte with the top bit set makes a pointer step back (invalid).
        ptr[0] = (next_byte(&r) % 16 == 0) ? 1 : 0;
        valid = ptr[0] == 0;
        for (int64_t i = 0; i < m; i++) {
            uint8_t b = next_byte(&r);
            int64_t step = (b & 0x80) && (b & 0x40) ? -1 : b % 8;
            ptr[i + 1] = ptr[i] + step;
            if (ptr[i + 1] < ptr[i]) valid = false;
        }
        nnz = m > 0 ? ptr[m] : 0;
        if (nnz < 0) nnz = 0;
        for (int64_t p = 0; p < nnz; p++) {
            col[p] = next_index(&r, k);
            val[p] = next_value(&r);
        }
        for (int64_t i = 0; i < m && valid; i++)
            for (int64_t p = ptr[i]; p < ptr[i + 1]; p++) {
                row[p] = (int32_t)i;
                if (col[p] < 0 || col[p] >= k) valid = false;
            }
    } else {
        while (r.n >= 4 && nnz < 4096) {
            row[nnz] = next_index(&r, m);
            col[nnz] = next_index(&r, k);
            val[nnz] = next_value(&r);
            if (row[nnz] < 0 || row[nnz] >= m || col[nnz] < 0 || col[nnz] >= k) valid = false;
            nnz++;
        }
    }
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    lc_status st = csr_mode ? lc_mat_create_csr(&A, m, k, ptr, col, val)
                            : lc_mat_create_coo(&A, m, k, nnz, row, col, val);
    if (!valid) {
        FUZZ_CHECK(st == LC_ERR_FORMAT && A == sentinel);
        FUZZ_CHECK(lc_last_error()[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(st == LC_OK);
    // The reference: duplicates summed in input order, starting from the first value.
    float ref[MAXD * MAXD + 1];
    bool present[MAXD * MAXD + 1];
    memset(ref, 0, sizeof ref);
    memset(present, 0, sizeof present);
    for (int64_t p = 0; p < nnz; p++) {
        int64_t at = (int64_t)row[p] * k + col[p];
        ref[at] = present[at] ? ref[at] + val[p] : val[p];
        present[at] = true;
    }
    lc_format format = csr_mode ? LC_FORMAT_CSR : LC_FORMAT_COO;
    check_matrix(A, format, m, k, ref, present);
    // Conversions to every format describe the same matrix (dense stores every entry).
    const lc_format targets[3] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    for (int t = 0; t < 3; t++) {
        lc_mat *B = NULL;
        FUZZ_CHECK(lc_mat_convert(&B, A, targets[t], NULL) == LC_OK);
        if (targets[t] == LC_FORMAT_DENSE) {
            bool all[MAXD * MAXD + 1];
            memset(all, 1, sizeof all);
            check_matrix(B, targets[t], m, k, ref, all);
        } else {
            check_matrix(B, targets[t], m, k, ref, present);
        }
        lc_mat_free(B);
    }
    lc_mat_free(A);
    return 0;
}
