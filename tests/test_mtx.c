// test_mtx.c: Matrix Market reading: every banner variant, comments, CRLF, blanks, symmetric
// mirroring, array order, gzip from files and memory, and each malformed input with its exact
// status and the line named in the message (test_mtx_write.c has writing and failure injection).
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const lc_format formats[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};

// ---- helpers ----

// Reads `text` in every format, checks the shape, that all formats agree with `want` (row-major
// m×k), and returns the entries stored by the CSR result.
static int64_t check_read(const char *text, int64_t m, int64_t k, const float *want) {
    int64_t nnz = -1;
    for (size_t f = 0; f < 3; f++) {
        lc_mat *A = NULL;
        assert_ok(lc_mtx_read_mem(text, strlen(text), formats[f], &A));
        struct lc_mat_info info;
        assert_ok(lc_mat_info(A, &info));
        assert_int_equal(info.format, formats[f]);
        assert_int_equal(info.m, m);
        assert_int_equal(info.k, k);
        float *d = tu_dense_of(A);
        for (int64_t i = 0; i < m * k; i++)
            if (memcmp(&d[i], &want[i], sizeof(float)))
                fail_msg("%s: entry (%lld, %lld) = %g, want %g", lc_format_name(formats[f]),
                         (long long)(i / k), (long long)(i % k), d[i], want[i]);
        if (formats[f] == LC_FORMAT_CSR) nnz = info.stored;
        free(d);
        lc_mat_free(A);
    }
    return nnz;
}

// The read fails with `want`, leaves the output alone, and the message contains each of the
// (up to two) fragments.
static void check_bad_n(const void *data, size_t size, lc_status want, const char *frag1,
                        const char *frag2) {
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    lc_status st = lc_mtx_read_mem(data, size, LC_FORMAT_CSR, &A);
    if (st != want)
        fail_msg("input \"%.60s\": got %s (%s), want %s", (const char *)data, lc_status_str(st),
                 lc_last_error(), lc_status_str(want));
    assert_ptr_equal(A, sentinel);
    if (frag1 && !strstr(lc_last_error(), frag1))
        fail_msg("message \"%s\" lacks \"%s\"", lc_last_error(), frag1);
    if (frag2 && !strstr(lc_last_error(), frag2))
        fail_msg("message \"%s\" lacks \"%s\"", lc_last_error(), frag2);
}

static void check_bad(const char *text, lc_status want, const char *frag1, const char *frag2) {
    check_bad_n(text, strlen(text), want, frag1, frag2);
}

// ---- reading: variants ----

static void test_read_general(void **state) {
    (void)state;
    const float want[6] = {1.5f, 0, -2e-3f, 0, 0, 4e10f};
    // Comments, blank lines, CRLF, leading and trailing blanks, tabs, signs and exponents.
    const char *text = "%%MatrixMarket matrix coordinate real general\r\n"
                       "% a comment\r\n"
                       "\r\n"
                       "%another one\n"
                       "  2 3\t3   \r\n"
                       "1 1 1.5\r\n"
                       "\n"
                       "   % comment between entries\n"
                       "\t1 3 -2E-3 \t\n"
                       "2 3 +4e10";
    assert_int_equal(check_read(text, 2, 3, want), 3);
    // Banner keywords are case-insensitive.
    const char *upper = "%%MATRIXMARKET Matrix COORDINATE Real GENERAL\n2 3 3\n"
                        "1 1 1.5\n1 3 -2e-3\n2 3 4e10\n";
    assert_int_equal(check_read(upper, 2, 3, want), 3);
    // integer values.
    const float wint[4] = {7, 0, 0, -3};
    assert_int_equal(check_read("%%MatrixMarket matrix coordinate integer general\n2 2 2\n"
                                "1 1 7\n2 2 -3\n",
                                2, 2, wint),
                     2);
    // pattern: every entry is 1.
    const float wpat[4] = {0, 1, 1, 0};
    assert_int_equal(check_read("%%MatrixMarket matrix coordinate pattern general\n2 2 2\n"
                                "1 2\n2 1\n",
                                2, 2, wpat),
                     2);
}

static void test_read_duplicates_zeros(void **state) {
    (void)state;
    // Duplicates are summed; explicit zeros are stored; -0 keeps its sign.
    const float want[6] = {3.5f, 0, 0, -0.0f, 0, 0};
    const char *text = "%%MatrixMarket matrix coordinate real general\n2 3 5\n"
                       "1 1 1\n2 1 -0\n1 2 0\n1 1 2.5\n2 2 0\n";
    int64_t nnz = check_read(text, 2, 3, want);
    assert_int_equal(nnz, 4);
    lc_mat *A = NULL;
    assert_ok(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_COO, &A));
    assert_int_equal(tu_stored(A), 4);
    lc_mat_free(A);
    // Special values as strtod reads them.
    const float wsp[3] = {INFINITY, -INFINITY, FLT_MAX};
    check_read("%%MatrixMarket matrix coordinate real general\n1 3 3\n"
               "1 1 inf\n1 2 -Infinity\n1 3 3.40282347e+38\n",
               1, 3, wsp);
    // Every decimal spelling; more entries than M·K when duplicates make them up.
    check_read("%%MatrixMarket matrix coordinate real general\n1 3 5\n"
               "1 1 .5\n1 2 1.\n1 3 -2.5E+2\n1 1 2\n1 1 2.5e-0\n",
               1, 3, (const float[3]){5.0f, 1.0f, -250.0f}); // 0.5 + 2 + 2.5 at (1, 1)
    // Empty matrices, and one with no entries.
    check_read("%%MatrixMarket matrix coordinate real general\n0 0 0\n", 0, 0, NULL);
    check_read("%%MatrixMarket matrix coordinate real general\n0 4 0\n", 0, 4, NULL);
    const float wz[6] = {0};
    assert_int_equal(check_read("%%MatrixMarket matrix coordinate real general\n2 3 0\n", 2, 3, wz),
                     0);
}

static void test_read_symmetric(void **state) {
    (void)state;
    // Lower triangle mirrored; the diagonal is not doubled.
    const float want[9] = {1, 2, 0, 2, 3, 4, 0, 4, 5};
    const char *text = "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n"
                       "1 1 1\n2 1 2\n2 2 3\n3 2 4\n3 3 5\n";
    assert_int_equal(check_read(text, 3, 3, want), 7);
    // An entry of the upper triangle is mirrored the same way, and one listed in both triangles
    // is summed (2 + 0.5 at (1,2) and (2,1)).
    const float want2[9] = {1, 2.5f, 0, 2.5f, 3, 4, 0, 4, 5};
    const char *both = "%%MatrixMarket matrix coordinate real symmetric\n3 3 6\n"
                       "1 1 1\n2 1 2\n2 2 3\n2 3 4\n3 3 5\n1 2 0.5\n";
    check_read(both, 3, 3, want2);
    // Skew-symmetric: the mirror is negated.
    const float wskew[9] = {0, -2, 0, 2, 0, 4, 0, -4, 0};
    check_read("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 2\n3 2 -4\n", 3, 3,
               wskew);
    // Pattern symmetric.
    const float wpat[4] = {1, 1, 1, 0};
    assert_int_equal(check_read("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n"
                                "1 1\n2 1\n",
                                2, 2, wpat),
                     3);
    // Integer symmetric.
    const float wint[4] = {0, -7, -7, 0};
    check_read("%%MatrixMarket matrix coordinate integer symmetric\n2 2 1\n2 1 -7\n", 2, 2, wint);
}

static void test_read_array(void **state) {
    (void)state;
    // Column-major: columns (1, 4), (2, 5), (3, 6) of a 2×3 matrix.
    const float want[6] = {1, 2, 3, 4, 0, 6};
    const char *text = "%%MatrixMarket matrix array real general\n% comment\n2 3\n"
                       "1\n4\n2\n0\n3\n6\n";
    // Sparse formats keep the nonzeros of an array file.
    assert_int_equal(check_read(text, 2, 3, want), 5);
    lc_mat *A = NULL;
    assert_ok(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_DENSE, &A));
    assert_int_equal(tu_stored(A), 6);
    lc_mat_free(A);
    // Symmetric: the lower triangle column by column.
    const float wsym[9] = {1, 2, 3, 2, 4, 5, 3, 5, 6};
    check_read("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n", 3, 3, wsym);
    // Skew-symmetric: strictly below the diagonal.
    const float wskew[9] = {0, -1, -2, 1, 0, -3, 2, 3, 0};
    check_read("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n", 3, 3, wskew);
    const float wint[2] = {5, -6};
    check_read("%%MatrixMarket matrix array integer general\n1 2\n5\n-6\n", 1, 2, wint);
    check_read("%%MatrixMarket matrix array real general\n0 3\n", 0, 3, NULL);
    const float one[1] = {0.25f};
    check_read("%%MatrixMarket matrix array real general\n1 1\n0.25", 1, 1, one);
}

static void test_read_args(void **state) {
    (void)state;
    const char *text = "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n";
    lc_mat *A = NULL;
    assert_status(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_CSR, NULL), LC_ERR_ARG);
    assert_status(lc_mtx_read_mem(NULL, 5, LC_FORMAT_CSR, &A), LC_ERR_ARG);
    assert_status(lc_mtx_read_mem(text, strlen(text), (lc_format)99, &A), LC_ERR_ARG);
    assert_status(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_COUNT, &A), LC_ERR_ARG);
    assert_status(lc_mtx_read(NULL, LC_FORMAT_CSR, &A), LC_ERR_ARG);
    assert_null(A);
    // Formats this build does not have.
    if (!lc_format_supports(LC_FORMAT_BSR, LC_LAYOUT_COLS))
        assert_status(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_BSR, &A), LC_ERR_UNSUPPORTED);
    // Files: missing, a directory.
    assert_status(lc_mtx_read("/nonexistent/dir/x.mtx", LC_FORMAT_CSR, &A), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), "/nonexistent/dir/x.mtx"));
    assert_status(lc_mtx_read(LC_TEST_TMP, LC_FORMAT_CSR, &A), LC_ERR_IO);
    assert_null(A);
}

// ---- reading: malformed input, each with its exact status and line ----

#define MM "%%MatrixMarket matrix coordinate real general\n"

static void test_malformed_header(void **state) {
    (void)state;
    check_bad("", LC_ERR_FORMAT, "line 1", "banner");
    check_bad("hello\n1 1 1\n", LC_ERR_FORMAT, "line 1", "MatrixMarket");
    check_bad("%MatrixMarket matrix coordinate real general\n", LC_ERR_FORMAT, "line 1", NULL);
    check_bad("%%MatrixMarket matrix coordinate real\n1 1 0\n", LC_ERR_FORMAT, "line 1", "4 words");
    check_bad("%%MatrixMarket matrix coordinate real general extra\n", LC_ERR_FORMAT, "line 1",
              NULL);
    check_bad("%%MatrixMarket vector coordinate real general\n", LC_ERR_FORMAT, "line 1", "vector");
    check_bad("%%MatrixMarket matrix sparse real general\n", LC_ERR_FORMAT, "line 1", "sparse");
    check_bad("%%MatrixMarket matrix coordinate float general\n", LC_ERR_FORMAT, "line 1", "float");
    check_bad("%%MatrixMarket matrix coordinate real upper\n", LC_ERR_FORMAT, "line 1", "upper");
    check_bad("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 2\n",
              LC_ERR_UNSUPPORTED, "line 1", "complex");
    check_bad("%%MatrixMarket matrix array complex hermitian\n", LC_ERR_UNSUPPORTED, "line 1",
              NULL);
    check_bad("%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", LC_ERR_UNSUPPORTED,
              "line 1", "hermitian");
    check_bad("%%MatrixMarket matrix array pattern general\n1 1\n", LC_ERR_FORMAT, "line 1",
              "pattern");
    check_bad("%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 1\n2 1\n",
              LC_ERR_FORMAT, "line 1", "skew");
    // The size line.
    check_bad(MM, LC_ERR_FORMAT, "line 2", "size line is missing");
    check_bad(MM "% only comments\n\n", LC_ERR_FORMAT, "line 4", "size line is missing");
    check_bad(MM "2 2\n", LC_ERR_FORMAT, "line 2", "2 fields, expected 3");
    check_bad(MM "2 2 1 1\n", LC_ERR_FORMAT, "line 2", "4 fields");
    check_bad("%%MatrixMarket matrix array real general\n2 2 4\n", LC_ERR_FORMAT, "line 2",
              "expected 2");
    check_bad(MM "2 x 1\n", LC_ERR_FORMAT, "line 2", "'x' is not an integer");
    check_bad(MM "2 2.0 1\n", LC_ERR_FORMAT, "line 2", "not an integer");
    check_bad(MM "-2 2 1\n", LC_ERR_FORMAT, "line 2", "negative");
    check_bad(MM "2 2 -1\n", LC_ERR_FORMAT, "line 2", "negative");
    check_bad(MM "2147483648 1 0\n", LC_ERR_OVERFLOW, "line 2", "2147483648");
    check_bad(MM "1 2147483648 0\n", LC_ERR_OVERFLOW, "line 2", NULL);
    check_bad(MM "99999999999999999999 1 1\n", LC_ERR_OVERFLOW, "line 2", "int64");
    check_bad(MM "1 1 99999999999999999999\n", LC_ERR_OVERFLOW, "line 2", "int64");
    check_bad(MM "2 2 5\n", LC_ERR_FORMAT, "line 2", "5 entries announced");
    check_bad("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 3\n", LC_ERR_FORMAT,
              "line 2", NULL);
    check_bad("%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n", LC_ERR_FORMAT,
              "line 2", "square");
    check_bad("%%MatrixMarket matrix array real symmetric\n2 3\n", LC_ERR_FORMAT, "line 2",
              "square");
    // A header announcing far more than the bytes that follow can hold fails before reading.
    check_bad(MM "2000000 2000000 1000000000000\n1 1 1\n", LC_ERR_FORMAT, "line 2", "bytes follow");
    check_bad("%%MatrixMarket matrix array real general\n100000 100000\n1\n", LC_ERR_FORMAT,
              "line 2", "bytes follow");
}

static void test_malformed_entries(void **state) {
    (void)state;
    check_bad(MM "2 2 3\n1 1 1.000000\n2 2 1.000000\n", LC_ERR_FORMAT, "line 5",
              "end of data after 2 of the 3");
    check_bad(MM "2 2 1\n1 1 1\n2 2 1\n", LC_ERR_FORMAT, "line 4", "more entries than the 1");
    check_bad(MM "2 2 1\n1 1 1\n% fine\n\n2 2 1\n", LC_ERR_FORMAT, "line 6", "more entries");
    check_bad(MM "8298 8298 1\n1 0 1\n", LC_ERR_FORMAT,
              "(memory): line 3: column index 0 is out of range 1..8298", NULL);
    check_bad(MM "3 4 1\n4 1 1\n", LC_ERR_FORMAT, "line 3", "row index 4 is out of range 1..3");
    check_bad(MM "3 4 1\n1 5 1\n", LC_ERR_FORMAT, "line 3", "column index 5");
    check_bad(MM "3 4 1\n-1 1 1\n", LC_ERR_FORMAT, "line 3", "row index -1");
    check_bad(MM "3 4 1\n99999999999999999999 1 1\n", LC_ERR_FORMAT, "line 3", "out of range");
    check_bad(MM "3 4 1\n1.0 1 1\n", LC_ERR_FORMAT, "line 3", "not an integer");
    check_bad(MM "3 4 1\n1 1 1.5x\n", LC_ERR_FORMAT, "line 3", "'1.5x' is not a number");
    check_bad(MM "3 4 1\n1 1 abc\n", LC_ERR_FORMAT, "line 3", "not a number");
    check_bad(MM "3 4 1\n1 1 1e39\n", LC_ERR_FORMAT, "line 3", "float range");
    check_bad(MM "3 4 1\n1 1 --1\n", LC_ERR_FORMAT, "line 3", NULL);
    // Decimal numbers only: no hexadecimal floats, no "nan(...)", no bare exponent.
    check_bad(MM "3 4 1\n1 1 0x1p3\n", LC_ERR_FORMAT, "line 3", "'0x1p3' is not a number");
    check_bad(MM "3 4 1\n1 1 nan(abc)\n", LC_ERR_FORMAT, "line 3", "not a number");
    check_bad(MM "3 4 1\n1 1 1e\n", LC_ERR_FORMAT, "line 3", "not a number");
    check_bad(MM "3 4 1\n1 1 e5\n", LC_ERR_FORMAT, "line 3", "not a number");
    check_bad(MM "3 4 1\n1 1 .\n", LC_ERR_FORMAT, "line 3", "not a number");
    check_bad(MM "3 4 1\n1 1      \n", LC_ERR_FORMAT, "line 3", "2 fields, expected 3");
    check_bad(MM "3 4 1\n1 1 1 1\n", LC_ERR_FORMAT, "line 3", "4 fields");
    check_bad(MM "3 4 2\n1 1 1\n   2 2", LC_ERR_FORMAT, "line 4", "2 fields");
    check_bad("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", LC_ERR_FORMAT,
              "line 3", "not an integer");
    check_bad("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 "
              "99999999999999999999\n",
              LC_ERR_FORMAT, "line 3", NULL);
    check_bad("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n", LC_ERR_FORMAT,
              "line 3", "3 fields, expected 2");
    check_bad("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 2 1\n", LC_ERR_FORMAT,
              "line 3", "diagonal");
    check_bad("%%MatrixMarket matrix array real general\n2 1\n1 2\n", LC_ERR_FORMAT, "line 3",
              "2 fields, expected 1");
    check_bad("%%MatrixMarket matrix array real general\n2 2\n1.0\n2\n3\n", LC_ERR_FORMAT, "line 6",
              "3 of the 4");
    check_bad("%%MatrixMarket matrix array real general\n1 1\n1\n2\n", LC_ERR_FORMAT, "line 4",
              "more entries");
    // A NUL byte inside a value.
    static const char nul[] = MM "1 1 1\n1 1 1\0\n";
    check_bad_n(nul, sizeof nul - 1, LC_ERR_FORMAT, "line 3", "NUL byte");
    // A data line longer than the limit fails; a comment that long is fine.
    size_t big = (1u << 20) + 100, hlen = strlen(MM "1 1 1\n");
    char *text = malloc(hlen + big + 16);
    memcpy(text, MM "1 1 1\n", hlen);
    memset(text + hlen, ' ', big);
    memcpy(text + hlen + big, "1 1 2\n1 1 2\n", 13);
    check_bad(text, LC_ERR_FORMAT, "line 3", "longer than");
    text[hlen] = '%';
    lc_mat *A = NULL;
    assert_ok(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_CSR, &A));
    lc_mat_free(A);
    free(text);
}

// ---- a lying header must not cause a large allocation ----

static size_t largest_request;
static void *record_alloc(size_t size, size_t alignment, void *ctx) {
    (void)ctx;
    if (size > largest_request) largest_request = size;
    return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}
static void record_free(void *p, void *ctx) {
    (void)ctx;
    free(p);
}

static void test_lying_header(void **state) {
    (void)state;
    // Compressed, so the bytes left are unknown: storage grows with what is really there.
    const char *text = MM "2000000000 2000000000 1000000000000\n1 1 1\n2 2 2\n";
    size_t gz_size = 0;
    unsigned char *gz = tu_gzip(text, strlen(text), &gz_size);
    lc_allocator rec = {record_alloc, record_free, NULL};
    largest_request = 0;
    lc_allocator_set(&rec);
    lc_mat *A = NULL;
    lc_status st = lc_mtx_read_mem(gz, gz_size, LC_FORMAT_CSR, &A);
    lc_allocator_set(NULL);
    assert_int_equal(st, LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "end of data after 2 of the 1000000000000"));
    assert_true(largest_request < (1u << 20));
    free(gz);
    // The same from a plain file: rejected from the file's size.
    const char *path = tu_tmp_path("test_mtx", "lying.mtx");
    tu_write_file(path, text, strlen(text));
    assert_status(lc_mtx_read(path, LC_FORMAT_CSR, &A), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "lying.mtx: line 2"));
    assert_null(A);
}

// ---- gzip ----

static void test_gzip(void **state) {
    (void)state;
    const char *text = "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n"
                       "1 1 1\n2 1 2\n3 3 5\n3 1 -1\n";
    const float want[9] = {1, 2, -1, 2, 0, 0, -1, 0, 5};
    size_t n = 0;
    unsigned char *gz = tu_gzip(text, strlen(text), &n);
    // From memory and from a file whose name does not say gzip.
    lc_mat *A = NULL;
    assert_ok(lc_mtx_read_mem(gz, n, LC_FORMAT_CSR, &A));
    float *d = tu_dense_of(A);
    assert_memory_equal(d, want, sizeof want);
    free(d);
    lc_mat_free(A);
    const char *path = tu_tmp_path("test_mtx", "gzip_no_suffix.mtx");
    tu_write_file(path, gz, n);
    assert_ok(lc_mtx_read(path, LC_FORMAT_DENSE, &A));
    d = tu_dense_of(A);
    assert_memory_equal(d, want, sizeof want);
    free(d);
    lc_mat_free(A);
    // Written by zlib's gz* functions, with a .gz name.
    const char *gzpath = tu_tmp_path("test_mtx", "gzfile.mtx.gz");
    gzFile g = gzopen(gzpath, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
    assert_int_equal(gzclose(g), Z_OK);
    assert_ok(lc_mtx_read(gzpath, LC_FORMAT_COO, &A));
    assert_int_equal(tu_stored(A), 6);
    lc_mat_free(A);
    // Two members one after the other (as `cat a.gz b.gz` gives) are one stream.
    size_t half = strlen(text) / 2, n1 = 0, n2 = 0;
    unsigned char *g1 = tu_gzip(text, half, &n1),
                  *g2 = tu_gzip(text + half, strlen(text) - half, &n2);
    unsigned char *cat = malloc(n1 + n2);
    memcpy(cat, g1, n1);
    memcpy(cat + n1, g2, n2);
    assert_ok(lc_mtx_read_mem(cat, n1 + n2, LC_FORMAT_CSR, &A));
    lc_mat_free(A);
    // Truncated, corrupt, or followed by garbage.
    check_bad_n(gz, n - 6, LC_ERR_FORMAT, "truncated gzip", NULL);
    check_bad_n(gz, 12, LC_ERR_FORMAT, "truncated gzip", NULL);
    check_bad_n(gz, 2, LC_ERR_FORMAT, "truncated gzip", NULL);
    tu_write_file(path, gz, n - 6);
    assert_status(lc_mtx_read(path, LC_FORMAT_CSR, &A), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "gzip_no_suffix.mtx: truncated gzip"));
    unsigned char *bad = malloc(n + 8);
    memcpy(bad, gz, n);
    bad[n - 5] ^= 0x55; // the CRC in the trailer
    check_bad_n(bad, n, LC_ERR_FORMAT, "corrupt gzip", NULL);
    memcpy(bad, gz, n);
    memcpy(bad + n, "garbage!", 8);
    check_bad_n(bad, n + 8, LC_ERR_FORMAT, "corrupt gzip", NULL);
    // A malformed entry inside gzip data still names its line.
    const char *badtext = MM "2 2 1\n1 9 1\n";
    unsigned char *gzb = tu_gzip(badtext, strlen(badtext), &n);
    check_bad_n(gzb, n, LC_ERR_FORMAT, "line 3", "column index 9");
    free(gz), free(g1), free(g2), free(cat), free(bad), free(gzb);
}

// A large gzip input crosses many inflate chunks and line boundaries.
static void test_gzip_large(void **state) {
    (void)state;
    const int64_t m = 3000, k = 2000, nnz = 60000;
    size_t cap = (size_t)nnz * 40 + 100, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "%s%% padding comment\n%lld %lld %lld\n", MM, (long long)m,
                            (long long)k, (long long)nnz);
    lci_rng rng;
    lci_rng_seed(&rng, 5);
    for (int64_t p = 0; p < nnz; p++)
        len += (size_t)snprintf(text + len, cap - len, "%lld %lld %.9g\n",
                                (long long)(1 + lci_rng_below(&rng, (uint64_t)m)),
                                (long long)(1 + lci_rng_below(&rng, (uint64_t)k)),
                                (double)lci_rng_float(&rng));
    size_t n = 0;
    unsigned char *gz = tu_gzip(text, len, &n);
    lc_mat *A = NULL, *B = NULL;
    assert_ok(lc_mtx_read_mem(text, len, LC_FORMAT_CSR, &A));
    assert_ok(lc_mtx_read_mem(gz, n, LC_FORMAT_CSR, &B));
    const char *path = tu_tmp_path("test_mtx", "large.mtx.gz");
    tu_write_file(path, gz, n);
    lc_mat *C = NULL;
    assert_ok(lc_mtx_read(path, LC_FORMAT_CSR, &C));
    float *a = tu_dense_of(A), *b = tu_dense_of(B), *c = tu_dense_of(C);
    assert_memory_equal(a, b, (size_t)(m * k) * sizeof(float));
    assert_memory_equal(a, c, (size_t)(m * k) * sizeof(float));
    free(a), free(b), free(c), free(gz), free(text);
    lc_mat_free(A), lc_mat_free(B), lc_mat_free(C);
}
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_general),
        cmocka_unit_test(test_read_duplicates_zeros),
        cmocka_unit_test(test_read_symmetric),
        cmocka_unit_test(test_read_array),
        cmocka_unit_test(test_read_args),
        cmocka_unit_test(test_malformed_header),
        cmocka_unit_test(test_malformed_entries),
        cmocka_unit_test(test_lying_header),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
