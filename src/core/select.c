// select.c: keep exactly the nkeep values of largest magnitude (or largest key), ties to the
// lower index, by radix select on the bits of the magnitude: linear time whatever the data.
#include "internal.h"

#include <math.h>
#include <string.h>

int64_t lci_density_count(double density, int64_t m, int64_t k) {
    double total = (double)m * (double)k;
    double want = round(density * total); // halves away from zero, as C round()
    if (!(want > 0)) return 0;
    if (want >= total) return m * k;
    return (int64_t)want;
}

lc_status lci_select_largest(const float *val, int64_t count, int64_t nkeep, uint8_t *keep) {
    return lci_select_largest_rows(val, 1, count, count, nkeep, keep);
}

lc_status lci_select_largest_rows(const float *val, int64_t rows, int64_t cols, int64_t ld,
                                  int64_t nkeep, uint8_t *keep) {
    const int64_t count = rows * cols;
    if (nkeep >= count || nkeep <= 0) {
        if (count > 0) memset(keep, nkeep > 0, (size_t)count);
        return LC_OK;
    }
    // Allocated before keep is touched, so a failure leaves it as it was.
    int64_t *hist = lci_calloc(65536, sizeof *hist);
    if (!hist) return lci_error(LC_ERR_NOMEM, "magnitude selection: cannot allocate histogram");
    memset(keep, 0, (size_t)count);
    // Pass 1: the high 16 bits of the threshold key.
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) hist[lci_mag_key(val[r * ld + c]) >> 16]++;
    int64_t above = 0; // entries whose key is above the current bucket
    uint32_t hi = 65535;
    while (above + hist[hi] < nkeep) above += hist[hi--];
    // Pass 2: the low 16 bits, among keys in bucket `hi`.
    memset(hist, 0, 65536 * sizeof *hist);
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) {
            uint32_t key = lci_mag_key(val[r * ld + c]);
            if ((key >> 16) == hi) hist[key & 0xffff]++;
        }
    uint32_t lo = 65535;
    while (above + hist[lo] < nkeep) above += hist[lo--];
    lci_free(hist);
    uint32_t threshold = (hi << 16) | lo;
    int64_t ties = nkeep - above; // how many entries equal to the threshold to keep
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) {
            uint32_t key = lci_mag_key(val[r * ld + c]);
            if (key > threshold)
                keep[r * cols + c] = 1;
            else if (key == threshold && ties > 0) {
                keep[r * cols + c] = 1;
                ties--;
            }
        }
    return LC_OK;
}

void lci_select_keys(const uint64_t *key, int64_t count, int64_t nkeep, int bits, uint8_t *keep) {
    if (nkeep >= count || nkeep <= 0) {
        if (count > 0) memset(keep, nkeep > 0, (size_t)count);
        return;
    }
    memset(keep, 0, (size_t)count);
    // One pass per byte of the key, from the top: the threshold's digits, each among the keys
    // that share the digits found so far. 256 counters fit on the stack.
    uint64_t prefix = 0, known = 0; // the threshold's digits found so far, and their bits
    int64_t above = 0;              // keys known to be above the threshold
    for (int shift = bits - 8; shift >= 0; shift -= 8) {
        int64_t hist[256] = {0};
        for (int64_t i = 0; i < count; i++)
            if ((key[i] & known) == prefix) hist[key[i] >> shift & 255]++;
        int digit = 255;
        while (above + hist[digit] < nkeep) above += hist[digit--];
        prefix |= (uint64_t)digit << shift;
        known |= (uint64_t)255 << shift;
    }
    int64_t ties = nkeep - above;
    for (int64_t i = 0; i < count; i++) {
        if (key[i] > prefix)
            keep[i] = 1;
        else if (key[i] == prefix && ties > 0) {
            keep[i] = 1;
            ties--;
        }
    }
}
