// npy_read.c: reads a NumPy .npy array (format 1.0, 2.0, 3.0) into an lc_array in C order and
// native byte order; the data size is checked against the bytes present before allocating.
#include "io.h"

#include <string.h>

// Headers are a few hundred bytes; numpy itself refuses those above 10,000.
#define LCI_NPY_HEADER_MAX (1 << 20)

void lci_bswap(void *data, int64_t count, int size) {
    uint8_t *b = data;
    for (int64_t i = 0; i < count; i++, b += size)
        for (int lo = 0, hi = size - 1; lo < hi; lo++, hi--) {
            uint8_t t = b[lo];
            b[lo] = b[hi];
            b[hi] = t;
        }
}

void lci_fortran_to_c(const void *src, void *dst, int ndim, const int64_t *shape, int size) {
    int64_t count = 1, stride[LC_ARRAY_MAX_DIMS], idx[LC_ARRAY_MAX_DIMS] = {0};
    // In Fortran order the first index varies fastest.
    for (int d = 0; d < ndim; d++) {
        stride[d] = count;
        count *= shape[d];
    }
    const uint8_t *s = src;
    uint8_t *o = dst;
    int64_t at = 0;
    for (int64_t c = 0; c < count; c++) {
        memcpy(o + c * size, s + at * size, (size_t)size);
        // Step the C-order index (last dimension fastest) and follow it in the source.
        for (int d = ndim - 1; d >= 0; d--) {
            at += stride[d];
            if (++idx[d] < shape[d]) break;
            at -= stride[d] * shape[d];
            idx[d] = 0;
        }
    }
}

static uint32_t le32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

// The magic, version and header length; on return *header_len bytes of dictionary follow at
// *dict_offset.
static lc_status read_preamble(lci_input *in, uint32_t *header_len, int64_t *dict_offset) {
    uint8_t pre[12];
    size_t got = 0;
    lc_status st = lci_input_read(in, pre, 8, &got);
    if (st) return st;
    if (got < 8 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return lci_input_error_at(in, 0, LC_ERR_FORMAT, "not a .npy file (no \\x93NUMPY magic)");
    int major = pre[6], minor = pre[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return lci_input_error_at(in, 6, LC_ERR_UNSUPPORTED,
                                  ".npy format version %d.%d is not supported (1.0, 2.0, 3.0)",
                                  major, minor);
    // Version 1 has a 16-bit header length, later ones 32 bits; both little-endian.
    size_t len_bytes = major == 1 ? 2 : 4;
    if ((st = lci_input_read(in, pre + 8, len_bytes, &got))) return st;
    if (got < len_bytes)
        return lci_input_error_at(in, 8 + (int64_t)got, LC_ERR_FORMAT,
                                  "truncated before the end of the header length");
    *header_len = major == 1 ? (uint32_t)pre[8] | (uint32_t)pre[9] << 8 : le32(pre + 8);
    *dict_offset = 8 + len_bytes;
    if (*header_len > LCI_NPY_HEADER_MAX)
        return lci_input_error_at(in, 8, LC_ERR_FORMAT, "header length %lu exceeds %d bytes",
                                  (unsigned long)*header_len, LCI_NPY_HEADER_MAX);
    int64_t left = lci_input_remaining(in);
    if (left >= 0 && left < (int64_t)*header_len)
        return lci_input_error_at(in, *dict_offset, LC_ERR_FORMAT,
                                  "truncated: the header needs %lu bytes, %lld are left",
                                  (unsigned long)*header_len, (long long)left);
    return LC_OK;
}

// Reads h->bytes of data into a new buffer, after checking that exactly that many are left.
static lc_status read_data(lci_input *in, const lci_npy_header *h, void **out) {
    int64_t left = lci_input_remaining(in);
    if (left >= 0 && left < h->bytes)
        return lci_input_error_at(in, h->data_offset, LC_ERR_FORMAT,
                                  "truncated: the shape needs %lld data bytes, %lld are left",
                                  (long long)h->bytes, (long long)left);
    if (left > h->bytes)
        return lci_input_error_at(in, h->data_offset + h->bytes, LC_ERR_FORMAT,
                                  "%lld bytes after the end of the data",
                                  (long long)(left - h->bytes));
    if (left < 0)
        return lci_input_error_at(in, h->data_offset, LC_ERR_UNSUPPORTED,
                                  "the input's size is unknown, so the header cannot be checked");
    void *data = NULL;
    lc_status st = lci_alloc_array(&data, (size_t)h->bytes, 1, ".npy data");
    if (st) return st;
    size_t got = 0;
    if ((st = lci_input_read(in, data, (size_t)h->bytes, &got)) ||
        (got < (size_t)h->bytes &&
         (st = lci_input_error_at(in, h->data_offset + (int64_t)got, LC_ERR_FORMAT,
                                  "truncated data (%lld of %lld bytes)", (long long)got,
                                  (long long)h->bytes)))) {
        lci_free(data);
        return st;
    }
    *out = data;
    return LC_OK;
}

static lc_status npy_read(lci_input *in, lc_array *out) {
    uint32_t header_len = 0;
    int64_t dict_offset = 0;
    lc_status st = read_preamble(in, &header_len, &dict_offset);
    if (st) return st;
    char *text = NULL;
    if ((st = lci_alloc_array((void **)&text, header_len, 1, ".npy header"))) return st;
    size_t got = 0;
    lci_npy_header h;
    memset(&h, 0, sizeof h);
    if (!(st = lci_input_read(in, text, header_len, &got)) && got < header_len)
        st = lci_input_error_at(in, dict_offset + (int64_t)got, LC_ERR_FORMAT,
                                "truncated header (%zu of %lu bytes)", got,
                                (unsigned long)header_len);
    if (!st) st = lci_npy_parse_dict(in, text, header_len, dict_offset, &h);
    lci_free(text);
    if (st) return st;
    h.data_offset = dict_offset + header_len;
    void *data = NULL;
    if ((st = read_data(in, &h, &data))) return st;
    if (h.swap) lci_bswap(data, h.count, h.item_size);
    if (h.fortran && h.ndim > 1) {
        void *c = NULL;
        if ((st = lci_alloc_array(&c, (size_t)h.bytes, 1, ".npy data in C order"))) {
            lci_free(data);
            return st;
        }
        lci_fortran_to_c(data, c, h.ndim, h.shape, h.item_size);
        lci_free(data);
        data = c;
    }
    memset(out, 0, sizeof *out);
    out->dtype = h.dtype;
    out->ndim = h.ndim;
    memcpy(out->shape, h.shape, (size_t)h.ndim * sizeof(int64_t));
    out->data = data;
    return LC_OK;
}

lc_status lc_npy_read(const char *path, lc_array *out) {
    if (!path || !out) return lci_error(LC_ERR_ARG, "lc_npy_read: NULL argument");
    lci_input in;
    lc_status st = lci_input_open_file(&in, path, false);
    if (st) return st;
    lc_array res;
    st = npy_read(&in, &res);
    lci_input_close(&in);
    if (st) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_npy_read_mem(const void *data, size_t size, lc_array *out) {
    if (!out || (!data && size > 0)) return lci_error(LC_ERR_ARG, "lc_npy_read_mem: NULL argument");
    lci_input in;
    lc_status st = lci_input_open_mem(&in, data, size, false);
    if (st) return st;
    lc_array res;
    st = npy_read(&in, &res);
    lci_input_close(&in);
    if (st) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}
