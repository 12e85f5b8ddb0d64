// array.c: the lc_array object: element count, element sizes, conversion to F32/F64 (IEEE half
// included) through the library allocator, and freeing.
#include "io.h"

#include <string.h>

int lci_dtype_size(lc_dtype dtype) {
    switch (dtype) {
    case LC_DTYPE_F32:
        return 4;
    case LC_DTYPE_F64:
        return 8;
    case LC_DTYPE_I32:
        return 4;
    case LC_DTYPE_I64:
        return 8;
    case LC_DTYPE_F16:
        return 2;
    }
    return 0;
}

float lci_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
    if (exp == 0) {
        // Zero or subnormal: mant·2^-24 is exact in float.
        float f = (float)mant * 0x1p-24f;
        return sign ? -f : f;
    }
    if (exp == 31)
        bits = sign | 0x7f800000u | mant << 13; // Inf, NaN (payload kept)
    else
        bits = sign | (exp + 112) << 23 | mant << 13; // rebias 15 -> 127
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

int64_t lc_array_count(const lc_array *a) {
    if (!a) return 0;
    if (a->ndim < 0 || a->ndim > LC_ARRAY_MAX_DIMS) return -1;
    int64_t count = 1;
    for (int d = 0; d < a->ndim; d++)
        if (a->shape[d] < 0 || lci_mul_i64(count, a->shape[d], &count)) return -1;
    return count;
}

void lc_array_free(lc_array *a) {
    if (!a) return;
    lci_free(a->data);
    memset(a, 0, sizeof *a);
}

// Element i of `src` (of dtype `from`) as a double; exact for every dtype but I64 beyond 2^53.
static double element(const void *src, lc_dtype from, int64_t i) {
    switch (from) {
    case LC_DTYPE_F32:
        return ((const float *)src)[i];
    case LC_DTYPE_F64:
        return ((const double *)src)[i];
    case LC_DTYPE_I32:
        return ((const int32_t *)src)[i];
    case LC_DTYPE_I64:
        return (double)((const int64_t *)src)[i];
    case LC_DTYPE_F16:
        return lci_half_to_float(((const uint16_t *)src)[i]);
    }
    return 0;
}

lc_status lc_array_convert(lc_array *a, lc_dtype dtype) {
    if (!a) return lci_error(LC_ERR_ARG, "lc_array_convert: NULL array");
    if (dtype != LC_DTYPE_F32 && dtype != LC_DTYPE_F64)
        return lci_error(LC_ERR_ARG, "lc_array_convert: target dtype %d is not F32 or F64",
                         (int)dtype);
    if (lci_dtype_size(a->dtype) == 0)
        return lci_error(LC_ERR_ARG, "lc_array_convert: invalid dtype %d", (int)a->dtype);
    int64_t count = lc_array_count(a);
    if (count < 0) return lci_error(LC_ERR_ARG, "lc_array_convert: invalid shape");
    if (count > 0 && !a->data) return lci_error(LC_ERR_ARG, "lc_array_convert: NULL data");
    if (a->dtype != dtype) {
        void *out = NULL;
        lc_status st =
            lci_alloc_array(&out, (size_t)count, (size_t)lci_dtype_size(dtype), "converted array");
        if (st) return st;
        // I64 to F32 rounds once, straight from the integer (not through double).
        if (dtype == LC_DTYPE_F32 && a->dtype == LC_DTYPE_I64)
            for (int64_t i = 0; i < count; i++)
                ((float *)out)[i] = (float)((const int64_t *)a->data)[i];
        else if (dtype == LC_DTYPE_F32)
            for (int64_t i = 0; i < count; i++)
                ((float *)out)[i] = (float)element(a->data, a->dtype, i);
        else
            for (int64_t i = 0; i < count; i++) ((double *)out)[i] = element(a->data, a->dtype, i);
        lci_free(a->data);
        a->data = out;
        a->dtype = dtype;
    }
    lci_error_clear();
    return LC_OK;
}
