// sum.c: the sum format A = B + C of two operators of any formats, applied without forming the
// sum: Y = alpha·B·X + beta·Y, then Y += alpha·C·X (the operands are deep copies).
#include "../../core/mat.h"

#include <string.h>

typedef struct lci_sum {
    lc_mat base;
    lc_mat *b, *c; // owned copies
} lci_sum;

static void sum_destroy(lc_mat *mat) {
    lci_sum *s = (lci_sum *)mat;
    lc_mat_free(s->b);
    lc_mat_free(s->c);
    lci_free(s);
}

// B's product with the caller's alpha and beta, then C's with beta = 1; one workspace serves
// both in turn.
static lc_status sum_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_sum *s = (const lci_sum *)mat;
    lc_status st = s->b->vt->mm(s->b, g);
    if (st) return st;
    lci_mm_args gc = *g;
    gc.beta = 1.0f;
    return s->c->vt->mm(s->c, &gc);
}

static size_t sum_workspace(const lc_mat *mat, lc_layout layout, int64_t n) {
    const lci_sum *s = (const lci_sum *)mat;
    size_t wb = s->b->vt->workspace(s->b, layout, n), wc = s->c->vt->workspace(s->c, layout, n);
    return wb > wc ? wb : wc;
}

// dense(B) + dense(C), each entry rounded once; C's copy needs an M×K scratch array.
static lc_status sum_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_sum *s = (const lci_sum *)mat;
    const int64_t m = mat->m, k = mat->k;
    float *t = NULL;
    lc_status st = lci_alloc_array((void **)&t, (size_t)(m * k), sizeof(float), "sum dense copy");
    if (st) return st;
    if ((st = lci_mat_to_dense(s->b, out, ld)) || (st = lci_mat_to_dense(s->c, t, k))) {
        lci_free(t);
        return st;
    }
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++) out[i * ld + p] += t[i * k + p];
    lci_free(t);
    return LC_OK;
}

static void sum_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_sum *s = (const lci_sum *)mat;
    struct lc_mat_info ib, ic;
    lc_mat_info(s->b, &ib);
    lc_mat_info(s->c, &ic);
    info->stored = ib.stored + ic.stored;
    info->useful = ib.useful + ic.useful;
    info->nonzeros = ib.nonzeros + ic.nonzeros;
    info->flops_per_col = ib.flops_per_col + ic.flops_per_col;
    info->exec_flops_per_col = ib.exec_flops_per_col + ic.exec_flops_per_col;
    info->bytes = ib.bytes + ic.bytes;
    info->extra_bytes = ib.extra_bytes + ic.extra_bytes;
}

// The two canonical views merged row by row; a column both hold gets B's value + C's.
static lc_status sum_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    const lci_sum *s = (const lci_sum *)mat;
    lci_csr_view vb = {0}, vc = {0};
    lc_status st;
    if ((st = s->b->vt->to_csr(s->b, all_entries, &vb))) return st;
    if ((st = s->c->vt->to_csr(s->c, all_entries, &vc))) {
        lci_csr_view_release(&vb);
        return st;
    }
    int64_t nnz = 0;
    for (int pass = 0; pass < 2; pass++) {
        int64_t q = 0;
        int64_t *ptr = pass ? v->owned[0] : NULL;
        int32_t *col = pass ? v->owned[1] : NULL;
        float *val = pass ? v->owned[2] : NULL;
        if (pass) ptr[0] = 0;
        for (int64_t i = 0; i < mat->m; i++) {
            int64_t p = vb.ptr[i], pe = vb.ptr[i + 1], r = vc.ptr[i], re = vc.ptr[i + 1];
            while (p < pe || r < re) {
                int32_t cb = p < pe ? vb.col[p] : INT32_MAX, cc = r < re ? vc.col[r] : INT32_MAX;
                int32_t c = cb < cc ? cb : cc;
                if (pass) {
                    col[q] = c;
                    val[q] = cb == cc ? vb.val[p] + vc.val[r] : cb < cc ? vb.val[p] : vc.val[r];
                }
                q++;
                p += cb == c, r += cc == c;
            }
            if (pass) ptr[i + 1] = q;
        }
        if (!pass && (st = lci_csr_view_alloc(v, mat->m, mat->k, nnz = q))) break;
    }
    lci_csr_view_release(&vb);
    lci_csr_view_release(&vc);
    return st;
}

// Optimises copies of both operands and swaps them in only when both succeed, so a failure
// leaves the sum as it was.
static lc_status sum_optimize(lc_mat *mat, int64_t n_hint) {
    lci_sum *s = (lci_sum *)mat;
    lc_mat *nb = NULL, *nc = NULL;
    lc_status st;
    if (!s->b->vt->optimize && !s->c->vt->optimize) return LC_OK;
    if ((st = lci_mat_copy(&nb, s->b)) || (st = lci_mat_copy(&nc, s->c)) ||
        (nb->vt->optimize && (st = nb->vt->optimize(nb, n_hint))) ||
        (nc->vt->optimize && (st = nc->vt->optimize(nc, n_hint)))) {
        lc_mat_free(nb);
        lc_mat_free(nc);
        return st;
    }
    lc_mat_free(s->b);
    lc_mat_free(s->c);
    s->b = nb, s->c = nc;
    return LC_OK;
}

static const lci_vtable sum_vtable = {.format = LC_FORMAT_SUM,
                                      .mm = sum_mm,
                                      .workspace = sum_workspace,
                                      .to_dense = NULL,
                                      .info = sum_info,
                                      .to_csr = sum_to_csr,
                                      .destroy = sum_destroy,
                                      .optimize = sum_optimize,
                                      .to_dense_alloc = sum_to_dense};

// A sum over copies of b and c (shapes already checked).
static lc_status sum_build(lc_mat **out, const lc_mat *b, const lc_mat *c) {
    lci_sum *s = lci_calloc(1, sizeof *s);
    if (!s) return lci_error(LC_ERR_NOMEM, "sum: cannot allocate the header");
    s->base = (lc_mat){&sum_vtable, b->m, b->k};
    lc_status st;
    if ((st = lci_mat_copy(&s->b, b)) || (st = lci_mat_copy(&s->c, c))) {
        sum_destroy(&s->base);
        return st;
    }
    *out = &s->base;
    return LC_OK;
}

lc_status lc_mat_create_sum(lc_mat **out, const lc_mat *b, const lc_mat *c) {
    if (!out || !b || !c) return lci_error(LC_ERR_ARG, "lc_mat_create_sum: NULL argument");
    if (b->m != c->m || b->k != c->k)
        return lci_error(LC_ERR_ARG, "lc_mat_create_sum: B is %lld×%lld but C is %lld×%lld",
                         (long long)b->m, (long long)b->k, (long long)c->m, (long long)c->k);
    lc_status st = sum_build(out, b, c);
    if (!st) lci_error_clear();
    return st;
}

lc_status lci_sum_copy(lc_mat **out, const lc_mat *a) {
    const lci_sum *s = (const lci_sum *)a;
    return sum_build(out, s->b, s->c);
}
