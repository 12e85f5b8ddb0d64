// bsr_random.c: random BSR matrices for benchmarks and tests, built directly in sparse form:
// an exact tile count spread evenly over the block rows, block columns drawn without
// replacement (Floyd), nonzero values uniform in [-1, 1).
#include "bsr.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

// Chooses r distinct block columns of [0, kb) into col[0..r), sorted; mark holds kb zero bytes
// on entry and on exit.
static void pick_columns(lci_rng *rng, int64_t kb, int64_t r, uint8_t *mark, int32_t *col) {
    // Floyd: for j = kb-r .. kb-1 draw t in [0, j], take t, or j when t is taken already.
    for (int64_t j = kb - r, q = 0; j < kb; j++) {
        int64_t t = (int64_t)lci_rng_below(rng, (uint64_t)j + 1);
        int64_t c = mark[t] ? j : t;
        mark[c] = 1;
        col[q++] = (int32_t)c;
    }
    if (r * 16 >= kb) { // dense block rows: read the marks back in order
        int64_t q = 0;
        for (int64_t c = 0; c < kb; c++)
            if (mark[c]) col[q++] = (int32_t)c, mark[c] = 0;
    } else {
        qsort(col, (size_t)r, sizeof *col, cmp_i32);
        for (int64_t q = 0; q < r; q++) mark[col[q]] = 0;
    }
}

lc_status lci_bsr_random(lc_mat **out, int64_t m, int64_t k, int32_t bh, int32_t bw,
                         double tile_density, uint64_t seed) {
    const char *who = "lci_bsr_random";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k)) || (st = lci_bsr_check_block(who, bh, bw))) return st;
    if (!(tile_density > 0 && tile_density <= 1))
        return lci_error(LC_ERR_ARG, "%s: tile density %g is outside (0, 1]", who, tile_density);
    const int64_t mb = (m + bh - 1) / bh, kb = (k + bw - 1) / bw;
    const int64_t tiles = mb > 0 && kb > 0 ? lci_density_count(tile_density, mb, kb) : 0;
    lci_bsr *b = NULL;
    uint8_t *mark = NULL;
    if ((st = lci_bsr_alloc(&b, m, k, bh, bw, tiles, who))) return st;
    if (!(mark = lci_calloc((size_t)kb + 1, 1))) {
        st = lci_error(LC_ERR_NOMEM, "%s: cannot allocate %lld block column marks", who,
                       (long long)kb);
        goto done;
    }
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    const int64_t base = mb > 0 ? tiles / mb : 0, rem = mb > 0 ? tiles % mb : 0;
    const int64_t area = (int64_t)bh * bw;
    b->ptr[0] = 0;
    for (int64_t I = 0; I < mb; I++) // base tiles, one more for rem block rows spaced out evenly
        b->ptr[I + 1] = b->ptr[I] + base + ((I + 1) * rem / mb - I * rem / mb);
    lci_bsr_place(b); // zero values, their pages placed by the threads that will read them
    for (int64_t I = 0; I < mb; I++) {
        const int64_t t0 = b->ptr[I], count = b->ptr[I + 1] - t0;
        const int32_t rows = lci_bsr_rows(b, I);
        pick_columns(&rng, kb, count, mark, b->col + t0);
        for (int64_t t = t0; t < t0 + count; t++) {
            const int32_t cols = lci_bsr_cols(b, b->col[t]);
            float *v = b->val + t * area;
            // Values drawn row by row inside the matrix, stored column-major.
            for (int32_t r = 0; r < rows; r++)
                for (int32_t c = 0; c < cols; c++) {
                    float x;
                    do x = lci_rng_float(&rng);
                    while (x == 0.0f);
                    v[(int64_t)c * bh + r] = x;
                }
        }
    }
    lci_bsr_finish(b);
    *out = &b->base;
    b = NULL;
    lci_error_clear();
done:
    if (b) lc_mat_free(&b->base);
    lci_free(mark);
    return st;
}
