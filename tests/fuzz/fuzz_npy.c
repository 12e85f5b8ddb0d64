// fuzz_npy.c: libFuzzer target for lc_npy_read_mem. Invariants: a failure is a documented status
// with a message and leaves the output alone; a success holds exactly the bytes the input had
// room for; lc_array_convert to F64 keeps every value; writing the array (F16 converted to F32)
// and reading it back gives it bitwise.
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "fuzz.h"
#include "io/io.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

// Element i of a as a double, independently of lc_array_convert.
static double element(const lc_array *a, int64_t i) {
    switch (a->dtype) {
    case LC_DTYPE_F32:
        return ((const float *)a->data)[i];
    case LC_DTYPE_F64:
        return ((const double *)a->data)[i];
    case LC_DTYPE_I32:
        return ((const int32_t *)a->data)[i];
    case LC_DTYPE_I64:
        return (double)((const int64_t *)a->data)[i];
    case LC_DTYPE_F16:
        return lci_half_to_float(((const uint16_t *)a->data)[i]);
    }
    abort();
}

static const char *scratch_path(void) {
    static char path[256];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/lacuna_fuzz_npy_%ld.npy", dir ? dir : "/tmp",
                 (long)getpid());
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    lc_array a, untouched;
    memset(&a, 0x5a, sizeof a);
    untouched = a;
    lc_status st = lc_npy_read_mem(data, size, &a);
    if (st != LC_OK) {
        FUZZ_CHECK(memcmp(&a, &untouched, sizeof a) == 0);
        FUZZ_CHECK(st == LC_ERR_FORMAT || st == LC_ERR_OVERFLOW || st == LC_ERR_UNSUPPORTED ||
                   st == LC_ERR_NOMEM);
        FUZZ_CHECK(lc_last_error()[0] != '\0');
        return 0;
    }
    int64_t count = lc_array_count(&a);
    int esize = lci_dtype_size(a.dtype);
    FUZZ_CHECK(a.ndim >= 0 && a.ndim <= LC_ARRAY_MAX_DIMS && count >= 0 && esize > 0);
    // The data came from the input, after a header of at least 10 bytes.
    FUZZ_CHECK((uint64_t)count * (uint64_t)esize + 10 <= size);

    // Converting a second copy to F64 keeps every value.
    lc_array b;
    FUZZ_CHECK(lc_npy_read_mem(data, size, &b) == LC_OK);
    st = lc_array_convert(&b, LC_DTYPE_F64);
    FUZZ_CHECK(st == LC_OK || st == LC_ERR_NOMEM);
    if (st == LC_OK) {
        FUZZ_CHECK(b.dtype == LC_DTYPE_F64 && lc_array_count(&b) == count);
        for (int64_t i = 0; i < count; i++) {
            double x = element(&a, i), y = ((const double *)b.data)[i];
            FUZZ_CHECK((isnan(x) && isnan(y)) || x == y);
        }
    }
    lc_array_free(&b);

    // Write and read back (F16 is read-only: write its F32 conversion).
    if (a.dtype == LC_DTYPE_F16 && lc_array_convert(&a, LC_DTYPE_F32) != LC_OK) {
        lc_array_free(&a);
        return 0;
    }
    const char *path = scratch_path();
    FUZZ_CHECK(lc_npy_write(path, &a) == LC_OK);
    lc_array c;
    st = lc_npy_read(path, &c);
    FUZZ_CHECK(st == LC_OK || st == LC_ERR_NOMEM);
    if (st == LC_OK) {
        FUZZ_CHECK(c.dtype == a.dtype && c.ndim == a.ndim);
        FUZZ_CHECK(memcmp(c.shape, a.shape, (size_t)a.ndim * sizeof(int64_t)) == 0);
        size_t bytes = (size_t)count * (size_t)lci_dtype_size(a.dtype);
        FUZZ_CHECK(count == 0 || memcmp(c.data, a.data, bytes) == 0);
        lc_array_free(&c);
    }
    lc_array_free(&a);
    return 0;
}
