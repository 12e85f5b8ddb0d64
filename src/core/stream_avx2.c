// stream_avx2.c: read-bandwidth kernel for AVX2: 64 floats (two cache lines) per iteration
// into eight independent accumulators.
#include "mat.h"

#include <immintrin.h>

float lci_stream_64_avx2(const float *buf, size_t count) {
    __m256 s[8];
    for (int l = 0; l < 8; l++) s[l] = _mm256_setzero_ps();
    for (size_t i = 0; i < count; i += 64)
        for (int l = 0; l < 8; l++) s[l] = _mm256_add_ps(s[l], _mm256_load_ps(buf + i + 8 * l));
    for (int l = 1; l < 8; l++) s[0] = _mm256_add_ps(s[0], s[l]);
    float out[8];
    _mm256_storeu_ps(out, s[0]);
    return ((out[0] + out[1]) + (out[2] + out[3])) + ((out[4] + out[5]) + (out[6] + out[7]));
}

const lci_kernel lci_stream_kernels_avx2[] = {
    {LCI_KERNEL_STREAM, LC_ISA_AVX2, "lci_stream_64_avx2", (lci_fn)lci_stream_64_avx2},
    {0, 0, NULL, NULL},
};
