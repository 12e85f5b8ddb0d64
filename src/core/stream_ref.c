// stream_ref.c: read-bandwidth kernel in plain C: the sum of a buffer, eight accumulators.
#include "mat.h"

float lci_stream_ref(const float *buf, size_t count) {
    float s[8] = {0};
    for (size_t i = 0; i < count; i += 8)
        for (int l = 0; l < 8; l++) s[l] += buf[i + l];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

const lci_kernel lci_stream_kernels_ref[] = {
    {LCI_KERNEL_STREAM, LC_ISA_GENERIC, "lci_stream_ref", (lci_fn)lci_stream_ref},
    {0, 0, NULL, NULL},
};
