// test_npy.c: .npy reading and writing: round trips of every dtype and rank (0-d to 8-d, empty),
// the header layout written, header variants (key order, spacing, versions 2.0 and 3.0,
// big-endian and '|' byte orders, Fortran order of any rank, half floats), each malformed input
// with its exact status and byte offset, write errors, lc_array_convert / lc_array_count, and
// allocation-failure injection on lc_npy_read_mem, lc_npy_read and lc_array_convert.
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- helpers ----

typedef struct buf {
    unsigned char *p;
    size_t n;
} buf;

// A .npy image: magic, version `major`.0, the header `dict` (ended by '\n', not padded), data.
static buf npy_build(int major, const char *dict, const void *data, size_t size) {
    size_t dl = strlen(dict) + 1, pre = major == 1 ? 10 : 12;
    buf b = {malloc(pre + dl + size + 1), pre + dl + size};
    memcpy(b.p, "\x93NUMPY", 6);
    b.p[6] = (unsigned char)major;
    b.p[7] = 0;
    for (size_t i = 0; i < pre - 8; i++) b.p[8 + i] = (unsigned char)(dl >> (8 * i));
    memcpy(b.p + pre, dict, dl - 1);
    b.p[pre + dl - 1] = '\n';
    if (size) memcpy(b.p + pre + dl, data, size);
    return b;
}

// Reading fails with `want`, the output is untouched and the message has the fragments.
static void check_bad(buf b, lc_status want, const char *frag1, const char *frag2) {
    lc_array a;
    memset(&a, 0x5a, sizeof a);
    lc_array before = a;
    lc_status st = lc_npy_read_mem(b.p, b.n, &a);
    if (st != want)
        fail_msg("got %s (%s), want %s", lc_status_str(st), lc_last_error(), lc_status_str(want));
    assert_memory_equal(&a, &before, sizeof a);
    if (frag1 && !strstr(lc_last_error(), frag1))
        fail_msg("message \"%s\" lacks \"%s\"", lc_last_error(), frag1);
    if (frag2 && !strstr(lc_last_error(), frag2))
        fail_msg("message \"%s\" lacks \"%s\"", lc_last_error(), frag2);
    free(b.p);
}

static void check_bad_dict(const char *dict, lc_status want, const char *frag1, const char *frag2) {
    float data[6] = {0};
    check_bad(npy_build(1, dict, data, sizeof data), want, frag1, frag2);
}

static lc_array read_ok(buf b) {
    lc_array a;
    assert_ok(lc_npy_read_mem(b.p, b.n, &a));
    free(b.p);
    return a;
}

// ---- round trips ----

static void test_round_trip(void **state) {
    (void)state;
    const lc_dtype dtypes[] = {LC_DTYPE_F32, LC_DTYPE_F64, LC_DTYPE_I32, LC_DTYPE_I64};
    const int sizes[] = {4, 8, 4, 8};
    const struct {
        int ndim;
        int64_t shape[LC_ARRAY_MAX_DIMS];
    } shapes[] = {{0, {0}},
                  {1, {0}},
                  {1, {5}},
                  {2, {3, 4}},
                  {3, {2, 0, 3}},
                  {2, {500, 7}},
                  {8, {1, 2, 1, 2, 1, 2, 3, 2}}};
    for (size_t d = 0; d < 4; d++) {
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            lc_array a = {dtypes[d], shapes[s].ndim, {0}, NULL};
            memcpy(a.shape, shapes[s].shape, sizeof a.shape);
            int64_t count = lc_array_count(&a);
            unsigned char *data = malloc((size_t)(count * sizes[d] + 1));
            for (int64_t i = 0; i < count * sizes[d]; i++) data[i] = (unsigned char)(i * 37 + d);
            a.data = data;
            const char *path = tu_tmp_path("test_npy", "rt.npy");
            assert_ok(lc_npy_write(path, &a));
            // Version 1.0, data aligned to 64 bytes, the size exact.
            FILE *f = fopen(path, "rb");
            unsigned char head[10];
            assert_int_equal(fread(head, 1, 10, f), 10);
            assert_int_equal(fseek(f, 0, SEEK_END), 0);
            long size = ftell(f);
            fclose(f);
            assert_int_equal(head[6], 1);
            int64_t hlen = head[8] | head[9] << 8;
            assert_int_equal((10 + hlen) % 64, 0);
            assert_int_equal(size, 10 + hlen + count * sizes[d]);
            lc_array b;
            assert_ok(lc_npy_read(path, &b));
            assert_int_equal(b.dtype, a.dtype);
            assert_int_equal(b.ndim, a.ndim);
            assert_memory_equal(b.shape, a.shape, (size_t)a.ndim * sizeof(int64_t));
            if (count) assert_memory_equal(b.data, a.data, (size_t)(count * sizes[d]));
            lc_array_free(&b);
            assert_null(b.data);
            free(data);
        }
    }
}

// The exact header numpy writes for a [2, 3] float32 array.
static void test_written_header(void **state) {
    (void)state;
    float v[6] = {1, 2, 3, 4, 5, 6};
    lc_array a = {LC_DTYPE_F32, 2, {2, 3}, v};
    const char *path = tu_tmp_path("test_npy", "hdr.npy");
    assert_ok(lc_npy_write(path, &a));
    FILE *f = fopen(path, "rb");
    unsigned char img[256];
    assert_int_equal(fread(img, 1, sizeof img, f), 128 + 24);
    fclose(f);
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    assert_memory_equal(img, "\x93NUMPY\x01\x00\x76\x00", 10);
    assert_memory_equal(img + 10, dict, strlen(dict));
    for (size_t i = 10 + strlen(dict); i < 127; i++) assert_int_equal(img[i], ' ');
    assert_int_equal(img[127], '\n');
    assert_memory_equal(img + 128, v, sizeof v);
    // One dimension keeps Python's trailing comma; a scalar has the empty tuple.
    lc_array b = {LC_DTYPE_I64, 1, {1}, (int64_t[]){-5}};
    assert_ok(lc_npy_write(path, &b));
    lc_array c;
    assert_ok(lc_npy_read(path, &c));
    assert_int_equal(c.ndim, 1);
    assert_int_equal(((int64_t *)c.data)[0], -5);
    lc_array_free(&c);
}

// ---- header variants ----

static void test_header_variants(void **state) {
    (void)state;
    float v[6] = {1, 2, 3, 4, 5, 6};
    const char *dicts[] = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
        "{ 'fortran_order' :False,'shape':(2,3,),'descr':'<f4' ,}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 3L)}   \t ",
        "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3)}",
    };
    for (int major = 1; major <= 3; major++)
        for (size_t d = 0; d < sizeof dicts / sizeof dicts[0]; d++) {
            lc_array a = read_ok(npy_build(major, dicts[d], v, sizeof v));
            assert_int_equal(a.dtype, LC_DTYPE_F32);
            assert_int_equal(a.ndim, 2);
            assert_int_equal(a.shape[0], 2);
            assert_int_equal(a.shape[1], 3);
            assert_memory_equal(a.data, v, sizeof v);
            lc_array_free(&a);
        }
    // An empty 2-d array, a scalar, and a 1-d one written as "(6)".
    lc_array a =
        read_ok(npy_build(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 4)}", NULL, 0));
    assert_int_equal(lc_array_count(&a), 0);
    lc_array_free(&a);
    a = read_ok(npy_build(1, "{'descr': '<i4', 'fortran_order': False, 'shape': ()}", v, 4));
    assert_int_equal(a.ndim, 0);
    assert_int_equal(lc_array_count(&a), 1);
    lc_array_free(&a);
    a = read_ok(npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", v, 24));
    assert_int_equal(a.ndim, 1);
    lc_array_free(&a);
}

// Big-endian data of every dtype come back in native order.
static void test_big_endian(void **state) {
    (void)state;
    const struct {
        const char *descr;
        lc_dtype dtype;
        int size;
    } types[] = {{"'>f4'", LC_DTYPE_F32, 4},
                 {"'>f8'", LC_DTYPE_F64, 8},
                 {"'>i4'", LC_DTYPE_I32, 4},
                 {"'>i8'", LC_DTYPE_I64, 8},
                 {"'>f2'", LC_DTYPE_F16, 2}};
    for (size_t t = 0; t < 5; t++) {
        // Native values 1.5 / -3 / 0x0102.. patterns, then byte-reversed per element.
        unsigned char native[3 * 8], swapped[3 * 8];
        for (int i = 0; i < 3 * types[t].size; i++) native[i] = (unsigned char)(i * 11 + 1);
        for (int e = 0; e < 3; e++)
            for (int b = 0; b < types[t].size; b++)
                swapped[e * types[t].size + b] = native[e * types[t].size + types[t].size - 1 - b];
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': False, 'shape': (3,), }",
                 types[t].descr);
        lc_array a = read_ok(npy_build(1, dict, swapped, (size_t)(3 * types[t].size)));
        assert_int_equal(a.dtype, types[t].dtype);
        assert_memory_equal(a.data, native, (size_t)(3 * types[t].size));
        lc_array_free(&a);
    }
}

// Fortran order of rank 2, 3 and 4 is transposed to C order.
static void test_fortran_order(void **state) {
    (void)state;
    // A[i][j] = 10·i + j, 2×3, stored column-major.
    float f2[6] = {0, 10, 1, 11, 2, 12}, c2[6] = {0, 1, 2, 10, 11, 12};
    lc_array a = read_ok(
        npy_build(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f2, sizeof f2));
    assert_memory_equal(a.data, c2, sizeof c2);
    lc_array_free(&a);
    // Rank 3 and 4, big-endian doubles at the same time: value = its C-order index.
    const int64_t s3[3] = {2, 3, 4}, s4[4] = {3, 1, 2, 5};
    const int64_t *shapes[2] = {s3, s4};
    const int ranks[2] = {3, 4};
    for (int r = 0; r < 2; r++) {
        const int64_t *s = shapes[r];
        int64_t count = 1;
        for (int d = 0; d < ranks[r]; d++) count *= s[d];
        double *fort = malloc((size_t)count * 8);
        // Fortran offset of C index c: digits of c in the shape, first dimension fastest.
        for (int64_t c = 0; c < count; c++) {
            int64_t rem = c, off = 0, stride = 1, idx[4];
            for (int d = ranks[r] - 1; d >= 0; d--) idx[d] = rem % s[d], rem /= s[d];
            for (int d = 0; d < ranks[r]; d++) off += idx[d] * stride, stride *= s[d];
            double v = (double)c;
            unsigned char *src = (unsigned char *)&v, *dst = (unsigned char *)&fort[off];
            for (int b = 0; b < 8; b++) dst[b] = src[7 - b];
        }
        char dict[128];
        if (r == 0)
            snprintf(dict, sizeof dict,
                     "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3, "
                     "4), }");
        else
            snprintf(dict, sizeof dict,
                     "{'descr': '>f8', 'fortran_order': True, 'shape': (3, 1, "
                     "2, 5), }");
        a = read_ok(npy_build(1, dict, fort, (size_t)count * 8));
        for (int64_t c = 0; c < count; c++) assert_true(((double *)a.data)[c] == (double)c);
        lc_array_free(&a);
        free(fort);
    }
}

static void test_half(void **state) {
    (void)state;
    const uint16_t h[8] = {0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x7e00};
    const float want[7] = {1.0f, -2.0f, 0x1p-24f, 65504.0f, INFINITY, -INFINITY, -0.0f};
    lc_array a =
        read_ok(npy_build(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (8,)}", h, 16));
    assert_int_equal(a.dtype, LC_DTYPE_F16);
    assert_memory_equal(a.data, h, sizeof h);
    assert_ok(lc_array_convert(&a, LC_DTYPE_F32));
    assert_int_equal(a.dtype, LC_DTYPE_F32);
    assert_memory_equal(a.data, want, sizeof want);
    assert_true(isnan(((float *)a.data)[7]));
    lc_array_free(&a);
}

// ---- malformed input: exact status, byte offset in the message ----

static void test_malformed(void **state) {
    (void)state;
    float v[6] = {0};
    check_bad((buf){calloc(1, 1), 0}, LC_ERR_FORMAT, "byte 0", "magic");
    buf b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.p[1] = 'X';
    check_bad(b, LC_ERR_FORMAT, "byte 0", "magic");
    b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.p[6] = 4;
    check_bad(b, LC_ERR_UNSUPPORTED, "byte 6", "4.0");
    b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.p[7] = 1;
    check_bad(b, LC_ERR_UNSUPPORTED, "byte 6", "1.1");
    b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.n = 9;
    check_bad(b, LC_ERR_FORMAT, "byte 9", "header length");
    b = npy_build(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.n = 11;
    check_bad(b, LC_ERR_FORMAT, "byte 11", "header length");
    // A header length beyond the data, or beyond any sane header.
    b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 0);
    b.n = 40;
    check_bad(b, LC_ERR_FORMAT, "byte 10", "truncated");
    b = npy_build(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    b.p[11] = 0x7f;
    check_bad(b, LC_ERR_FORMAT, "byte 8", "header length");
    // The dictionary.
    check_bad_dict("['descr', '<f4']", LC_ERR_FORMAT, "byte 10", "'{'");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False}", LC_ERR_FORMAT, "byte 10", "'shape'");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", LC_ERR_FORMAT,
                   "byte 66", "unknown key");
    check_bad_dict("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}",
                   LC_ERR_FORMAT, "byte 27", "repeated key");
    check_bad_dict("{'descr': '<f4', 'fortran_order': maybe, 'shape': (6,)}", LC_ERR_FORMAT,
                   "byte 44", "True or False");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} x", LC_ERR_FORMAT,
                   "byte 66", "after the dictionary");
    check_bad_dict("{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}", LC_ERR_FORMAT, NULL,
                   NULL);
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)", LC_ERR_FORMAT, "byte",
                   "','");
    check_bad_dict("{'descr': '<f4' 'fortran_order': False, 'shape': (6,)}", LC_ERR_FORMAT,
                   "byte 26", NULL);
    check_bad_dict("{'descr': 'a\\b', 'fortran_order': False, 'shape': (6,)}", LC_ERR_FORMAT,
                   "byte 22", "escape");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", LC_ERR_FORMAT,
                   "byte 61", "non-negative");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6 3)}", LC_ERR_FORMAT,
                   "byte 63", NULL);
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': 6}", LC_ERR_FORMAT, "byte 60",
                   "'('");
    // dtypes lacuna does not read.
    check_bad_dict("{'descr': '<u2', 'fortran_order': False, 'shape': (6,)}", LC_ERR_UNSUPPORTED,
                   "byte 20", "'<u2'");
    check_bad_dict("{'descr': '<c8', 'fortran_order': False, 'shape': (6,)}", LC_ERR_UNSUPPORTED,
                   "byte 20", NULL);
    check_bad_dict("{'descr': '|b1', 'fortran_order': False, 'shape': (6,)}", LC_ERR_UNSUPPORTED,
                   NULL, NULL);
    check_bad_dict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,)}",
                   LC_ERR_UNSUPPORTED, "byte 20", "structured");
    // Shapes: too many dimensions, overflowing sizes.
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,6)}",
                   LC_ERR_UNSUPPORTED, "byte", "8 dimensions");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                   LC_ERR_OVERFLOW, "byte 61", "int64");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
                   LC_ERR_OVERFLOW, "byte 10", "element count");
    check_bad_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,)}",
                   LC_ERR_OVERFLOW, "byte 10", "data size");
    // Data: short, long, a huge claim on a small buffer (rejected before allocating).
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (7,)}", LC_ERR_FORMAT,
                   "byte 66", "truncated");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (5,)}", LC_ERR_FORMAT,
                   "byte 86", "4 bytes after the end");
    check_bad_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000)}",
                   LC_ERR_FORMAT, "byte 80", "4000000000000 data bytes");
}

static void test_files(void **state) {
    (void)state;
    lc_array a;
    memset(&a, 0, sizeof a);
    assert_status(lc_npy_read(NULL, &a), LC_ERR_ARG);
    assert_status(lc_npy_read_mem(NULL, 4, &a), LC_ERR_ARG);
    assert_status(lc_npy_read("/nonexistent/dir/x.npy", &a), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), "/nonexistent/dir/x.npy"));
    assert_status(lc_npy_read(LC_TEST_TMP, &a), LC_ERR_IO);
    // A truncated file names itself and the offset.
    float v[6] = {0};
    buf b = npy_build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", v, 24);
    const char *path = tu_tmp_path("test_npy", "short.npy");
    tu_write_file(path, b.p, b.n - 1);
    assert_status(lc_npy_read(path, &a), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "short.npy: byte 66"));
    // A gzip file is not a .npy file.
    unsigned char gz[4] = {0x1f, 0x8b, 8, 0};
    tu_write_file(path, gz, 4);
    assert_status(lc_npy_read(path, &a), LC_ERR_FORMAT);
    free(b.p);
    assert_null(a.data);
    // Writing.
    float w[2] = {1, 2};
    lc_array ok = {LC_DTYPE_F32, 1, {2}, w};
    assert_status(lc_npy_write(NULL, &ok), LC_ERR_ARG);
    assert_status(lc_npy_write(path, NULL), LC_ERR_ARG);
    assert_status(lc_npy_write("/nonexistent/dir/x.npy", &ok), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), "/nonexistent/dir/x.npy"));
    lc_array bad = ok;
    bad.dtype = LC_DTYPE_F16;
    assert_status(lc_npy_write(path, &bad), LC_ERR_UNSUPPORTED);
    bad.dtype = (lc_dtype)42;
    assert_status(lc_npy_write(path, &bad), LC_ERR_ARG);
    bad = ok;
    bad.ndim = 9;
    assert_status(lc_npy_write(path, &bad), LC_ERR_ARG);
    bad = ok;
    bad.shape[0] = -1;
    assert_status(lc_npy_write(path, &bad), LC_ERR_ARG);
    bad = ok;
    bad.data = NULL;
    assert_status(lc_npy_write(path, &bad), LC_ERR_ARG);
    bad = (lc_array){LC_DTYPE_F64, 2, {INT64_MAX / 4, 4}, w};
    assert_status(lc_npy_write(path, &bad), LC_ERR_OVERFLOW);
    FILE *probe = fopen("/dev/full", "wb");
    if (probe) {
        fclose(probe);
        assert_status(lc_npy_write("/dev/full", &ok), LC_ERR_IO);
    }
}

static void test_convert_count(void **state) {
    (void)state;
    lc_array a = {0};
    assert_int_equal(lc_array_count(NULL), 0);
    assert_int_equal(lc_array_count(&a), 1);
    a.ndim = 3;
    a.shape[0] = 4, a.shape[1] = 0, a.shape[2] = 7;
    assert_int_equal(lc_array_count(&a), 0);
    a.shape[1] = -1;
    assert_int_equal(lc_array_count(&a), -1);
    a.ndim = 9;
    assert_int_equal(lc_array_count(&a), -1);
    lc_array_free(NULL);
    lc_array_free(&a);
    assert_int_equal(a.ndim, 0);
    // Every dtype to F32 and F64.
    int32_t i32[3] = {-7, 0, 16777217};
    int64_t i64[3] = {-7, (int64_t)1 << 40, 16777217};
    double f64[3] = {0.1, -1e300, 2.5};
    float f32[3] = {0.1f, -3.0f, 1e30f};
    const void *src[4] = {i32, i64, f64, f32};
    const lc_dtype from[4] = {LC_DTYPE_I32, LC_DTYPE_I64, LC_DTYPE_F64, LC_DTYPE_F32};
    const int size[4] = {4, 8, 8, 4};
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 2; t++) {
            lc_dtype to = t ? LC_DTYPE_F64 : LC_DTYPE_F32;
            // The data must come from the library's allocator, as lc_npy_read's do.
            void *data = NULL;
            assert_ok(lci_alloc_array(&data, 3, (size_t)size[s], "test"));
            memcpy(data, src[s], (size_t)(3 * size[s]));
            lc_array x = {from[s], 1, {3}, data};
            assert_ok(lc_array_convert(&x, to));
            assert_int_equal(x.dtype, to);
            for (int i = 0; i < 3; i++) {
                double want = s == 0   ? (double)i32[i]
                              : s == 1 ? (double)i64[i]
                              : s == 2 ? f64[i]
                                       : (double)f32[i];
                double got = t ? ((double *)x.data)[i] : ((float *)x.data)[i];
                if (t)
                    assert_true(got == want);
                else
                    assert_true((float)got == (float)want);
            }
            lc_array_free(&x);
        }
    lc_array y = {LC_DTYPE_F32, 1, {2}, NULL};
    assert_status(lc_array_convert(&y, LC_DTYPE_F32), LC_ERR_ARG); // NULL data
    assert_status(lc_array_convert(NULL, LC_DTYPE_F32), LC_ERR_ARG);
    y.shape[0] = 0;
    assert_status(lc_array_convert(&y, LC_DTYPE_I32), LC_ERR_ARG);
    assert_ok(lc_array_convert(&y, LC_DTYPE_F64)); // empty
    assert_int_equal(y.dtype, LC_DTYPE_F64);
    lc_array_free(&y);
}

// ---- allocation failures ----

typedef struct npy_ctx {
    buf b;
    const char *path;
    lc_array out;
    lc_dtype to;
} npy_ctx;

static lc_status call_read_mem(void *p) {
    npy_ctx *c = p;
    return lc_npy_read_mem(c->b.p, c->b.n, &c->out);
}
static lc_status call_read_file(void *p) {
    npy_ctx *c = p;
    return lc_npy_read(c->path, &c->out);
}
static lc_status call_convert(void *p) {
    npy_ctx *c = p;
    lc_status st = lc_npy_read_mem(c->b.p, c->b.n, &c->out);
    if (st) return st;
    st = lc_array_convert(&c->out, c->to);
    // On failure the array is unchanged: still the dtype read.
    if (st) {
        assert_int_equal(c->out.dtype, LC_DTYPE_F16);
        lc_array_free(&c->out);
    }
    return st;
}
static void cleanup(void *p) {
    lc_array_free(&((npy_ctx *)p)->out);
}

static void test_inject(void **state) {
    (void)state;
    double v[24];
    for (int i = 0; i < 24; i++) v[i] = i;
    npy_ctx c = {
        npy_build(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3, 4)}", v, sizeof v),
        NULL,
        {0},
        LC_DTYPE_F32};
    assert_true(tu_inject_each(call_read_mem, cleanup, &c) >= 3);
    const char *path = tu_tmp_path("test_npy", "inject.npy");
    tu_write_file(path, c.b.p, c.b.n);
    c.path = path;
    assert_true(tu_inject_each(call_read_file, cleanup, &c) >= 4);
    free(c.b.p);
    uint16_t h[4] = {0x3c00, 0, 0, 0};
    c.b = npy_build(3, "{'descr': '<f2', 'fortran_order': False, 'shape': (4,)}", h, sizeof h);
    assert_true(tu_inject_each(call_convert, cleanup, &c) >= 3);
    free(c.b.p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_written_header),
        cmocka_unit_test(test_header_variants), cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_fortran_order),   cmocka_unit_test(test_half),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_files),
        cmocka_unit_test(test_convert_count),   cmocka_unit_test(test_inject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
