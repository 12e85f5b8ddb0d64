// nm_cases.c: shared pieces of the N:M test suites (see nm_cases.h).
#include "nm_cases.h"

#include <stdlib.h>
#include <string.h>

const nm_shape nm_configs[] = {{2, 4, 1}, {1, 4, 2}, {2, 8, 4},  {4, 8, 3},   {1, 2, 1}, {3, 16, 1},
                               {2, 5, 1}, {3, 7, 2}, {1, 16, 4}, {15, 16, 1}, {2, 4, 4}, {1, 3, 5}};
const size_t nm_nconfigs = sizeof nm_configs / sizeof nm_configs[0];

lc_mat *make_nm(nm_shape c, int64_t m, int64_t k, uint64_t seed, float **dense) {
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    float *a = calloc((size_t)(m * k + 1), sizeof *a);
    tu_random_sparse_dense(&rng, m, k, k > 0 ? k : 1, 0.6, 1, a);
    lc_mat_params p = {.nm_n = c.n, .nm_m = c.mg, .nm_rows = c.v};
    lc_mat *A = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_NM, m, k, a, k > 0 ? k : 1, &p));
    free(a);
    if (dense) *dense = tu_dense_of(A);
    return A;
}

void nm_expect(lc_status got, lc_status want, const char *needle, int line) {
    if (got != want || !strstr(lc_last_error(), needle))
        fail_msg("line %d: %s ('%s'), expected %s with '%s'", line, lc_status_str(got),
                 lc_last_error(), lc_status_str(want), needle);
}
