// test_mtx_write.c: Matrix Market writing: write -> read round trips in every format (empty, 1×1,
// explicit zeros, -0, values needing all 9 digits), the exact text written, write errors, and
// allocation-failure injection on lc_mtx_read_mem, lc_mtx_read (plain and gzip) and lc_mtx_write.
#include "testutil.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const lc_format formats[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};

// ---- helpers ----

// ---- write -> read round trips ----

static void round_trip(const lc_mat *A, const char *name) {
    const char *path = tu_tmp_path("test_mtx_write", name);
    assert_ok(lc_mtx_write(path, A));
    struct lc_mat_info ia;
    assert_ok(lc_mat_info(A, &ia));
    float *da = tu_dense_of(A);
    for (size_t f = 0; f < 3; f++) {
        lc_mat *B = NULL;
        assert_ok(lc_mtx_read(path, formats[f], &B));
        struct lc_mat_info ib;
        assert_ok(lc_mat_info(B, &ib));
        assert_int_equal(ib.m, ia.m);
        assert_int_equal(ib.k, ia.k);
        // In the writer's own family (dense/array, sparse/coordinate) the stored entries, explicit
        // zeros included, come back bitwise.
        bool same_family = (ia.format == LC_FORMAT_DENSE) == (formats[f] == LC_FORMAT_DENSE);
        if (same_family) assert_int_equal(ib.stored, ia.stored);
        float *db = tu_dense_of(B);
        if (same_family) {
            assert_memory_equal(da, db, (size_t)(ia.m * ia.k + 1) * sizeof(float));
        } else {
            // Across families only the sign of a zero may change: a sparse read of an array
            // file drops zeros, -0 included.
            for (int64_t i = 0; i < ia.m * ia.k; i++) assert_true(da[i] == db[i]);
        }
        free(db);
        lc_mat_free(B);
    }
    free(da);
}

static void test_round_trip(void **state) {
    (void)state;
    const int64_t shapes[][2] = {{0, 0}, {0, 3}, {4, 0}, {1, 1}, {5, 7}, {33, 17}, {64, 100}};
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int64_t m = shapes[s][0], k = shapes[s][1];
        float *a = calloc((size_t)(m * k + 1), sizeof *a);
        tu_random_sparse_dense(&rng, m, k, k > 0 ? k : 1, 0.3, 1, a);
        // Values that test the 9 significant digits, and -0.
        const float special[] = {FLT_MAX, -FLT_MIN, 1e-45f, 0.1f, 16777217.0f, -0.0f, 1.0f / 3};
        for (int64_t i = 0; i < m * k; i += 3) a[i] = special[(i / 3) % 7];
        for (size_t f = 0; f < 3; f++) {
            lc_mat *A = NULL;
            assert_ok(lc_mat_from_dense(&A, formats[f], m, k, a, k > 0 ? k : 1, NULL));
            char name[64];
            snprintf(name, sizeof name, "rt_%s_%lld.mtx", lc_format_name(formats[f]), (long long)s);
            round_trip(A, name);
            lc_mat_free(A);
        }
        free(a);
    }
    // Explicit zeros of a sparse matrix survive.
    int64_t ptr[] = {0, 2, 3};
    int32_t col[] = {0, 2, 1};
    float val[] = {0.0f, -0.0f, 5.0f};
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_csr(&A, 2, 3, ptr, col, val));
    round_trip(A, "rt_zeros.mtx");
    lc_mat *B = NULL;
    assert_ok(lc_mtx_read(tu_tmp_path("test_mtx_write", "rt_zeros.mtx"), LC_FORMAT_COO, &B));
    assert_int_equal(tu_stored(B), 3);
    lc_mat_free(A), lc_mat_free(B);
    // The written text itself.
    assert_ok(lc_mat_create_csr(&A, 2, 3, ptr, col, val));
    assert_ok(lc_mtx_write(tu_tmp_path("test_mtx_write", "rt_text.mtx"), A));
    lc_mat_free(A);
    FILE *f = fopen(tu_tmp_path("test_mtx_write", "rt_text.mtx"), "rb");
    char buf[256] = {0};
    assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
    fclose(f);
    assert_string_equal(buf, "%%MatrixMarket matrix coordinate real general\n2 3 3\n"
                             "1 1 0\n1 3 -0\n2 2 5\n");
    float d[4] = {1, 2, 3, 0.1f};
    assert_ok(lc_mat_create_dense(&A, 2, 2, d, 2));
    assert_ok(lc_mtx_write(tu_tmp_path("test_mtx_write", "rt_text.mtx"), A));
    lc_mat_free(A);
    f = fopen(tu_tmp_path("test_mtx_write", "rt_text.mtx"), "rb");
    memset(buf, 0, sizeof buf);
    assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
    fclose(f);
    assert_string_equal(buf, "%%MatrixMarket matrix array real general\n2 2\n"
                             "1\n3\n2\n0.100000001\n");
}

static void test_write_errors(void **state) {
    (void)state;
    lc_mat *A = NULL;
    float d[1] = {1};
    assert_ok(lc_mat_create_dense(&A, 1, 1, d, 1));
    assert_status(lc_mtx_write(NULL, A), LC_ERR_ARG);
    assert_status(lc_mtx_write(tu_tmp_path("test_mtx_write", "x.mtx"), NULL), LC_ERR_ARG);
    assert_status(lc_mtx_write("/nonexistent/dir/x.mtx", A), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), "/nonexistent/dir/x.mtx"));
    // A full device: the failure shows at the latest when the data are flushed.
    FILE *probe = fopen("/dev/full", "wb");
    if (probe) {
        fclose(probe);
        assert_status(lc_mtx_write("/dev/full", A), LC_ERR_IO);
        lc_mat *B = NULL;
        assert_ok(lc_mat_convert(&B, A, LC_FORMAT_CSR, NULL));
        assert_status(lc_mtx_write("/dev/full", B), LC_ERR_IO);
        lc_mat_free(B);
    }
    lc_mat_free(A);
}

// ---- allocation failures: every failing point gives LC_ERR_NOMEM and frees everything ----

typedef struct read_ctx {
    const void *data;
    size_t size;
    const char *path;
    lc_format format;
    lc_mat *out;
} read_ctx;

static lc_status call_read_mem(void *p) {
    read_ctx *c = p;
    return lc_mtx_read_mem(c->data, c->size, c->format, &c->out);
}
static lc_status call_read_file(void *p) {
    read_ctx *c = p;
    return lc_mtx_read(c->path, c->format, &c->out);
}
static lc_status call_write(void *p) {
    read_ctx *c = p;
    return lc_mtx_write(c->path, (const lc_mat *)c->data);
}
static void cleanup(void *p) {
    read_ctx *c = p;
    lc_mat_free(c->out);
    c->out = NULL;
}

static void test_inject(void **state) {
    (void)state;
    const char *texts[] = {
        // Unsorted, with duplicates: canonicalisation allocates.
        "%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n3 1 1\n1 1 2\n4 2 3\n3 1 4\n"
        "2 2 5\n",
        "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n",
        "%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 3\n3 1\n"};
    for (size_t t = 0; t < 3; t++) {
        for (size_t f = 0; f < 3; f++) {
            read_ctx c = {texts[t], strlen(texts[t]), NULL, formats[f], NULL};
            assert_true(tu_inject_each(call_read_mem, cleanup, &c) > 2);
            size_t n = 0;
            unsigned char *gz = tu_gzip(texts[t], strlen(texts[t]), &n);
            read_ctx g = {gz, n, NULL, formats[f], NULL};
            assert_true(tu_inject_each(call_read_mem, cleanup, &g) > 4);
            free(gz);
        }
    }
    // Files, plain and compressed.
    const char *path = tu_tmp_path("test_mtx_write", "inject.mtx");
    tu_write_file(path, texts[0], strlen(texts[0]));
    read_ctx c = {NULL, 0, path, LC_FORMAT_CSR, NULL};
    assert_true(tu_inject_each(call_read_file, cleanup, &c) > 3);
    size_t n = 0;
    unsigned char *gz = tu_gzip(texts[0], strlen(texts[0]), &n);
    tu_write_file(path, gz, n);
    free(gz);
    assert_true(tu_inject_each(call_read_file, cleanup, &c) > 5);
    // Writing (the dense copy, the CSR view of a COO matrix).
    for (size_t f = 0; f < 3; f++) {
        lc_mat *A = NULL;
        assert_ok(lc_mtx_read_mem(texts[0], strlen(texts[0]), formats[f], &A));
        read_ctx w = {A, 0, tu_tmp_path("test_mtx_write", "inject_out.mtx"), formats[f], NULL};
        tu_inject_each(call_write, NULL, &w);
        lc_mat_free(A);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_inject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
