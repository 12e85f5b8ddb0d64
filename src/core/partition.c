// partition.c: split rows into contiguous ranges of near-equal cost (nonzeros + a per-row cost).
#include "internal.h"

// Cost of rows [0, i): ptr[i] - ptr[0] + i·row_cost.
static int64_t cost_before(const int64_t *ptr, int64_t i, int64_t row_cost) {
    return (ptr[i] - ptr[0]) + i * row_cost;
}

void lci_partition_rows(const int64_t *ptr, int64_t m, int64_t row_cost, int parts,
                        int64_t *bounds) {
    bounds[0] = 0;
    int64_t total = cost_before(ptr, m, row_cost);
    for (int p = 1; p < parts; p++) {
        // First row whose prefix cost reaches p/parts of the total (binary search, so a few
        // very long rows still land in ranges of their own).
        int64_t target = (int64_t)((double)total * p / parts);
        int64_t lo = bounds[p - 1], hi = m;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (cost_before(ptr, mid, row_cost) < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        bounds[p] = lo;
    }
    bounds[parts] = m;
}
