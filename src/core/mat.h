// mat.h: the lc_mat object (a vtable per format), the validated arguments of an apply, the CSR
// view every format can export (the hub of conversions), and the kernel registry.
#ifndef LACUNA_MAT_H
#define LACUNA_MAT_H

#include "internal.h"

// Arguments of one apply, already validated by the driver (apply.c): m, k, n > 0, alpha != 0,
// leading dimensions large enough, X and Y disjoint, work of at least the format's workspace.
typedef struct lci_mm_args {
    lc_layout layout;
    int64_t n;
    float alpha, beta;
    const float *x;
    int64_t ldx;
    float *y;
    int64_t ldy;
    void *work;
    size_t work_size;
} lci_mm_args;

// A CSR view of any matrix: canonical (columns sorted, no duplicates). Arrays are either
// borrowed from the matrix or owned by the view (freed by lci_csr_view_release).
typedef struct lci_csr_view {
    int64_t m, k, nnz;
    const int64_t *ptr;
    const int32_t *col;
    const float *val;
    void *owned[3];
} lci_csr_view;
void lci_csr_view_release(lci_csr_view *v);
// An owned view of m rows and nnz entries (arrays allocated, contents unset); on failure *v is
// released.
// Values of v[0 .. count) that are not 0 (NaN counts), for lc_mat_info's nonzeros.
int64_t lci_count_nonzeros(const float *v, int64_t count);
lc_status lci_csr_view_alloc(lci_csr_view *v, int64_t m, int64_t k, int64_t nnz);

typedef struct lci_vtable {
    lc_format format;
    // Y = alpha·A·X + beta·Y for validated arguments (see lci_mm_args).
    lc_status (*mm)(const lc_mat *a, const lci_mm_args *args);
    // Scratch bytes mm needs; SIZE_MAX when the size overflows.
    size_t (*workspace)(const lc_mat *a, lc_layout layout, int64_t n);
    // Dense row-major copy into out (ld >= k); never fails. NULL for a format whose copy needs
    // scratch memory (a sum): it has to_dense_alloc instead. Callers use lci_mat_to_dense.
    void (*to_dense)(const lc_mat *a, float *out, int64_t ld);
    // Fills everything but format, m, k (set by the caller).
    void (*info)(const lc_mat *a, struct lc_mat_info *info);
    // Canonical CSR view of the stored entries (for dense: all entries when all_entries, else
    // the nonzeros).
    lc_status (*to_csr)(const lc_mat *a, bool all_entries, lci_csr_view *out);
    // Frees the matrix (never NULL).
    void (*destroy)(lc_mat *a);
    // Repacks for about n_hint vectors (n_hint >= 1); on failure the matrix is unchanged.
    // NULL when the format has nothing to repack.
    lc_status (*optimize)(lc_mat *a, int64_t n_hint);
    // The dense copy of a format that needs scratch memory for it (NULL for the others).
    lc_status (*to_dense_alloc)(const lc_mat *a, float *out, int64_t ld);
} lci_vtable;

// Every format's struct starts with this header.
struct lc_mat {
    const lci_vtable *vt;
    int64_t m, k;
};

// Dense row-major copy of A into out (ld >= max(1, k)) through to_dense or to_dense_alloc; may
// fail only for formats that allocate (LC_ERR_NOMEM).
lc_status lci_mat_to_dense(const lc_mat *a, float *out, int64_t ld);

// An exact copy of A in its own format and structure (BSR tiles, N:M pattern, factors, the
// operands of a sum); an lc_mat_optimize layout is not copied.
lc_status lci_mat_copy(lc_mat **out, const lc_mat *a);

// Validates a shape for a constructor (0 <= m, k <= INT32_MAX); message names `who`.
lc_status lci_check_shape(const char *who, int64_t m, int64_t k);

// Builds a matrix of `format` from canonical CSR arrays (copied). Each format provides its
// lci_<format>_from_csr; this dispatches.
// params (may be NULL: defaults) shapes formats that need it (BSR tiles, N:M groups).
lc_status lci_mat_from_csr(lc_mat **out, lc_format format, const lci_csr_view *v,
                           const lc_mat_params *params);
lc_status lci_dense_from_csr(lc_mat **out, const lci_csr_view *v);
lc_status lci_coo_from_csr(lc_mat **out, const lci_csr_view *v);
lc_status lci_csr_from_csr(lc_mat **out, const lci_csr_view *v);
// BSR tiles covering the entries (zeros fill partly used tiles); params' block shape.
lc_status lci_bsr_from_csr(lc_mat **out, const lci_csr_view *v, const lc_mat_params *params);
// N:M: the largest entries of each group (of each row group's summed magnitudes); params' N:M.
lc_status lci_nm_from_csr(lc_mat **out, const lci_csr_view *v, const lc_mat_params *params);
// The N:M selection rule, shared by that conversion and src/prune (nm_convert.c): the min(N, w)
// columns of a group (w <= 16 columns) with the largest scores; bit p of the result keeps
// column p. score[p] < 0 marks a column stored in no row (below any stored zero); NaN ranks
// above everything; ties go to the lower column.
uint32_t lci_nm_select(const double *score, int32_t w, int32_t n);
// Low rank (src/formats/lowrank): the projection of a dense M×K array (lda) by params' rank and
// rel_err (lc_mat_params), and an exact copy of a lowrank matrix.
lc_status lci_lowrank_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                 const lc_mat_params *params);
lc_status lci_lowrank_copy(lc_mat **out, const lc_mat *a);
// Butterfly (src/formats/butterfly): the hierarchical projection of a dense M×K array (lda),
// and an exact copy of a butterfly matrix.
lc_status lci_butterfly_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda);
lc_status lci_butterfly_copy(lc_mat **out, const lc_mat *a);
// Monarch (src/formats/monarch): the projection of a dense M×K array (lda) with params'
// monarch_blocks (lc_monarch_project), and an exact copy of a Monarch matrix.
lc_status lci_monarch_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                 const lc_mat_params *params);
lc_status lci_monarch_copy(lc_mat **out, const lc_mat *a);
// True when the Monarch matrix a has the blocks (nblocks, or the default for 0) and inner size
// the projection would give it, so a conversion may copy it.
bool lci_monarch_is_projected_shape(const lc_mat *a, int64_t nblocks);
// Sum (src/formats/sum): an exact copy of a sum (its operands copied by lci_mat_copy).
lc_status lci_sum_copy(lc_mat **out, const lc_mat *a);
// Circulant and Toeplitz (src/formats/circulant, src/formats/toeplitz): the nearest matrix of
// the format in Frobenius norm (each diagonal's mean; a circulant needs M = K, else LC_ERR_ARG),
// and an exact copy of either (same first column / embedding).
lc_status lci_circulant_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda);
lc_status lci_toeplitz_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda);
lc_status lci_fftconv_copy(lc_mat **out, const lc_mat *a);

// A dense copy of any matrix (every entry, -0 included), without a CSR detour.
lc_status lci_dense_from_mat(lc_mat **out, const lc_mat *a);
// A dense matrix that borrows the caller's array (no copy); free it with lci_dense_unwrap.
lc_status lci_dense_wrap(lc_mat **out, int64_t m, int64_t k, const float *a, int64_t lda);
void lci_dense_unwrap(lc_mat *a);

// Canonicalises CSR arrays in place: columns sorted within each row (stable, so duplicates
// keep input order) and duplicates summed in that order; ptr[1..m] is updated.
lc_status lci_rows_canonicalise(int64_t m, int64_t *ptr, int32_t *col, float *val);
// Canonicalises COO triplets in place: sorted by row, then column (stable, radix), duplicates
// summed in input order; *nnz gets the new count. Memory is O(nnz) whatever the row count, so
// a tall matrix with few entries costs nothing per row.
lc_status lci_triplets_canonicalise(int64_t *nnz, int32_t *row, int32_t *col, float *val);
// A COO matrix from valid triplets (copied, then canonicalised as above).
lc_status lci_coo_from_triplets(lc_mat **out, int64_t m, int64_t k, int64_t nnz, const int32_t *row,
                                const int32_t *col, const float *val);

// Keeps round(density·m·k) entries of largest magnitude of a canonical view (ties to the lower
// row-major index) into a new owned view.
lc_status lci_csr_view_prune(const lci_csr_view *in, double density, lci_csr_view *out);

// ---- kernel registry (kernels.c) ----
typedef enum lci_kernel_id {
    LCI_KERNEL_CSR_MM = 0,    // lci_csr_mm_fn
    LCI_KERNEL_CSR_MV,        // lci_csr_mv_fn
    LCI_KERNEL_CSR_MV_STREAM, // lci_csr_mv_fn, for a matrix beyond the caches (csr.h)
    LCI_KERNEL_CSR_TILE_MM,   // lci_csr_tile_fn
    LCI_KERNEL_CSR_SELL_MV,   // lci_csr_sell_fn
    LCI_KERNEL_CSR_SELL_OVF,  // lci_csr_ovf_fn
    LCI_KERNEL_BSR_MM,        // the BSR format's kernels (src/formats/bsr/bsr.h)
    LCI_KERNEL_BSR_MV,
    LCI_KERNEL_NM_MM, // the N:M format's kernels (src/formats/nm/nm.h)
    LCI_KERNEL_NM_MV,
    LCI_KERNEL_NM_GROUP_MM,
    LCI_KERNEL_NM_GROUP_MV,
    LCI_KERNEL_STREAM,           // lci_stream_fn
    LCI_KERNEL_BUTTERFLY_STAGES, // lci_butterfly_stages_fn (src/formats/butterfly/butterfly.h)
    LCI_KERNEL_ACTIVATION,       // lci_activation_fn (src/nn/nn.h)
    LCI_KERNEL_LOWRANK_GEMM,     // lci_lowrank_gemm_fn (src/formats/lowrank/lowrank.h)
    LCI_KERNEL_MONARCH_PANEL,    // lci_monarch_panel_fn (src/formats/monarch/monarch.h)
    LCI_KERNEL_COUNT
} lci_kernel_id;

typedef void (*lci_fn)(void);

typedef struct lci_kernel {
    lci_kernel_id id;
    lc_isa isa;
    const char *name;
    lci_fn fn;
} lci_kernel;

// The kernel for `id` at the level in force (falls back to lower levels; the generic one always
// exists).
lci_fn lci_kernel_get(lci_kernel_id id);
// Exactly level `isa`, or NULL when no kernel or the CPU lacks it (tests, benchmarks).
lci_fn lci_kernel_get_at(lci_kernel_id id, lc_isa isa);
// Name of the kernel lci_kernel_get would return.
const char *lci_kernel_name(lci_kernel_id id);

// Read-bandwidth kernel: returns the sum of `count` floats (count a multiple of 64) from a
// 64-byte aligned buffer, so the reads cannot be optimised away.
typedef float (*lci_stream_fn)(const float *buf, size_t count);

#endif // LACUNA_MAT_H
