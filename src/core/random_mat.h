// random_mat.h: random sparse matrices built directly in sparse form (never through a dense
// M×K array), for benchmarks and tests.
#ifndef LACUNA_RANDOM_MAT_H
#define LACUNA_RANDOM_MAT_H

#include "internal.h"

// A random M×K CSR matrix with exactly round(density·M·K) entries (lci_density_count):
// - spread evenly over the rows: row i holds floor((i+1)·nnz/M) − floor(i·nnz/M) entries, so
//   row lengths differ by at most one and the longer rows are spaced out;
// - columns of a row uniform without replacement (Floyd's algorithm), stored sorted;
// - values uniform in [-1, 1), never exactly 0.
// The same (m, k, density, seed) gives the same matrix on every platform. density in (0, 1];
// a density that rounds to no entry gives an empty matrix. Errors: LC_ERR_ARG (shape, density),
// LC_ERR_OVERFLOW, LC_ERR_NOMEM. *out is freed with lc_mat_free.
lc_status lci_random_csr(lc_mat **out, int64_t m, int64_t k, double density, uint64_t seed);

#endif // LACUNA_RANDOM_MAT_H
