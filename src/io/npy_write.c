// npy_write.c: writes an lc_array as a NumPy .npy file, version 1.0 (2.0 when the header needs
// it), C order, native byte order, the header padded so the data start at a multiple of 64.
#include "io.h"

#include <errno.h>
#include <string.h>

static const char *descr_of(lc_dtype dtype) {
    switch (dtype) {
    case LC_DTYPE_F32:
        return "f4";
    case LC_DTYPE_F64:
        return "f8";
    case LC_DTYPE_I32:
        return "i4";
    case LC_DTYPE_I64:
        return "i8";
    default:
        return NULL;
    }
}

// Preamble and padded header into buf (cap bytes); returns the total length, 0 if it overflows.
static size_t make_header(const lc_array *a, char *buf, size_t cap) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    const char order = '>';
#else
    const char order = '<';
#endif
    char dict[512];
    size_t n = (size_t)snprintf(dict, sizeof dict,
                                "{'descr': '%c%s', 'fortran_order': False, "
                                "'shape': (",
                                order, descr_of(a->dtype));
    for (int d = 0; d < a->ndim; d++)
        n += (size_t)snprintf(dict + n, sizeof dict - n, d ? ", %lld" : "%lld",
                              (long long)a->shape[d]);
    n += (size_t)snprintf(dict + n, sizeof dict - n, "%s), }", a->ndim == 1 ? "," : "");
    // Padding: spaces, then '\n', so that the data start at a multiple of 64.
    size_t pre = 10, total = (pre + n + 1 + 63) / 64 * 64;
    if (total - pre > 65535) pre = 12, total = (pre + n + 1 + 63) / 64 * 64;
    if (total > cap) return 0;
    uint32_t hlen = (uint32_t)(total - pre);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = pre == 10 ? 1 : 2;
    buf[7] = 0;
    for (size_t i = 0; i < pre - 8; i++) buf[8 + i] = (char)(hlen >> (8 * i) & 0xff);
    memcpy(buf + pre, dict, n);
    memset(buf + pre + n, ' ', total - pre - n - 1);
    buf[total - 1] = '\n';
    return total;
}

lc_status lc_npy_write(const char *path, const lc_array *a) {
    if (!path || !a) return lci_error(LC_ERR_ARG, "lc_npy_write: NULL argument");
    if (a->dtype == LC_DTYPE_F16)
        return lci_error(LC_ERR_UNSUPPORTED, "lc_npy_write: F16 arrays are read-only");
    if (!descr_of(a->dtype))
        return lci_error(LC_ERR_ARG, "lc_npy_write: invalid dtype %d", (int)a->dtype);
    if (a->ndim < 0 || a->ndim > LC_ARRAY_MAX_DIMS)
        return lci_error(LC_ERR_ARG, "lc_npy_write: ndim %d is outside 0..%d", a->ndim,
                         LC_ARRAY_MAX_DIMS);
    for (int d = 0; d < a->ndim; d++)
        if (a->shape[d] < 0)
            return lci_error(LC_ERR_ARG, "lc_npy_write: shape[%d] = %lld is negative", d,
                             (long long)a->shape[d]);
    int64_t count = lc_array_count(a), bytes = 0;
    int size = lci_dtype_size(a->dtype);
    if (count < 0 || lci_mul_i64(count, size, &bytes))
        return lci_error(LC_ERR_OVERFLOW, "lc_npy_write: the array's size overflows int64");
    if (count > 0 && !a->data) return lci_error(LC_ERR_ARG, "lc_npy_write: NULL data");
    char header[1024];
    size_t hlen = make_header(a, header, sizeof header);
    if (hlen == 0) return lci_error(LC_ERR_ARG, "lc_npy_write: header too long");
    FILE *f = fopen(path, "wb");
    if (!f) return lci_io_errno(errno, "%s: cannot open for writing", path);
    lc_status st = LC_OK;
    if (fwrite(header, 1, hlen, f) != hlen ||
        (count > 0 && fwrite(a->data, (size_t)size, (size_t)count, f) != (size_t)count) ||
        fflush(f) != 0)
        st = lci_io_errno(errno, "%s: cannot write", path);
    if (fclose(f) != 0 && !st) st = lci_io_errno(errno, "%s: cannot close", path);
    if (st) return st;
    lci_error_clear();
    return LC_OK;
}
