// nm.c: the N:M format (N of every M consecutive columns kept, v rows sharing each pattern):
// layout geometry, validated construction from compressed arrays, to_dense, to_csr, info,
// vtable. Conversions, lc_nm_check and the random generator are in nm_convert.c.
#include "nm.h"

#include <string.h>

int64_t lci_nm_before(const lci_nm *a, int64_t s) {
    int64_t g0 = s * a->tgroups;
    return g0 >= a->groups ? a->per_row : g0 * a->n;
}

// Values of one row in tile s.
static int64_t tile_count(const lci_nm *a, int64_t s) {
    return lci_nm_before(a, s + 1) - lci_nm_before(a, s);
}

float *lci_nm_val_at(const lci_nm *a, int64_t i, int64_t g) {
    const int64_t s = g / a->tgroups, r0 = i / LCI_NM_BLOCK * LCI_NM_BLOCK;
    const int64_t rows = a->base.m - r0 < LCI_NM_BLOCK ? a->base.m - r0 : LCI_NM_BLOCK;
    return a->val + r0 * a->per_row + rows * lci_nm_before(a, s) + (i - r0) * tile_count(a, s) +
           (g - s * a->tgroups) * a->n;
}

uint64_t *lci_nm_bits_at(const lci_nm *a, int64_t r, int64_t s) {
    if (a->v == 1) {
        const int64_t r0 = r / LCI_NM_BLOCK * LCI_NM_BLOCK;
        const int64_t rows = a->base.m - r0 < LCI_NM_BLOCK ? a->base.m - r0 : LCI_NM_BLOCK;
        return a->bits + (r0 * a->tiles + s * rows + (r - r0)) * a->words;
    }
    return a->bits + (r * a->tiles + s) * a->words;
}

#define P2(b0, b1) (uint8_t)((b0) | (b1) << 4)
#define POS4                                                                                       \
    P2(0, 0), P2(0, 0), P2(1, 1), P2(0, 1), P2(2, 2), P2(0, 2), P2(1, 2), P2(0, 2), P2(3, 3),      \
        P2(0, 3), P2(1, 3), P2(0, 3), P2(2, 3), P2(0, 3), P2(1, 3), P2(0, 1)
const uint8_t lci_nm_pos4[64] __attribute__((aligned(64))) = {POS4, POS4, POS4, POS4};
#undef POS4
#undef P2

void lci_nm_set_mask(lci_nm *a, int64_t r, int64_t g, uint32_t mask) {
    const int64_t s = g / a->tgroups;
    uint64_t *w = lci_nm_bits_at(a, r, s);
    const int64_t bit = (g - s * a->tgroups) * a->mg;
    w[bit >> 6] |= (uint64_t)mask << (bit & 63);
    // A group may straddle two words (M not a power of two); tiles never end inside a group.
    if ((bit & 63) + a->mg > 64) w[(bit >> 6) + 1] |= (uint64_t)mask >> (64 - (bit & 63));
}

static void nm_destroy(lc_mat *mat) {
    lci_nm *a = (lci_nm *)mat;
    lci_free(a->bits);
    lci_free(a->val);
    lci_free(a);
}

// The stored entries of row i, columns ascending: into the dense row `row` when it is not
// NULL, else appended to cols/vals.
static void row_entries(const lci_nm *a, int64_t i, float *row, int32_t *cols, float *vals) {
    for (int64_t s = 0; s < a->tiles; s++) {
        const uint64_t *w = lci_nm_bits_at(a, i / a->v, s);
        const float *p = lci_nm_val_at(a, i, s * a->tgroups);
        for (int32_t q = 0; q < a->words; q++)
            for (uint64_t b = w[q]; b; b &= b - 1) {
                const int64_t col = s * a->tw + q * 64 + __builtin_ctzll(b);
                if (row)
                    row[col] = *p++;
                else
                    *cols++ = (int32_t)col, *vals++ = *p++;
            }
    }
}

static void nm_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_nm *a = (const lci_nm *)mat;
    for (int64_t i = 0; i < mat->m; i++) {
        memset(out + i * ld, 0, (size_t)mat->k * sizeof(float));
        row_entries(a, i, out + i * ld, NULL, NULL);
    }
}

static lc_status nm_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    (void)all_entries;
    const lci_nm *a = (const lci_nm *)mat;
    lc_status st = lci_csr_view_alloc(v, mat->m, mat->k, mat->m * a->per_row);
    if (st) return st;
    int64_t *ptr = v->owned[0];
    int32_t *cols = v->owned[1];
    float *vals = v->owned[2];
    // Every row stores per_row entries.
    for (int64_t i = 0; i <= mat->m; i++) ptr[i] = i * a->per_row;
    for (int64_t i = 0; i < mat->m; i++) row_entries(a, i, NULL, cols + ptr[i], vals + ptr[i]);
    return LC_OK;
}

static void nm_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_nm *a = (const lci_nm *)mat;
    // Every stored entry is inside the matrix (a narrow last group stores only its columns), so
    // all of them are useful, explicit zeros included.
    info->stored = info->useful = mat->m * a->per_row;
    info->nonzeros = lci_count_nonzeros(a->val, info->stored);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)info->stored;
    // A product reads the values and the bitmaps, once each.
    info->bytes = info->stored * (int64_t)sizeof(float) +
                  a->rgroups * a->tiles * a->words * (int64_t)sizeof(uint64_t);
}

// The layout is built for the kernels at construction: every row has the same number of values
// in every tile, so there is nothing to balance or inspect, and no faster layout to repack into.
static const lci_vtable nm_vtable = {.format = LC_FORMAT_NM,
                                     .mm = lci_nm_mm,
                                     .workspace = lci_nm_workspace,
                                     .to_dense = nm_to_dense,
                                     .info = nm_info,
                                     .to_csr = nm_to_csr,
                                     .destroy = nm_destroy,
                                     .optimize = NULL};

lc_status lci_nm_alloc(lci_nm **out, int64_t m, int64_t k, int32_t n, int32_t mg, int32_t v) {
    lci_nm *a = lci_calloc(1, sizeof *a);
    if (!a) return lci_error(LC_ERR_NOMEM, "N:M matrix: cannot allocate header");
    a->base = (lc_mat){&nm_vtable, m, k};
    a->n = n, a->mg = mg, a->v = v;
    a->tgroups = LCI_NM_TILE / mg;
    a->tw = a->tgroups * mg;
    a->words = (a->tw + 63) / 64;
    a->groups = (k + mg - 1) / mg;
    a->tiles = (k + a->tw - 1) / a->tw;
    a->rgroups = (m + v - 1) / v;
    a->blocks = (m + LCI_NM_BLOCK - 1) / LCI_NM_BLOCK;
    if (a->groups > 0) {
        int64_t last = k - (a->groups - 1) * mg;
        a->per_row = (a->groups - 1) * n + (last < n ? last : n);
    }
    int64_t nval, nbits;
    if (lci_mul_i64(m, a->per_row, &nval) || lci_add_i64(nval, 16, &nval) ||
        lci_mul_i64(a->rgroups, a->tiles, &nbits) || lci_mul_i64(nbits, a->words, &nbits)) {
        nm_destroy(&a->base);
        return lci_error(LC_ERR_OVERFLOW, "N:M matrix: %lld×%lld with %d:%d overflows",
                         (long long)m, (long long)k, n, mg);
    }
    lc_status st = lci_alloc_array((void **)&a->val, (size_t)nval, sizeof(float), "N:M values");
    if (!st && !(a->bits = lci_calloc((size_t)nbits, sizeof(uint64_t))))
        st = lci_error(LC_ERR_NOMEM, "N:M matrix: cannot allocate %lld bitmap words",
                       (long long)nbits);
    if (st) {
        nm_destroy(&a->base);
        return st;
    }
    memset(a->val + (nval - 16), 0, 16 * sizeof(float)); // the padding kernels may load
    *out = a;
    return LC_OK;
}

// Checks N, M, v for a constructor named `who`.
static lc_status check_nm(const char *who, int32_t n, int32_t mg, int32_t v) {
    if (n < 1 || mg > 16 || n >= mg)
        return lci_error(LC_ERR_ARG, "%s: N:M = %d:%d is invalid (need 0 < N < M <= 16)", who, n,
                         mg);
    if (v < 1) return lci_error(LC_ERR_ARG, "%s: rows_per_group = %d, must be >= 1", who, v);
    return LC_OK;
}

lc_status lc_mat_create_nm(lc_mat **out, int64_t m, int64_t k, int32_t nm_n, int32_t nm_m,
                           int32_t rows_per_group, const float *val, const uint8_t *pos) {
    const char *who = "lc_mat_create_nm";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k)) || (st = check_nm(who, nm_n, nm_m, rows_per_group)))
        return st;
    if (m > 0 && k > 0 && (!val || !pos)) return lci_error(LC_ERR_ARG, "%s: NULL val or pos", who);
    const int64_t groups = (k + nm_m - 1) / nm_m,
                  rgroups = (m + rows_per_group - 1) / rows_per_group;
    int64_t slots;
    if (lci_mul_i64(m, groups, &slots) || lci_mul_i64(slots, nm_n, &slots))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld×%lld with %d:%d overflows", who, (long long)m,
                         (long long)k, nm_n, nm_m);
    // Every position first, so a bad one allocates nothing. A group narrower than N keeps all
    // its w columns in slots 0 .. w-1; its later slots are not read.
    for (int64_t r = 0; r < rgroups; r++) {
        for (int64_t g = 0; g < groups; g++) {
            const uint8_t *p = pos + (r * groups + g) * nm_n;
            const int64_t w = k - g * nm_m < nm_m ? k - g * nm_m : nm_m;
            const int64_t keep = w < nm_n ? w : nm_n;
            for (int64_t j = 0; j < keep; j++) {
                if (p[j] >= w)
                    return lci_error(LC_ERR_FORMAT,
                                     "%s: row group %lld, group %lld: position %d (slot %lld) is "
                                     "not below the group's width %lld",
                                     who, (long long)r, (long long)g, p[j], (long long)j,
                                     (long long)w);
                if (j > 0 && p[j] <= p[j - 1])
                    return lci_error(LC_ERR_FORMAT,
                                     "%s: row group %lld, group %lld: positions %d, %d (slots "
                                     "%lld, %lld) are not strictly increasing",
                                     who, (long long)r, (long long)g, p[j - 1], p[j],
                                     (long long)j - 1, (long long)j);
            }
        }
    }
    lci_nm *a = NULL;
    if ((st = lci_nm_alloc(&a, m, k, nm_n, nm_m, rows_per_group))) return st;
    for (int64_t r = 0; r < a->rgroups; r++) {
        for (int64_t g = 0; g < groups; g++) {
            const uint8_t *p = pos + (r * groups + g) * nm_n;
            const int64_t w = k - g * nm_m < nm_m ? k - g * nm_m : nm_m;
            const int64_t keep = w < nm_n ? w : nm_n;
            uint32_t mask = 0;
            for (int64_t j = 0; j < keep; j++) mask |= 1u << p[j];
            lci_nm_set_mask(a, r, g, mask);
            // Values in slot order, which is column order (positions increase).
            const int64_t i1 = (r + 1) * rows_per_group < m ? (r + 1) * rows_per_group : m;
            for (int64_t i = r * rows_per_group; i < i1; i++)
                memcpy(lci_nm_val_at(a, i, g), val + (i * groups + g) * nm_n,
                       (size_t)keep * sizeof(float));
        }
    }
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}
