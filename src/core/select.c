// select.c: keep exactly the nkeep entries of largest magnitude, ties to the lower index
// (radix select on the bits of |v|: linear time whatever the data).
#include "internal.h"

#include <math.h>
#include <string.h>

// Positive floats order like their bit patterns; NaN sorts above Inf (kept first).
static uint32_t mag_key(float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x7fffffffu;
}

int64_t lci_density_count(double density, int64_t m, int64_t k) {
    double total = (double)m * (double)k;
    double want = round(density * total); // halves away from zero, as C round()
    if (!(want > 0)) return 0;
    if (want >= total) return m * k;
    return (int64_t)want;
}

lc_status lci_select_largest(const float *val, int64_t count, int64_t nkeep, uint8_t *keep) {
    if (nkeep >= count) {
        memset(keep, 1, (size_t)count);
        return LC_OK;
    }
    memset(keep, 0, (size_t)count);
    if (nkeep <= 0) return LC_OK;
    int64_t *hist = lci_calloc(65536, sizeof *hist);
    if (!hist) return lci_error(LC_ERR_NOMEM, "magnitude selection: cannot allocate histogram");
    // Pass 1: the high 16 bits of the threshold key.
    for (int64_t i = 0; i < count; i++) hist[mag_key(val[i]) >> 16]++;
    int64_t above = 0; // entries whose key is above the current bucket
    uint32_t hi = 65535;
    while (above + hist[hi] < nkeep) above += hist[hi--];
    // Pass 2: the low 16 bits, among keys in bucket `hi`.
    memset(hist, 0, 65536 * sizeof *hist);
    for (int64_t i = 0; i < count; i++) {
        uint32_t key = mag_key(val[i]);
        if ((key >> 16) == hi) hist[key & 0xffff]++;
    }
    uint32_t lo = 65535;
    while (above + hist[lo] < nkeep) above += hist[lo--];
    lci_free(hist);
    uint32_t threshold = (hi << 16) | lo;
    int64_t ties = nkeep - above; // how many entries equal to the threshold to keep
    for (int64_t i = 0; i < count; i++) {
        uint32_t key = mag_key(val[i]);
        if (key > threshold)
            keep[i] = 1;
        else if (key == threshold && ties > 0) {
            keep[i] = 1;
            ties--;
        }
    }
    return LC_OK;
}
