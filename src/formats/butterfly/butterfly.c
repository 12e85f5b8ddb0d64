// butterfly.c: the butterfly format B = [M_{L-1}]·B_{L-1}···[M_0]·B_0·P of size N = 2^L as an
// M×K operator: construction from raw factors and mirror layers (copied), the random orthogonal,
// Walsh–Hadamard and Hartley matrices, to_dense (the layers applied to unit vectors), to_csr
// (through a dense copy), info, copies and the vtable.
#include "butterfly.h"

#include <math.h>
#include <string.h>

void lci_butterfly_destroy(lc_mat *mat) {
    lci_butterfly *a = (lci_butterfly *)mat;
    lci_free(a->f);
    lci_free(a->g);
    lci_free(a);
}

int64_t lci_bitrev(int64_t i, int32_t levels) {
    int64_t r = 0;
    for (int32_t b = 0; b < levels; b++, i >>= 1) r = r << 1 | (i & 1);
    return r;
}

static int64_t factor_floats(const lci_butterfly *a) {
    return (int64_t)a->levels * (a->nn / 2) * 4;
}

static int64_t mirror_floats(const lci_butterfly *a) {
    return (int64_t)__builtin_popcountll(a->mirror) * (a->nn / 2) * 4;
}

// Columns of B in blocks of 16 unit vectors, through the plain C stages (so every ISA level
// gives the same dense copy): out[i, p] = (B·e_p)[i].
static lc_status butterfly_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_butterfly *a = (const lci_butterfly *)mat;
    enum { W = LCI_BF_LANES };
    float *tile = NULL;
    lc_status st = lci_alloc_array((void **)&tile, (size_t)a->nn * W, sizeof(float),
                                   "butterfly to_dense tile");
    if (st) return st;
    for (int64_t p0 = 0; p0 < mat->k; p0 += W) {
        const int64_t nb = mat->k - p0 < W ? mat->k - p0 : W;
        memset(tile, 0, (size_t)a->nn * W * sizeof(float));
        for (int64_t r = 0; r < a->nn; r++) {
            const int64_t src = a->bitrev ? lci_bitrev(r, a->levels) : r;
            if (src >= p0 && src < p0 + nb) tile[r * W + (src - p0)] = 1.0f;
        }
        lci_butterfly_stages_ref(a, 0, a->levels, tile, 0, a->nn);
        for (int64_t i = 0; i < mat->m; i++)
            for (int64_t j = 0; j < nb; j++) out[i * ld + p0 + j] = tile[i * W + j];
    }
    lci_free(tile);
    return LC_OK;
}

// Every entry of the M×K matrix (or the nonzeros), as a dense matrix would give them.
static lc_status butterfly_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    float *d = NULL;
    int64_t mk;
    if (lci_mul_i64(mat->m, mat->k, &mk))
        return lci_error(LC_ERR_OVERFLOW, "butterfly: %lld×%lld overflows", (long long)mat->m,
                         (long long)mat->k);
    lc_status st = lci_alloc_array((void **)&d, (size_t)mk, sizeof(float), "butterfly dense copy");
    if (st) return st;
    lc_mat *view = NULL;
    const int64_t ld = mat->k > 1 ? mat->k : 1;
    if ((mk == 0 || !(st = butterfly_to_dense(mat, d, ld))) &&
        !(st = lci_dense_wrap(&view, mat->m, mat->k, d, ld))) {
        st = view->vt->to_csr(view, all_entries, v);
        lci_dense_unwrap(view);
    }
    lci_free(d);
    return st;
}

static void butterfly_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_butterfly *a = (const lci_butterfly *)mat;
    const int64_t sf = factor_floats(a), sg = mirror_floats(a), s = sf + sg;
    info->stored = info->useful = s;
    info->nonzeros = lci_count_nonzeros(a->f, sf) + (sg ? lci_count_nonzeros(a->g, sg) : 0);
    // 2 flops per stored entry (a multiply and an add), as DESIGN.md's 4·N·log2(N) (plus 4·N per
    // mirror layer).
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)s;
    info->bytes = s * (int64_t)sizeof(float);
}

// No optimize: the factors are stored in the order the kernels read them.
static const lci_vtable butterfly_vtable = {.format = LC_FORMAT_BUTTERFLY,
                                            .mm = lci_butterfly_mm,
                                            .workspace = lci_butterfly_workspace,
                                            .to_dense = NULL,
                                            .info = butterfly_info,
                                            .to_csr = butterfly_to_csr,
                                            .destroy = lci_butterfly_destroy,
                                            .optimize = NULL,
                                            .to_dense_alloc = butterfly_to_dense};

lc_status lci_butterfly_alloc(lci_butterfly **out, int64_t m, int64_t k, int64_t nn, int32_t bitrev,
                              uint64_t mirror, const char *who) {
    int32_t levels = 0;
    while (((int64_t)1 << levels) < nn) levels++;
    const int64_t floats = (int64_t)levels * (nn / 2) * 4;
    lci_butterfly *a = lci_calloc(1, sizeof *a);
    if (!a) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the butterfly header", who);
    a->base = (lc_mat){&butterfly_vtable, m, k};
    a->nn = nn, a->levels = levels, a->bitrev = bitrev, a->mirror = mirror;
    lc_status st = lci_alloc_array((void **)&a->f, (size_t)(floats > 4 ? floats : 4), sizeof(float),
                                   "butterfly factors");
    if (!st && mirror)
        st = lci_alloc_array((void **)&a->g, (size_t)mirror_floats(a), sizeof(float),
                             "butterfly mirror layers");
    if (st) {
        lci_butterfly_destroy(&a->base);
        return st;
    }
    *out = a;
    return LC_OK;
}

// Checks M, K, N for a constructor: N a power of two in 1 .. 2^30 with M, K <= N.
static lc_status check_size(const char *who, int64_t m, int64_t k, int64_t nn) {
    lc_status st = lci_check_shape(who, m, k);
    if (st) return st;
    if (nn < 1 || nn > ((int64_t)1 << 30) || (nn & (nn - 1)))
        return lci_error(LC_ERR_ARG,
                         "%s: size N = %lld is not a power of two in 1..2^30 (pad: give the next "
                         "power of two with M, K <= N)",
                         who, (long long)nn);
    if (m > nn || k > nn)
        return lci_error(LC_ERR_ARG, "%s: %lld×%lld does not fit a butterfly of size %lld", who,
                         (long long)m, (long long)k, (long long)nn);
    return LC_OK;
}

static lc_status create(const char *who, lc_mat **out, int64_t m, int64_t k, int64_t nn,
                        const float *factors, int32_t bit_reverse, uint64_t mirror,
                        const float *mirrors) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = check_size(who, m, k, nn))) return st;
    if (bit_reverse != 0 && bit_reverse != 1)
        return lci_error(LC_ERR_ARG, "%s: bit_reverse = %d, must be 0 or 1", who, bit_reverse);
    if (!factors && nn > 1) return lci_error(LC_ERR_ARG, "%s: NULL factors", who);
    int32_t levels = 0;
    while (((int64_t)1 << levels) < nn) levels++;
    if (levels < 64 && mirror >> levels)
        return lci_error(LC_ERR_ARG,
                         "%s: mirror mask 0x%llx names layer %d, but N = %lld has factors 0..%d",
                         who, (unsigned long long)mirror, 63 - __builtin_clzll(mirror),
                         (long long)nn, levels - 1);
    if (mirror && !mirrors) return lci_error(LC_ERR_ARG, "%s: NULL mirror blocks", who);
    lci_butterfly *a = NULL;
    if ((st = lci_butterfly_alloc(&a, m, k, nn, bit_reverse, mirror, who))) return st;
    if (nn > 1) memcpy(a->f, factors, (size_t)factor_floats(a) * sizeof(float));
    if (mirror) memcpy(a->g, mirrors, (size_t)mirror_floats(a) * sizeof(float));
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_mat_create_butterfly(lc_mat **out, int64_t m, int64_t k, int64_t nn,
                                  const float *factors, int32_t bit_reverse) {
    return create("lc_mat_create_butterfly", out, m, k, nn, factors, bit_reverse, 0, NULL);
}

lc_status lc_mat_create_butterfly_mirrored(lc_mat **out, int64_t m, int64_t k, int64_t nn,
                                           const float *factors, int32_t bit_reverse,
                                           uint64_t mirror, const float *mirrors) {
    return create("lc_mat_create_butterfly_mirrored", out, m, k, nn, factors, bit_reverse, mirror,
                  mirrors);
}

lc_status lc_butterfly_random_orthogonal(lc_mat **out, int64_t nn, uint64_t seed) {
    static const char who[] = "lc_butterfly_random_orthogonal";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = check_size(who, nn, nn, nn))) return st;
    lci_butterfly *a = NULL;
    if ((st = lci_butterfly_alloc(&a, nn, nn, nn, 0, 0, who))) return st;
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    const double two_pi = 6.283185307179586476925286766559;
    for (int64_t q = 0; q < factor_floats(a) / 4; q++) {
        // θ uniform in [0, 2π): [cos θ, −sin θ; sin θ, cos θ].
        const double th = (double)(lci_rng_next(&rng) >> 11) * 0x1p-53 * two_pi;
        const float c = (float)cos(th), s = (float)sin(th);
        float *b = a->f + q * 4;
        b[0] = c, b[1] = -s, b[2] = s, b[3] = c;
    }
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_butterfly_hadamard(lc_mat **out, int64_t nn) {
    static const char who[] = "lc_butterfly_hadamard";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = check_size(who, nn, nn, nn))) return st;
    lci_butterfly *a = NULL;
    if ((st = lci_butterfly_alloc(&a, nn, nn, nn, 0, 0, who))) return st;
    for (int64_t q = 0; q < factor_floats(a) / 4; q++) {
        float *b = a->f + q * 4;
        b[0] = 1.0f, b[1] = 1.0f, b[2] = 1.0f, b[3] = -1.0f;
    }
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

// The fast Hartley transform (decimation in time) as layers: with the input bit-reversed, the
// size-2h step combines the DHTs E (rows b .. b+h) and O (rows b+h .. b+2h) of the halves as
//   X[k] = E[k] + c_k·O[k] + s_k·O[−k mod h],  X[k+h] = E[k] − c_k·O[k] − s_k·O[−k mod h]
// with c_k = cos(πk/h), s_k = sin(πk/h): first O[k], O[h−k] ← the reflection [c s; s −c] of the
// pair ("dual nodes"; O[0] and O[h/2] stay), which is mirror layer t−1 (identity on the E
// blocks), then factor t with every block [1 1; 1 −1]. For h = 2 the step is the identity, for
// h = 4 it pairs what factor 1 pairs and is multiplied into it; so mirror layers 2 .. L−2.
// Blocks in double, rounded once to float.
lc_status lc_butterfly_hartley(lc_mat **out, int64_t nn) {
    static const char who[] = "lc_butterfly_hartley";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = check_size(who, nn, nn, nn))) return st;
    int32_t levels = 0;
    while (((int64_t)1 << levels) < nn) levels++;
    uint64_t mirror = 0;
    for (int32_t t = 2; t + 1 < levels; t++) mirror |= (uint64_t)1 << t;
    lci_butterfly *a = NULL;
    if ((st = lci_butterfly_alloc(&a, nn, nn, nn, 1, mirror, who))) return st;
    const int64_t half = nn / 2;
    const double pi = 3.14159265358979323846264338327950288;
    for (int32_t t = 0; t < levels; t++)
        for (int64_t q = 0; q < half; q++) {
            double blk[4] = {1, 1, 1, -1};
            const int64_t j = q & 1; // factor 1: rows (b + j, b + j + 2) of a block of 4
            if (t == 1 && (q >> 1 & 1) && j) {
                // The h = 4 reflection [c s; s −c] (c = s = cos(π/4)) on the odd block's rows 1
                // and 3, times [1 1; 1 −1]: [c + s, c − s; s − c, s + c].
                const double c = cos(pi / 4);
                blk[0] = 2 * c, blk[1] = 0, blk[2] = 0, blk[3] = 2 * c;
            }
            for (int e = 0; e < 4; e++) a->f[((int64_t)t * half + q) * 4 + e] = (float)blk[e];
        }
    for (int32_t t = 2; t + 1 < levels; t++) {
        const int64_t h = (int64_t)1 << t; // mirror layer t: blocks of 2h rows, the O blocks odd
        float *g = (float *)lci_butterfly_mirror(a, t);
        for (int64_t q = 0; q < half; q++) {
            const int64_t j = q & (h - 1);
            double blk[4] = {1, 0, 0, 1};
            if ((q >> t & 1) && j) {
                const double c = cos(pi * (double)j / (double)(2 * h));
                const double s = sin(pi * (double)j / (double)(2 * h));
                blk[0] = c, blk[1] = s, blk[2] = s, blk[3] = -c;
            }
            for (int e = 0; e < 4; e++) g[q * 4 + e] = (float)blk[e];
        }
    }
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_butterfly_copy(lc_mat **out, const lc_mat *mat) {
    const lci_butterfly *a = (const lci_butterfly *)mat;
    lci_butterfly *c = NULL;
    lc_status st =
        lci_butterfly_alloc(&c, mat->m, mat->k, a->nn, a->bitrev, a->mirror, "butterfly copy");
    if (st) return st;
    memcpy(c->f, a->f, (size_t)factor_floats(a) * sizeof(float));
    if (a->mirror) memcpy(c->g, a->g, (size_t)mirror_floats(a) * sizeof(float));
    *out = &c->base;
    return LC_OK;
}
