// butterfly_mm.c: Y = alpha·B·X + beta·Y for the butterfly format: vectors go through an N×16
// tile (zero-padded past K, bit-reversed when the matrix says so), the factors (and mirror layers)
// run on it (the small strides in L1-sized chunks, the rest over the whole tile), and the first M
// rows come back scaled. Tiles are fixed blocks of 16 vectors, split over lacuna's threads, so
// results do not depend on the thread count.
#include "butterfly.h"

enum { W = LCI_BF_LANES };

typedef struct bf_job {
    const lci_butterfly *a;
    const lci_mm_args *g;
    lci_butterfly_stages_fn fn;
    int64_t tiles;
    int parts;
} bf_job;

// Rows layout: the tile is the transpose of nb rows of X (or of Y), moved in blocks of TB tile
// rows so that each vector is read (or written) in contiguous runs: reading 16 vectors in
// lockstep would touch 16 lines one leading dimension apart (4 KiB aliasing at ld = 4096).
enum { TB = 64 };

// Tile rows = entries of the (permuted, zero-padded) input for vectors [j0, j0 + nb).
static void pack(const lci_butterfly *a, const lci_mm_args *g, int64_t j0, int64_t nb,
                 float *tile) {
    const int64_t nn = a->nn, k = a->base.k;
    if (g->layout == LC_LAYOUT_COLS) {
        for (int64_t r = 0; r < nn; r++) {
            const int64_t src = a->bitrev ? lci_bitrev(r, a->levels) : r;
            float *t = tile + r * W;
            int64_t j = 0;
            if (src < k)
                for (const float *x = g->x + src * g->ldx + j0; j < nb; j++) t[j] = x[j];
            for (; j < W; j++) t[j] = 0.0f;
        }
        return;
    }
    for (int64_t r0 = 0; r0 < nn; r0 += TB) {
        const int64_t r1 = r0 + TB < nn ? r0 + TB : nn;
        for (int64_t j = 0; j < W; j++) {
            const float *x = g->x + (j0 + j) * g->ldx;
            for (int64_t r = r0; r < r1; r++) {
                const int64_t src = a->bitrev ? lci_bitrev(r, a->levels) : r;
                tile[r * W + j] = j < nb && src < k ? x[src] : 0.0f;
            }
        }
    }
}

// Y[:, j0 .. j0 + nb) = alpha·tile[0 .. M) + beta·Y (beta = 0 overwrites).
static void unpack(const lci_butterfly *a, const lci_mm_args *g, int64_t j0, int64_t nb,
                   const float *tile) {
    const float alpha = g->alpha, beta = g->beta;
    const int64_t m = a->base.m;
    if (g->layout == LC_LAYOUT_COLS) {
        for (int64_t i = 0; i < m; i++) {
            const float *t = tile + i * W;
            float *y = g->y + i * g->ldy + j0;
            if (beta == 0.0f)
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * t[j];
            else
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * t[j] + beta * y[j];
        }
        return;
    }
    for (int64_t i0 = 0; i0 < m; i0 += TB) {
        const int64_t i1 = i0 + TB < m ? i0 + TB : m;
        for (int64_t j = 0; j < nb; j++) {
            float *y = g->y + (j0 + j) * g->ldy;
            if (beta == 0.0f)
                for (int64_t i = i0; i < i1; i++) y[i] = alpha * tile[i * W + j];
            else
                for (int64_t i = i0; i < i1; i++) y[i] = alpha * tile[i * W + j] + beta * y[i];
        }
    }
}

static void run_tile(const bf_job *j, int64_t tile_index, float *tile) {
    const lci_butterfly *a = j->a;
    const int64_t j0 = tile_index * W, left = j->g->n - j0, nb = left < W ? left : W;
    pack(a, j->g, j0, nb, tile);
    int32_t t1 = 0;
    while (t1 < a->levels && ((int64_t)2 << t1) <= LCI_BF_CHUNK) t1++;
    const int64_t chunk = (int64_t)1 << t1;
    for (int64_t r0 = 0; r0 < a->nn; r0 += chunk) j->fn(a, 0, t1, tile, r0, chunk);
    if (t1 < a->levels) j->fn(a, t1, a->levels, tile, 0, a->nn);
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
    const double work =
        2.0 * (double)a->nn * (a->levels + __builtin_popcountll(a->mirror)) * (double)job.tiles * W;
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
