// test_data.c: the real data in ../shared/data load: every Matrix Market file in mtx/ (plain and
// gzip) with the shape and nonzero count its README gives (symmetric files counted after
// mirroring), symmetric files really symmetric, a write -> read round trip of a real matrix, and
// the .npy weights of nn/ with the shapes and dtypes the README states.
#include "testutil.h"
#include "core/mat.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MTX_DIR LC_DATA_DIR "/mtx"
#define NN_DIR  LC_DATA_DIR "/nn"

// The README's table: rows (= columns) and nnz (both triangles); -1 where it gives none.
static const struct {
    const char *file;
    int64_t rows, nnz;
    bool symmetric;
} mtx_files[] = {
    {"olm1000.mtx", 1000, 3996, false},
    {"hangGlider_2.mtx", 1647, 14754, true},
    {"watt_2.mtx", 1856, 11550, false},
    {"cryg2500.mtx", 2500, 12349, false},
    {"bcsstk16.mtx.gz", 4884, 290378, true},
    {"MIT8.mtx.gz", 6440, 502504, true},
    {"rajat01.mtx", 6833, 43250, false},
    {"Pd.mtx", 8081, 13036, false},
    {"wiki-Vote.mtx", 8298, 103689, false},
    {"bayer10.mtx.gz", 13436, 94926, false},
    {"fe_4elt.mtx", 15606, 91756, true},
    {"astro-ph.mtx.gz", 16706, 242502, true},
    {"copter2.mtx.gz", 55476, 704476, true},
    {"wave.mtx.gz", 156317, 2118662, true},
    {"graphchallenge_dnn_n1024_l1.mtx", 1024, -1, false},
};
#define N_MTX (sizeof mtx_files / sizeof mtx_files[0])

static char *path_of(const char *dir, const char *file) {
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return path;
}

// A == Aᵀ, checked on the canonical CSR view: every (i, j, v) has its (j, i, v).
static void check_symmetric(const lc_mat *A, const char *name) {
    lci_csr_view v;
    assert_ok(A->vt->to_csr(A, false, &v));
    for (int64_t i = 0; i < v.m; i++)
        for (int64_t p = v.ptr[i]; p < v.ptr[i + 1]; p++) {
            int32_t j = v.col[p];
            // Binary search of column i in row j.
            int64_t lo = v.ptr[j], hi = v.ptr[j + 1];
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (v.col[mid] < i)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == v.ptr[j + 1] || v.col[lo] != i || v.val[lo] != v.val[p])
                fail_msg("%s: entry (%lld, %d) has no mirror", name, (long long)i, j);
        }
    lci_csr_view_release(&v);
}

static void test_every_mtx_loads(void **state) {
    (void)state;
    // Every file of the directory is in the table, so a new one cannot go untested.
    DIR *d = opendir(MTX_DIR);
    assert_non_null(d);
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        bool known = false;
        for (size_t i = 0; i < N_MTX; i++) known |= strcmp(e->d_name, mtx_files[i].file) == 0;
        if (!known) fail_msg("%s/%s is not in the README table of this test", MTX_DIR, e->d_name);
        seen++;
    }
    closedir(d);
    assert_int_equal(seen, N_MTX);
    for (size_t i = 0; i < N_MTX; i++) {
        const char *path = path_of(MTX_DIR, mtx_files[i].file);
        lc_mat *A = NULL;
        assert_ok(lc_mtx_read(path, LC_FORMAT_CSR, &A));
        struct lc_mat_info info;
        assert_ok(lc_mat_info(A, &info));
        assert_int_equal(info.m, mtx_files[i].rows);
        assert_int_equal(info.k, mtx_files[i].rows);
        if (mtx_files[i].nnz >= 0 && info.stored != mtx_files[i].nnz)
            fail_msg("%s: %lld entries, the README says %lld", mtx_files[i].file,
                     (long long)info.stored, (long long)mtx_files[i].nnz);
        if (mtx_files[i].symmetric) check_symmetric(A, mtx_files[i].file);
        lc_mat_free(A);
    }
}

// Pattern files read as 1; COO and dense agree with CSR on a real file.
static void test_formats_agree(void **state) {
    (void)state;
    const char *path = path_of(MTX_DIR, "hangGlider_2.mtx");
    lc_mat *A[3] = {NULL, NULL, NULL};
    const lc_format f[3] = {LC_FORMAT_CSR, LC_FORMAT_COO, LC_FORMAT_DENSE};
    for (int i = 0; i < 3; i++) assert_ok(lc_mtx_read(path, f[i], &A[i]));
    int64_t n = 1647;
    float *d0 = malloc((size_t)(n * n) * sizeof(float)), *d1 = malloc((size_t)(n * n) * 4);
    assert_ok(lc_mat_to_dense(A[0], d0, n));
    for (int i = 1; i < 3; i++) {
        assert_ok(lc_mat_to_dense(A[i], d1, n));
        assert_memory_equal(d0, d1, (size_t)(n * n) * sizeof(float));
    }
    for (int i = 0; i < 3; i++) lc_mat_free(A[i]);
    lc_mat *P = NULL;
    assert_ok(lc_mtx_read(path_of(MTX_DIR, "rajat01.mtx"), LC_FORMAT_COO, &P));
    lci_csr_view v;
    assert_ok(P->vt->to_csr(P, false, &v));
    for (int64_t p = 0; p < v.nnz; p++) assert_true(v.val[p] == 1.0f);
    lci_csr_view_release(&v);
    lc_mat_free(P);
    free(d0), free(d1);
}

// A real matrix written and read back is identical.
static void test_real_round_trip(void **state) {
    (void)state;
    const char *files[] = {"bayer10.mtx.gz", "graphchallenge_dnn_n1024_l1.mtx"};
    for (int i = 0; i < 2; i++) {
        lc_mat *A = NULL, *B = NULL;
        assert_ok(lc_mtx_read(path_of(MTX_DIR, files[i]), LC_FORMAT_CSR, &A));
        const char *out = path_of(LC_TEST_TMP, "test_data_round_trip.mtx");
        assert_ok(lc_mtx_write(out, A));
        assert_ok(lc_mtx_read(out, LC_FORMAT_CSR, &B));
        lci_csr_view a, b;
        assert_ok(A->vt->to_csr(A, false, &a));
        assert_ok(B->vt->to_csr(B, false, &b));
        assert_int_equal(a.nnz, b.nnz);
        assert_memory_equal(a.ptr, b.ptr, (size_t)(a.m + 1) * sizeof(int64_t));
        assert_memory_equal(a.col, b.col, (size_t)a.nnz * sizeof(int32_t));
        assert_memory_equal(a.val, b.val, (size_t)a.nnz * sizeof(float));
        lci_csr_view_release(&a);
        lci_csr_view_release(&b);
        lc_mat_free(A), lc_mat_free(B);
    }
}

static void check_npy(const char *rel, lc_dtype dtype, int ndim, const int64_t *shape) {
    lc_array a;
    const char *path = path_of(NN_DIR, rel);
    assert_ok(lc_npy_read(path, &a));
    if (a.dtype != dtype) fail_msg("%s: dtype %d, want %d", rel, (int)a.dtype, (int)dtype);
    assert_int_equal(a.ndim, ndim);
    for (int d = 0; d < ndim; d++)
        if (a.shape[d] != shape[d])
            fail_msg("%s: shape[%d] = %lld, want %lld", rel, d, (long long)a.shape[d],
                     (long long)shape[d]);
    // Trained weights are finite and not all zero.
    if (dtype == LC_DTYPE_F32) {
        int64_t count = lc_array_count(&a), nonzero = 0;
        for (int64_t i = 0; i < count; i++) {
            float v = ((float *)a.data)[i];
            assert_true(isfinite(v));
            nonzero += v != 0.0f;
        }
        assert_true(nonzero > 0);
    }
    lc_array_free(&a);
}

static void test_npy_weights(void **state) {
    (void)state;
    check_npy("mnist_mlp_ggml/fc1.weight.npy", LC_DTYPE_F32, 2, (int64_t[]){500, 784});
    check_npy("mnist_mlp_ggml/fc1.bias.npy", LC_DTYPE_F32, 1, (int64_t[]){500});
    check_npy("mnist_mlp_ggml/fc2.weight.npy", LC_DTYPE_F32, 2, (int64_t[]){10, 500});
    check_npy("mnist_mlp_ggml/fc2.bias.npy", LC_DTYPE_F32, 1, (int64_t[]){10});
    check_npy("lenet5_khushbujpatel/convnet.c1.weight.npy", LC_DTYPE_F32, 4,
              (int64_t[]){6, 1, 5, 5});
    check_npy("lenet5_khushbujpatel/convnet.c3.weight.npy", LC_DTYPE_F32, 4,
              (int64_t[]){16, 6, 5, 5});
    check_npy("lenet5_khushbujpatel/convnet.c5.weight.npy", LC_DTYPE_F32, 4,
              (int64_t[]){120, 16, 5, 5});
    check_npy("lenet5_khushbujpatel/fc.f6.weight.npy", LC_DTYPE_F32, 2, (int64_t[]){84, 120});
    check_npy("lenet5_khushbujpatel/fc.f7.weight.npy", LC_DTYPE_F32, 2, (int64_t[]){10, 84});
    check_npy("stories260K/npy/tok_embeddings.npy", LC_DTYPE_F32, 2, (int64_t[]){512, 64});
    check_npy("stories260K/npy/wq.npy", LC_DTYPE_F32, 3, (int64_t[]){5, 64, 64});
    check_npy("stories260K/npy/wk.npy", LC_DTYPE_F32, 3, (int64_t[]){5, 32, 64});
    check_npy("stories260K/npy/w1.npy", LC_DTYPE_F32, 3, (int64_t[]){5, 172, 64});
    check_npy("stories260K/npy/w2.npy", LC_DTYPE_F32, 3, (int64_t[]){5, 64, 172});
    check_npy("stories260K/npy/rms_final.npy", LC_DTYPE_F32, 1, (int64_t[]){64});
    check_npy("stories260K/attention_maps/story1_tokens.npy", LC_DTYPE_I32, 1, (int64_t[]){256});
}

// The fp16 attention maps: probabilities, causal, rows summing to 1.
static void test_attention_map(void **state) {
    (void)state;
    lc_array a;
    assert_ok(
        lc_npy_read(path_of(NN_DIR, "stories260K/attention_maps/story1_attn_L5_H8_T256.npy"), &a));
    assert_int_equal(a.dtype, LC_DTYPE_F16);
    assert_int_equal(a.ndim, 4);
    const int64_t want[4] = {5, 8, 256, 256};
    assert_memory_equal(a.shape, want, sizeof want);
    assert_ok(lc_array_convert(&a, LC_DTYPE_F32));
    const float *p = a.data;
    for (int64_t r = 0; r < 5 * 8 * 256; r++) {
        int64_t t = r % 256;
        double sum = 0;
        for (int64_t s = 0; s < 256; s++) {
            float v = p[r * 256 + s];
            assert_true(v >= 0.0f && v <= 1.0f);
            if (s > t) assert_true(v == 0.0f);
            sum += v;
        }
        assert_true(fabs(sum - 1.0) < 0.02);
    }
    lc_array_free(&a);
    // Token ids are inside the 512-token vocabulary.
    assert_ok(lc_npy_read(path_of(NN_DIR, "stories260K/attention_maps/story1_tokens.npy"), &a));
    for (int64_t i = 0; i < 256; i++) {
        int32_t id = ((int32_t *)a.data)[i];
        assert_true(id >= 0 && id < 512);
    }
    lc_array_free(&a);
}

// A real weight written and read back is identical.
static void test_npy_round_trip(void **state) {
    (void)state;
    lc_array a, b;
    assert_ok(lc_npy_read(path_of(NN_DIR, "mnist_mlp_ggml/fc2.weight.npy"), &a));
    const char *out = path_of(LC_TEST_TMP, "test_data_round_trip.npy");
    assert_ok(lc_npy_write(out, &a));
    assert_ok(lc_npy_read(out, &b));
    assert_int_equal(b.ndim, 2);
    assert_memory_equal(a.shape, b.shape, 2 * sizeof(int64_t));
    assert_memory_equal(a.data, b.data, 10 * 500 * sizeof(float));
    lc_array_free(&a);
    lc_array_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_mtx_loads), cmocka_unit_test(test_formats_agree),
        cmocka_unit_test(test_real_round_trip), cmocka_unit_test(test_npy_weights),
        cmocka_unit_test(test_attention_map),   cmocka_unit_test(test_npy_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
