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

// The exponent of lci_random_csr_powerlaw that benchmarks use: 1.2. Uncapped, the top 1% of
// 1000 rows then hold 57% of the entries (75% of 10000 rows), and at 4096×4096 with 95% zeros
// 52 rows are full, the top 10% of the rows hold 69% of the entries and the median row holds a
// quarter of the uniform length.
#define LCI_POWERLAW_EXPONENT 1.2
// Largest exponent accepted (weights of up to 2^31 rows stay far from underflow).
#define LCI_POWERLAW_MAX_EXPONENT 8

// A random M×K CSR matrix with exactly round(density·M·K) entries whose row lengths follow a
// Zipf-like law, so a few rows hold most entries:
// - a random permutation gives every row a rank r in [0, M); rank r has weight (r+1)^-exponent
//   (exponent 0: equal weights);
// - row lengths are proportional to the weights, capped at K: ranks whose share exceeds K hold
//   K entries (full rows) and their excess is shared among the others in proportion to their
//   weights; the shares are rounded by largest remainder (ties to the lower rank), so the
//   lengths add up to nnz exactly;
// - columns of a row uniform without replacement (Floyd's algorithm), stored sorted; values
//   uniform in [-1, 1), never exactly 0.
// Deterministic per (m, k, density, exponent, seed) on every platform: one random stream draws
// the permutation, then each row's columns and values in row order. density in (0, 1],
// exponent in [0, LCI_POWERLAW_MAX_EXPONENT]. Errors: LC_ERR_ARG (shape, density, exponent),
// LC_ERR_OVERFLOW, LC_ERR_NOMEM. *out is freed with lc_mat_free.
lc_status lci_random_csr_powerlaw(lc_mat **out, int64_t m, int64_t k, double density,
                                  double exponent, uint64_t seed);

#endif // LACUNA_RANDOM_MAT_H
