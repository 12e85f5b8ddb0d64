// butterfly_mm.c: Y = alpha·B·X + beta·Y for the butterfly format: vectors go through an N×16
// tile (zero-padded past K, bit-reversed when the matrix says so), the factors run on it (the
// small strides in L1-sized chunks, the rest over the whole tile), and the first M rows come
// back scaled. Tiles are fixed blocks of 16 vectors, split over lacuna's threads, so results do
// not depend on the thread count.
#include "butterfly.h"

enum { W = LCI_BF_LANES };

typedef struct bf_job {
    const lci_butterfly *a;
    const lci_mm_args *g;
    lci_butterfly_stages_fn fn;
    int64_t tiles;
    int parts;
} bf_job;

// Tile rows = entries of the (permuted, zero-padded) input for vectors [j0, j0 + nb).
static void pack(const lci_butterfly *a, const lci_mm_args *g, int64_t j0, int64_t nb,
                 float *tile) {
    const int64_t nn = a->nn, k = a->base.k;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    for (int64_t r = 0; r < nn; r++) {
        const int64_t src = a->bitrev ? lci_bitrev(r, a->levels) : r;
        float *t = tile + r * W;
        int64_t j = 0;
        if (src < k) {
            if (cols)
                for (const float *x = g->x + src * g->ldx + j0; j < nb; j++) t[j] = x[j];
            else
                for (const float *x = g->x + j0 * g->ldx + src; j < nb; j++) t[j] = x[j * g->ldx];
        }
        for (; j < W; j++) t[j] = 0.0f;
    }
}

// Y[:, j0 .. j0 + nb) = alpha·tile[0 .. M) + beta·Y (beta = 0 overwrites).
static void unpack(const lci_butterfly *a, const lci_mm_args *g, int64_t j0, int64_t nb,
                   const float *tile) {
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const float alpha = g->alpha, beta = g->beta;
    for (int64_t i = 0; i < a->base.m; i++) {
        const float *t = tile + i * W;
        const int64_t step = cols ? 1 : g->ldy;
        float *y = cols ? g->y + i * g->ldy + j0 : g->y + j0 * g->ldy + i;
        if (beta == 0.0f)
            for (int64_t j = 0; j < nb; j++) y[j * step] = alpha * t[j];
        else
            for (int64_t j = 0; j < nb; j++) y[j * step] = alpha * t[j] + beta * y[j * step];
    }
}

static void run_tile(const bf_job *j, int64_t tile_index, float *tile) {
    const lci_butterfly *a = j->a;
    const int64_t j0 = tile_index * W, left = j->g->n - j0, nb = left < W ? left : W;
    pack(a, j->g, j0, nb, tile);
    int32_t t1 = 0;
    while (t1 < a->levels && ((int64_t)2 << t1) <= LCI_BF_CHUNK) t1++;
    const int64_t chunk = (int64_t)1 << t1;
    for (int64_t r0 = 0; r0 < a->nn; r0 += chunk) j->fn(a->f, a->nn, 0, t1, tile, r0, chunk);
    if (t1 < a->levels) j->fn(a->f, a->nn, t1, a->levels, tile, 0, a->nn);
    unpack(a, j->g, j0, nb, tile);
}

static void part_fn(void *vjob, int part) {
    const bf_job *j = vjob;
    float *tile = (float *)j->g->work + (int64_t)part * j->a->nn * W;
    for (int64_t t = part; t < j->tiles; t += j->parts) run_tile(j, t, tile);
}

static size_t tile_bytes(const lci_butterfly *a) {
    return (size_t)a->nn * W * sizeof(float);
}

lc_status lci_butterfly_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_butterfly *a = (const lci_butterfly *)mat;
    bf_job job = {.a = a, .g = g, .tiles = (g->n + W - 1) / W};
    job.fn = (lci_butterfly_stages_fn)lci_kernel_get(LCI_KERNEL_BUTTERFLY_STAGES);
    // A thread pays off from about a million flops; never more parts than tiles or tile
    // buffers in the workspace.
    const double work = 2.0 * (double)a->nn * a->levels * (double)job.tiles * W;
    int64_t parts = lci_threads_for(work, 1 << 20);
    const int64_t buffers = (int64_t)(g->work_size / tile_bytes(a));
    if (parts > job.tiles) parts = job.tiles;
    if (parts > buffers) parts = buffers;
    job.parts = parts < 1 ? 1 : (int)parts;
    lci_parallel(job.parts, part_fn, &job);
    return LC_OK;
}

size_t lci_butterfly_workspace(const lc_mat *mat, lc_layout layout, int64_t n) {
    (void)layout;
    const lci_butterfly *a = (const lci_butterfly *)mat;
    int64_t parts = lc_threads_get(), tiles = (n + W - 1) / W;
    if (parts > tiles) parts = tiles;
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts < 1) parts = 1;
    size_t bytes;
    if (lci_mul_size(tile_bytes(a), (size_t)parts, &bytes) || bytes == SIZE_MAX) return SIZE_MAX;
    return bytes;
}
