// monarch.c: the Monarch format A = P_M·L·P_{bq}ᵀ·R: construction from factors (copied, shapes
// validated), to_dense, to_csr (through a dense copy), info, copies and the vtable.
#include "monarch.h"

#include <string.h>

void lci_monarch_destroy(lc_mat *mat) {
    lci_monarch *a = (lci_monarch *)mat;
    lci_free(a->r);
    lci_free(a->l);
    lci_free(a->rt);
    lci_free(a->lp);
    lci_free(a);
}

// out = A: for each block j of L and each of its columns r, in increasing r, the rank-1 term
// L_j[:, r]·R_k[i, :] lands on rows ≡ j (mod b) of column block k, where r·b + j = k·q + i.
static void monarch_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_monarch *a = (const lci_monarch *)mat;
    const int64_t b = a->b, q = a->q, p = a->p, s = a->s;
    for (int64_t i = 0; i < mat->m; i++) memset(out + i * ld, 0, (size_t)mat->k * sizeof(float));
    for (int64_t j = 0; j < b; j++)
        for (int64_t r = 0; r < q; r++) {
            const int64_t t = r * b + j, k = t / q;
            const float *rk = a->r + (k * q + t % q) * p, *lj = a->l + j * s * q;
            for (int64_t o = 0; o < s; o++) {
                const float c = lj[o * q + r];
                float *row = out + (o * b + j) * ld + k * p;
                for (int64_t x = 0; x < p; x++) row[x] += c * rk[x];
            }
        }
}

// The entries of A as a dense matrix would give them (all, or the nonzeros).
static lc_status monarch_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    float *d = NULL;
    int64_t mk;
    if (lci_mul_i64(mat->m, mat->k, &mk))
        return lci_error(LC_ERR_OVERFLOW, "monarch: %lld×%lld overflows", (long long)mat->m,
                         (long long)mat->k);
    lc_status st = lci_alloc_array((void **)&d, (size_t)mk, sizeof(float), "monarch dense copy");
    if (st) return st;
    lc_mat *view = NULL;
    const int64_t ld = mat->k > 1 ? mat->k : 1;
    if (mk > 0) monarch_to_dense(mat, d, ld);
    if (!(st = lci_dense_wrap(&view, mat->m, mat->k, d, ld))) {
        st = view->vt->to_csr(view, all_entries, v);
        lci_dense_unwrap(view);
    }
    lci_free(d);
    return st;
}

static void monarch_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_monarch *a = (const lci_monarch *)mat;
    const int64_t nr = a->b * a->q * a->p, nl = a->b * a->s * a->q;
    info->stored = info->useful = nr + nl;
    info->nonzeros = lci_count_nonzeros(a->r, nr) + lci_count_nonzeros(a->l, nl);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)(nr + nl);
    info->bytes = (nr + nl) * (int64_t)sizeof(float);
}

// No optimize: the blocks already are what the BLAS reads.
static const lci_vtable monarch_vtable = {.format = LC_FORMAT_MONARCH,
                                          .mm = lci_monarch_mm,
                                          .workspace = lci_monarch_workspace,
                                          .to_dense = monarch_to_dense,
                                          .info = monarch_info,
                                          .to_csr = monarch_to_csr,
                                          .destroy = lci_monarch_destroy,
                                          .optimize = NULL};

lc_status lci_monarch_alloc(lci_monarch **out, int64_t m, int64_t k, int64_t b, int64_t q,
                            const char *who) {
    int64_t nr, nl, nlp;
    // lp pads M to whole 16-output chunks.
    if (lci_mul_i64(q, k, &nr) || lci_mul_i64(q, m, &nl) || m > INT64_MAX - 15 ||
        lci_mul_i64(q, (m + 15) / 16 * 16, &nlp))
        return lci_error(LC_ERR_OVERFLOW, "%s: factors of %lld×%lld with q = %lld overflow", who,
                         (long long)m, (long long)k, (long long)q);
    lci_monarch *a = lci_calloc(1, sizeof *a);
    if (!a) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the monarch header", who);
    a->base = (lc_mat){&monarch_vtable, m, k};
    a->b = b, a->q = q, a->p = k / b, a->s = m / b;
    lc_status st;
    if ((st = lci_alloc_array((void **)&a->r, (size_t)nr, sizeof(float), "monarch factor R")) ||
        (st = lci_alloc_array((void **)&a->l, (size_t)nl, sizeof(float), "monarch factor L")) ||
        (st = lci_alloc_array((void **)&a->rt, (size_t)nr, sizeof(float), "monarch packed R")) ||
        (st = lci_alloc_array((void **)&a->lp, (size_t)nlp, sizeof(float), "monarch packed L"))) {
        lci_monarch_destroy(&a->base);
        return st;
    }
    *out = a;
    return LC_OK;
}

void lci_monarch_pack(lci_monarch *a) {
    const int64_t b = a->b, q = a->q, p = a->p, s = a->s, m = a->base.m;
    for (int64_t k = 0; k < b; k++)
        for (int64_t i = 0; i < q; i++)
            for (int64_t c = 0; c < p; c++) a->rt[(k * p + c) * q + i] = a->r[(k * q + i) * p + c];
    for (int64_t h = 0; h < (m + 15) / 16; h++)
        for (int64_t r = 0; r < q; r++)
            for (int64_t e = 0; e < 16; e++) {
                const int64_t t = 16 * h + e, o = t / b, j = t % b;
                a->lp[(h * q + r) * 16 + e] = t < m ? a->l[(j * s + o) * q + r] : 0.0f;
            }
}

lc_status lci_monarch_check_blocks(const char *who, int64_t m, int64_t k, int64_t b) {
    if (b < 1 || b > INT32_MAX || m % b != 0 || k % b != 0)
        return lci_error(LC_ERR_ARG,
                         "%s: %lld blocks do not divide the %lld×%lld matrix (the block count "
                         "must be >= 1 and divide both M and K)",
                         who, (long long)b, (long long)m, (long long)k);
    return LC_OK;
}

lc_status lc_mat_create_monarch(lc_mat **out, int64_t m, int64_t k, int64_t nblocks, int64_t q,
                                const float *r, const float *l) {
    static const char who[] = "lc_mat_create_monarch";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k)) || (st = lci_monarch_check_blocks(who, m, k, nblocks)))
        return st;
    if (q < 1 || q > INT32_MAX)
        return lci_error(LC_ERR_ARG, "%s: inner block size q = %lld must be in 1..INT32_MAX", who,
                         (long long)q);
    if ((!r && k > 0) || (!l && m > 0)) return lci_error(LC_ERR_ARG, "%s: NULL factor", who);
    lci_monarch *a = NULL;
    if ((st = lci_monarch_alloc(&a, m, k, nblocks, q, who))) return st;
    if (k > 0) memcpy(a->r, r, (size_t)(q * k) * sizeof(float));
    if (m > 0) memcpy(a->l, l, (size_t)(q * m) * sizeof(float));
    lci_monarch_pack(a);
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_monarch_copy(lc_mat **out, const lc_mat *mat) {
    const lci_monarch *a = (const lci_monarch *)mat;
    lci_monarch *c = NULL;
    lc_status st = lci_monarch_alloc(&c, mat->m, mat->k, a->b, a->q, "monarch copy");
    if (st) return st;
    memcpy(c->r, a->r, (size_t)(a->q * mat->k) * sizeof(float));
    memcpy(c->l, a->l, (size_t)(a->q * mat->m) * sizeof(float));
    lci_monarch_pack(c);
    *out = &c->base;
    return LC_OK;
}
