// stream_avx512.c: read-bandwidth kernel for AVX-512: 64 floats (four cache lines) per
// iteration into four independent accumulators.
#include "mat.h"

#include <immintrin.h>

float lci_stream_64_avx512(const float *buf, size_t count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i < count; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_load_ps(buf + i));
        s1 = _mm512_add_ps(s1, _mm512_load_ps(buf + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_load_ps(buf + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_load_ps(buf + i + 48));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

const lci_kernel lci_stream_kernels_avx512[] = {
    {LCI_KERNEL_STREAM, LC_ISA_AVX512, "lci_stream_64_avx512", (lci_fn)lci_stream_64_avx512},
    {0, 0, NULL, NULL},
};
