// lacuna.h: the whole public API of lacuna, sparse and structured linear algebra on CPUs.
//
// Conventions used throughout:
// - Every fallible function returns lc_status; results are written through pointer arguments,
//   which are left unchanged on failure. lc_last_error() then says what went wrong.
// - Matrices are row-major. An lc_mat is an M×K linear operator A, read-only once built.
// - Constructors copy their inputs; whatever a function returns through `lc_mat **out` is freed
//   with lc_mat_free (which accepts NULL).
// - Sizes are int64_t. M and K are limited to INT32_MAX (column indices are int32).
// - The library never prints, aborts or exits.
#ifndef LACUNA_H
#define LACUNA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LC_API __attribute__((visibility("default")))
#else
#define LC_API
#endif

#define LC_VERSION_MAJOR  0
#define LC_VERSION_MINOR  1
#define LC_VERSION_PATCH  0
#define LC_VERSION_STRING "0.1.0"

// "MAJOR.MINOR.PATCH" of the library actually linked (compare with LC_VERSION_STRING).
LC_API const char *lc_version(void);

// ---------------------------------------------------------------------------------------------
// Status and errors

typedef enum lc_status {
    LC_OK = 0,
    LC_ERR_ARG,         // an argument is invalid (NULL, negative size, bad leading dimension...)
    LC_ERR_NOMEM,       // an allocation failed
    LC_ERR_OVERFLOW,    // a size computation would overflow
    LC_ERR_FORMAT,      // malformed data: bad file, index out of range, inconsistent arrays
    LC_ERR_IO,          // a file could not be opened, read or written
    LC_ERR_UNSUPPORTED, // valid request this build or format does not implement
    LC_ERR_NUMERIC      // a numerical failure (non-convergence, singular input)
} lc_status;

// Static name of a status ("LC_ERR_FORMAT"); "unknown status" for other values.
LC_API const char *lc_status_str(lc_status status);

// Message of the last failure on the calling thread, with context (file line, index, size).
// Empty string when the last call on this thread succeeded. Valid until the next lacuna call on
// the same thread.
LC_API const char *lc_last_error(void);

// ---------------------------------------------------------------------------------------------
// Memory: every allocation of the library goes through one replaceable allocator.

typedef struct lc_allocator {
    // Returns `size` bytes aligned to `alignment` (a power of two, at least 64), or NULL.
    void *(*alloc)(size_t size, size_t alignment, void *ctx);
    // Frees a pointer returned by alloc; never called with NULL.
    void (*free)(void *ptr, void *ctx);
    void *ctx;
} lc_allocator;

// Installs `allocator` for all later allocations (NULL restores the default, aligned_alloc/free).
// Not thread-safe: call it while no other lacuna call is running, and only free memory with the
// allocator that allocated it (everything allocated before must be freed before switching back).
LC_API void lc_allocator_set(const lc_allocator *allocator);

// ---------------------------------------------------------------------------------------------
// Threads and instruction sets

// Number of threads lacuna's own parallel regions use: n >= 1, or 0 for the OpenMP default.
// The BLAS's thread count is never changed by the library. n < 0 is LC_ERR_ARG.
LC_API lc_status lc_threads_set(int n);
// The number of threads the next call will use (>= 1).
LC_API int lc_threads_get(void);

typedef enum lc_isa {
    LC_ISA_GENERIC = 0, // plain C kernels
    LC_ISA_AVX2 = 1,    // AVX2 + FMA
    LC_ISA_AVX512 = 2   // AVX-512 F/BW/DQ/VL
} lc_isa;

// The best level this CPU and OS support (cpuid + xgetbv).
LC_API lc_isa lc_isa_detected(void);
// The level kernels are chosen at: the detected level, lowered by the environment variable
// LC_ISA=generic|avx2|avx512 or by lc_isa_set.
LC_API lc_isa lc_isa_get(void);
// Forces a level at or below the detected one (LC_ERR_UNSUPPORTED above it). Process-wide.
LC_API lc_status lc_isa_set(lc_isa isa);
// "generic", "avx2", "avx512".
LC_API const char *lc_isa_name(lc_isa isa);

// ---------------------------------------------------------------------------------------------
// Formats and layouts

typedef enum lc_format {
    LC_FORMAT_DENSE = 0, // M×K floats, multiplied by CBLAS
    LC_FORMAT_COO,       // (row, col, value) triplets sorted by row then column, no duplicates
    LC_FORMAT_CSR,       // int64 row pointers, int32 column indices, float values
    LC_FORMAT_BSR,       // block sparse: dense bh×bw tiles with tile coordinates
    LC_FORMAT_NM,        // N:M structured sparsity along K, optionally shared by row groups
    LC_FORMAT_LOWRANK,   // U·Vᵀ with U M×r and V K×r (lc_mat_create_lowrank)
    LC_FORMAT_MONARCH,   // P·L·Pᵀ·R, block-diagonal L and R (lc_mat_create_monarch)
    LC_FORMAT_BUTTERFLY, // log2(N) factors of 2×2 blocks (+ mirror layers; lc_mat_create_butterfly)
    LC_FORMAT_CIRCULANT, // n×n circulant from its first column, applied by FFT (FFTW)
    LC_FORMAT_TOEPLITZ,  // M×K Toeplitz from its first column and row, applied by FFT (FFTW)
    LC_FORMAT_SUM,       // B + C of two operators of any formats (lc_mat_create_sum)
    LC_FORMAT_COUNT
} lc_format;

// Lower-case name ("csr"); "unknown" for other values.
LC_API const char *lc_format_name(lc_format format);
// Parses a lower-case name; LC_ERR_ARG for an unknown one.
LC_API lc_status lc_format_parse(const char *name, lc_format *format);

// The two activation layouts of lc_mat_mm.
typedef enum lc_layout {
    LC_LAYOUT_COLS = 0, // vectors as columns: X is K×n, Y is M×n (BLAS-like)
    LC_LAYOUT_ROWS = 1  // vectors as rows: X is n×K, Y is n×M, Y = X·Aᵀ (a Linear layer)
} lc_layout;

// 1 when this build can apply `format` in `layout`, else 0.
LC_API int lc_format_supports(lc_format format, lc_layout layout);

// ---------------------------------------------------------------------------------------------
// The operator

typedef struct lc_mat lc_mat;

// A dense M×K matrix copied from row-major `a` with row stride lda >= max(1, K).
LC_API lc_status lc_mat_create_dense(lc_mat **out, int64_t m, int64_t k, const float *a,
                                     int64_t lda);

// A COO matrix from nnz triplets (row[i], col[i], val[i]), 0-based, in any order. Duplicates
// are summed (in input order) and the result is sorted by row, then column. Explicit zeros are
// kept. Index out of range is LC_ERR_FORMAT naming the entry.
LC_API lc_status lc_mat_create_coo(lc_mat **out, int64_t m, int64_t k, int64_t nnz,
                                   const int32_t *row, const int32_t *col, const float *val);

// A CSR matrix: row i holds entries row_ptr[i] .. row_ptr[i+1]-1 of col_idx/val; nnz is
// row_ptr[m]. row_ptr[0] must be 0 and row_ptr non-decreasing; 0 <= col_idx < K.
// Canonicalisation: columns within a row are sorted and duplicates summed (in input order), so
// the stored matrix may have fewer entries than row_ptr[m]. Explicit zeros are kept.
LC_API lc_status lc_mat_create_csr(lc_mat **out, int64_t m, int64_t k, const int64_t *row_ptr,
                                   const int32_t *col_idx, const float *val);

// How lc_mat_from_dense / lc_mat_convert choose what to keep and how the target format is
// shaped. Zero-initialise, then set fields; 0 means the default everywhere.
typedef struct lc_mat_params {
    // Sparse targets: fraction of the M·K entries to keep, in (0, 1]. Exactly
    // round(density·M·K) entries of largest |a| are kept; ties go to the lower row-major index,
    // so the result is deterministic. 0 (the default) keeps every nonzero and drops zeros.
    // Applied before the target format's own structure (BSR tiles, N:M groups).
    double density;
    // LC_FORMAT_BSR: tile rows and columns (default 16×16, at most 256 each).
    int32_t block_rows, block_cols;
    // LC_FORMAT_NM: keep at most nm_n of every nm_m consecutive entries along K (default 2:4;
    // nm_m alone gives N = nm_m / 2; 0 < N < M <= 16), with nm_rows consecutive rows sharing
    // one pattern (default 1). The
    // entries kept are those of largest magnitude in each group (for nm_rows > 1, of largest
    // summed magnitude over the rows of the row group); ties go to the lower column.
    int32_t nm_n, nm_m, nm_rows;
    // LC_FORMAT_LOWRANK (a projection by truncated SVD, see lc_lowrank_project; other formats
    // are converted through a dense M×K copy): rank > 0 keeps that rank; rank = 0 with rel_err
    // in (0, 1) keeps the smallest rank whose relative Frobenius error is <= rel_err; both 0
    // (the default) keep the numerical rank, which reproduces A up to rounding. A lowrank
    // source converted to lowrank with rank 0 or its own rank (rel_err 0) is copied exactly.
    int32_t rank;
    double rel_err;
    // LC_FORMAT_MONARCH: the number of diagonal blocks b of each factor (see the Monarch section;
    // 0: the default of lc_monarch_project). The conversion projects (lc_monarch_project) a
    // dense M×K copy, pruned first when density > 0.
    int32_t monarch_blocks;
} lc_mat_params;

// A block sparse (BSR) matrix of bh×bw tiles. Block row I (of ceil(M/bh)) holds the tiles
// tile_ptr[I] .. tile_ptr[I+1]-1; tile t sits at block column tile_col[t] (of ceil(K/bw)) and
// has bh·bw row-major values val[t·bh·bw ..]. When bh does not divide M or bw does not divide K,
// the last block row / column is cut by the matrix edge: those tiles still take bh·bw values,
// and the ones outside the matrix are ignored (stored as 0, never multiplied). Tiles of a block
// row may come in any order (they are sorted); a tile outside the matrix or given twice is
// LC_ERR_FORMAT naming it; bh or bw outside 1..256 is LC_ERR_ARG. Zeros inside a tile are
// stored entries (multiplied as IEEE says).
LC_API lc_status lc_mat_create_bsr(lc_mat **out, int64_t m, int64_t k, int32_t bh, int32_t bw,
                                   const int64_t *tile_ptr, const int32_t *tile_col,
                                   const float *val);

// An N:M structured sparse matrix: along K, in every group of nm_m consecutive columns (G =
// ceil(K/nm_m) groups; the last is shorter when nm_m does not divide K), each row keeps nm_n
// entries (0 < nm_n < nm_m <= 16); rows_per_group consecutive rows share one pattern (V:N:M;
// the last row group may be shorter). val holds, for row i and group g, nm_n values
// val[(i·G + g)·nm_n + j]; pos holds, for row group r = i / rows_per_group and group g, the
// nm_n in-group positions pos[(r·G + g)·nm_n + j], strictly increasing, each below the group's
// width. A group with fewer than nm_n nonzeros stores zeros (stored entries). A position out of
// order, repeated or past the group is LC_ERR_FORMAT naming row group and group; nm_n >= nm_m,
// nm_m > 16, nm_n < 1 or rows_per_group < 1 is LC_ERR_ARG.
LC_API lc_status lc_mat_create_nm(lc_mat **out, int64_t m, int64_t k, int32_t nm_n, int32_t nm_m,
                                  int32_t rows_per_group, const float *val, const uint8_t *pos);

typedef enum lc_nm_mode {
    LC_NM_STRICT = 0, // every group has exactly M−N zeros (the shorter last group width−N, or
                      // all of it when narrower than N: nothing to prune there)
    LC_NM_AT_MOST = 1 // every group holds at most N nonzeros
} lc_nm_mode;

// Whether the row-major M×K array a (row stride lda >= max(1, K)) satisfies N:M along K in
// `mode`: *violation = -1 when it does, else the first violating group as row·G + group
// (G = ceil(K/M)). Invalid N, M as for lc_mat_create_nm.
LC_API lc_status lc_nm_check(const float *a, int64_t m, int64_t k, int64_t lda, int32_t nm_n,
                             int32_t nm_m, lc_nm_mode mode, int64_t *violation);

// A low-rank matrix A = U·Vᵀ, copied from U (M×r, row-major, row stride r) and V (K×r,
// row-major, row stride r: row p of V holds the r coefficients of column p of A). The rank r
// must be in 1 .. max(1, min(M, K)) (LC_ERR_ARG otherwise; an empty matrix still has r >= 1);
// U or V NULL while it has entries is LC_ERR_ARG. Values are not checked (NaN and Inf are
// multiplied as IEEE says). A product computes T = Vᵀ·X (r×n, in the workspace) and then
// alpha·U·T + beta·Y, so it costs 2·r·(M+K) flops per vector; the result is within
// (K + r + 2)·eps·(|alpha|·|U|·(|V|ᵀ·|X|) + |beta|·|Y|) of the exact value, elementwise in the
// factors (not in the entries of U·Vᵀ, which may cancel: see docs/design.md). The matrix holds
// U, V and a packed Uᵀ for the rows layout: r·(2M + K) floats.
LC_API lc_status lc_mat_create_lowrank(lc_mat **out, int64_t m, int64_t k, int64_t r,
                                       const float *u, const float *v);

// Projects the row-major M×K array `a` (row stride lda >= max(1, K)) onto low rank by a
// truncated SVD (LAPACK sgesdd, computed in float; the singular values go into U):
//   rank > 0:                       that rank (at most max(1, min(M, K)));
//   rank = 0, rel_err in (0, 1):    the smallest rank r with ‖A − A_r‖_F <= rel_err·‖A‖_F;
//   rank = 0, rel_err = 0:          the numerical rank (singular values above
//                                   max(M, K)·eps·σ_1; at least 1).
// energy (may be NULL) receives the captured fraction Σ_{i<=r} σ_i² / Σ σ_i² (1 for a zero
// matrix). A NaN or Inf in `a`, rank < 0, rank > max(1, min(M, K)), or rel_err outside [0, 1)
// or given with rank > 0 is LC_ERR_ARG naming it; LC_ERR_NUMERIC when the SVD does not
// converge. Allocates a copy of A and the SVD's factors and workspace (about
// (M·K + 2·min(M,K)² + max(M,K)·min(M,K)) floats) through the library allocator. The result
// does not depend on any thread count (the SVD runs on one BLAS thread).
LC_API lc_status lc_lowrank_project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                    int64_t rank, double rel_err, double *energy);

// The sum A = B + C of two operators of the same shape and any formats (sparse + low-rank as in
// robust PCA or Scatterbrain, a weight plus a LoRA update W + U·Vᵀ), applied without forming the
// sum: Y = alpha·B·X + beta·Y, then Y += alpha·C·X. B and C are deep-copied (each in its own
// format and structure; the caller keeps and frees its own, and an lc_mat_optimize layout is
// not copied: optimise the sum instead). A shape mismatch or NULL operand is LC_ERR_ARG. Stored
// entries are those of B plus those of C (lc_mat_info sums the costs); to_dense and every
// conversion from a sum materialise B + C (each entry rounded once). A sum is never a
// conversion target except from a sum (a copy): lc_mat_convert to LC_FORMAT_SUM is
// LC_ERR_UNSUPPORTED otherwise. Each result is within the bounds of B's and C's products added,
// plus one rounding of the final addition.
LC_API lc_status lc_mat_create_sum(lc_mat **out, const lc_mat *b, const lc_mat *c);

// ---- Circulant and Toeplitz (src/formats/circulant, src/formats/toeplitz) ----
//
// Both are applied by FFTW single-precision real transforms: y = IFFT(FFT(h) ⊙ FFT(x)) with h
// the first column of an L×L circulant (a circulant: its own column, L = n; a Toeplitz matrix:
// embedded in a circulant of the smallest L = 2^a·3^b·5^c·7^d >= M + K − 1, zero-padded). The
// spectrum FFT(h)/L and an r2c and a c2r plan (FFTW_ESTIMATE, deterministic) are made once, at
// create; FFTW's planner is made thread-safe once per process (fftwf_make_planner_thread_safe,
// so the caller's own FFTW planning on other threads is serialised with ours), and products
// only execute plans, so one matrix may be applied from several threads at once. A product
// transforms each vector on its own, in a buffer of the workspace (lc_mat_workspace_size: up to
// 32 slots of L + L + 2 floats, 64 MiB at most, one slot at least; vectors are split between
// lacuna's threads, and each vector's result does not depend on the split, so results are
// bitwise identical for any thread count). Cost per vector (info.flops_per_col, the model of
// bench's theoretical_speedup): 5·L·log2(L) + 6·(L/2 + 1) flops (two real FFTs of 2.5·L·log2(L),
// L/2 + 1 complex products); info.bytes is the spectrum's 8·(L/2 + 1). LC_ISA=generic runs the
// direct O(M·K) sum instead (the plain C oracle).
// Error bound (normwise, per vector x and its result y): with t the M + K − 1 distinct values of
// A (the diagonals; for a circulant t = c and √L·‖t‖₂ = ‖A‖_F),
//   ‖y − (alpha·A·x + beta·y0)‖₂ <= (20·log2(L) + 8)·eps·|alpha|·√L·‖t‖₂·‖x‖₂ + 2·eps·|beta|·‖y0‖₂
// (eps = FLT_EPSILON): three float FFTs (the spectrum's and each product's two) of relative
// error up to about 6.7·log2(L)·eps each (Higham, Accuracy and Stability, Thm 24.2, twiddles
// exact to rounding), the pointwise products and alpha, beta roundings (at LC_ISA=generic, the
// direct sum's elementwise (K + 2)·eps·(|alpha|·|A|·|x| + |beta|·|y0|)). Non-finite values in A
// or x make every output of that vector NaN (or ±Inf), and values near FLT_MAX may overflow in
// the transforms where the direct sum would not; the entries of A are all "stored" (to_csr
// lists M·K of them), so there is no structural zero to protect.
// Conversions: lc_mat_from_dense / lc_mat_convert to LC_FORMAT_CIRCULANT (M = K, else
// LC_ERR_ARG) or LC_FORMAT_TOEPLITZ give the nearest matrix of that structure in Frobenius
// norm: each (wrapped, for a circulant) diagonal replaced by its mean (summed in double, in row
// order; NaN and Inf average as IEEE says), through a dense M×K copy for other source formats
// (pruned first when params->density > 0); a source of the same format is copied exactly. Both
// convert to every other format through their dense entries (M·K floats of scratch).

// An n×n circulant C[i][j] = c[(i − j) mod n] from its first column c (n floats, copied; NULL
// only when n = 0). Values are not checked. n < 0 is LC_ERR_ARG, n > INT32_MAX LC_ERR_OVERFLOW;
// LC_ERR_UNSUPPORTED when FFTW cannot plan length n (never for a valid n in practice), with a
// message; LC_ERR_NOMEM when an allocation fails (FFTW's own planner allocations go through
// malloc, not lacuna's allocator, and FFTW aborts when they fail). A prime or otherwise awkward
// n costs more per element than a 2^a·3^b·5^c·7^d one (FFTW still runs O(n·log n)).
LC_API lc_status lc_mat_create_circulant(lc_mat **out, int64_t n, const float *c);

// An M×K Toeplitz matrix T[i][j] = col[i − j] for i >= j, row[j − i] for i < j, from its first
// column col (M floats) and first row row (K floats), both copied. row[0] is ignored (the
// diagonal is col[0], as scipy.linalg.toeplitz decides), so row may be NULL when K = 1; col and
// row may be NULL when the matrix is empty. Errors as lc_mat_create_circulant; an FFT length
// >= M + K − 1 above INT32_MAX is LC_ERR_OVERFLOW. lc_mat_info: stored = M + K − 1.
LC_API lc_status lc_mat_create_toeplitz(lc_mat **out, int64_t m, int64_t k, const float *col,
                                        const float *row);

// ---- Monarch (src/formats/monarch) ----

// A Monarch matrix (Dao et al. 2022, "Monarch: Expressive Structured Matrices for Efficient and
// Accurate Training", in the rectangular form of their MonarchLinear): an M×K operator with b
// diagonal blocks in each of two factors and an inner block size q. With p = K/b and s = M/b
// (b must divide M and K):
//   R = blockdiag(R_0 .. R_{b−1}), R_k q×p:   u[k·q + i] = Σ_c R_k[i, c]·x[k·p + c]
//   the permutation between the factors:       z_j[r] = u[r·b + j]   (j < b, r < q)
//   L = blockdiag(L_0 .. L_{b−1}), L_j s×q:   w_j = L_j·z_j
//   the output permutation:                    y[o·b + j] = w_j[o]   (o < s)
// that is A = P_M·L·P_{bq}ᵀ·R, where P_n views a length-n vector as b×(n/b) and transposes
// ((P_n v)[c·b + a] = v[a·(n/b) + c]); for M = K = n = b² and q = b it is the paper's square
// M = P·L·Pᵀ·R with √n blocks of √n×√n. Entry by entry:
//   A[o·b + j, k·p + c] = Σ_{r : k·q <= r·b + j < (k+1)·q} L_j[o, r]·R_k[r·b + j − k·q, c],
// so the s×p sub-matrix of rows ≡ j (mod b) and column block k has rank at most
// ceil(q/b) (q/b when b divides q). When q >= b every output depends on every input (each L
// block reads a value of every R block: the blocks mix, unlike the chapter's sketch); the
// standard choice, the one lc_monarch_project makes, is q = min(M, K)/b (R square when K <= M,
// L square otherwise), and b = √min(M, K) gives q = b.
// Storage: the b·q·(p + s) = q·(M + K) factor values only (lc_mat_info: stored = q·(M+K),
// flops_per_col = 2·q·(M+K)). A product is two batched block products, by lacuna's register-tiled
// kernel on a packed copy of the factors made at construction (b dividing 16 or a multiple of
// 16, both layouts; U = R·X per panel of vectors, then Y written directly), otherwise by CBLAS
// (docs/design.md); each result is within (p + q + 2)·eps·(|alpha|·|L|·P(|R|·|X|) + |beta|·|Y|)
// of the exact value, elementwise in the factors, not in A's entries (which may cancel).

// A Monarch matrix copied from its factors: r holds the b blocks R_k (q×p each, row-major, R_k
// at r + k·q·p) and l the b blocks L_j (s×q each, row-major, L_j at l + j·s·q), with p = K/b,
// s = M/b. nblocks < 1, nblocks not dividing M or K, or q < 1 is LC_ERR_ARG naming the sizes
// (an empty matrix still has q >= 1); r or l NULL while it has entries is LC_ERR_ARG; sizes
// whose product overflows are LC_ERR_OVERFLOW. Values are not checked (NaN and Inf are
// multiplied as IEEE says).
LC_API lc_status lc_mat_create_monarch(lc_mat **out, int64_t m, int64_t k, int64_t nblocks,
                                       int64_t q, const float *r, const float *l);

// Projects the row-major M×K array `a` (row stride lda >= max(1, K)) onto the Monarch matrices
// with nblocks blocks and q = max(1, min(M, K)/nblocks), the closest in Frobenius norm: the
// sub-matrices A_jk (rows ≡ j mod b, column block k, s×p) own disjoint factor entries
// (columns r of L_j, rows of R_k), so the optimum is, for each (j, k), the best rank-ρ_jk
// approximation of A_jk (ρ_jk = the number of r with k·q <= r·b + j < (k+1)·q; q/b when b
// divides q), by an SVD (LAPACK sgesdd in float, one BLAS thread; the singular values go into
// L). Exact, up to rounding, on a matrix that is already Monarch with these b and q. nblocks = 0
// chooses the default: the largest divisor of gcd(M, K) that is at most √min(M, K) (so q >= b;
// 1 for an empty matrix). rel_err (may be NULL) receives ‖A − Â‖_F / ‖A‖_F (0 for a zero
// matrix), from the discarded singular values. A NaN or Inf in `a` is LC_ERR_ARG naming the
// entry; nblocks < 0 or not dividing M or K is LC_ERR_ARG naming the sizes; LC_ERR_NUMERIC when
// an SVD does not converge. Allocates a copy of one sub-matrix at a time and the SVD's factors
// and workspace (about 3·s·p + min(s, p)² floats) through the library allocator.
// lc_mat_from_dense and lc_mat_convert to LC_FORMAT_MONARCH call it with
// lc_mat_params.monarch_blocks (a Monarch source with the same b and q is copied exactly).
LC_API lc_status lc_monarch_project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                    int64_t nblocks, double *rel_err);

// A Monarch FFN (the Monarch paper's replacement of a Transformer MLP) is an lc_ffn whose up
// (d_ff × d_model) and down (d_model × d_ff) weights are Monarch matrices: lc_ffn_create(&ffn,
// up, NULL, down, LC_ACT_GELU_TANH, ...) with up and down from lc_mat_create_monarch or
// lc_monarch_project; `lacuna bench ffn --format monarch --blocks B` times it against the dense
// FFN of the same shapes.

// ---- Butterfly (src/formats/butterfly) ----

// A butterfly matrix of size N = 2^L (Dao et al. 2019) is the product
//   B = B_{L-1} ··· B_1 · B_0 · P
// applied right to left: P (the identity, or the bit reversal x'[r] = x[bitrev_L(r)]) first,
// then factor 0, ..., factor L−1 last. Factor t has stride h = 2^t: it pairs entries i and i + h
// for every i whose bit t is clear, with one 2×2 block [a b; c d] per pair:
//   y[i] = a·x[i] + b·x[i+h],   y[i+h] = c·x[i] + d·x[i+h].
// Pair q of factor t (q < N/2) is the one with i = (q / h)·2h + q % h, and its block is stored as
// factors[(t·N/2 + q)·4 + 0..3] = a, b, c, d: L·N/2·4 = 2·N·log2(N) floats in all (none for
// N = 1, the 1×1 identity). Padded form: an M×K operator with M, K <= N is the top-left M×K
// corner of B: X is zero-padded from K to N entries, and the first M of the N outputs are kept.
// A product costs 4·N·log2(N) useful flops per vector (2 per stored entry, lc_mat_info's
// flops_per_col; the padding is not subtracted); each result is within
// (2·L + 2)·eps·(|alpha|·|B_{L-1}|···|B_0|·|X| + |beta|·|Y|) of the exact value, elementwise in
// the absolute values of the factors (for orthogonal factors, normwise (2L + 2)·eps·‖X‖); with
// mirror layers (below) L counts every layer and the product runs over all of them.

// A butterfly matrix from raw factors (copied; layout above), as the M×K corner of the size-N
// matrix; bit_reverse = 1 applies P (0: P = I). N not a power of two in 1..2^30, M or K above
// N, bit_reverse not 0 or 1, or NULL factors with N > 1 is LC_ERR_ARG with a message. Values are
// not checked (NaN and Inf are multiplied as IEEE says).
LC_API lc_status lc_mat_create_butterfly(lc_mat **out, int64_t m, int64_t k, int64_t n,
                                         const float *factors, int32_t bit_reverse);

// A butterfly with mirror layers: B = [M_{L-1}]·B_{L-1}···[M_1]·B_1·[M_0]·B_0·P, where mirror
// layer M_t, present when bit t of `mirror` is set, follows factor t with the same stride h = 2^t
// but pairs each entry with its mirror image in its block of 2h: b + j with b + 2h − j
// (0 < j < h) and b with b + h, for every block start b (a multiple of 2h). Pair q = (b/2h)·h + j
// of the s-th present layer (counting from t = 0) is mirrors[(s·N/2 + q)·4 + 0..3] = a, b, c, d:
//   y[b+j] = a·x[b+j] + b·x[p],  y[p] = c·x[b+j] + d·x[p]  (p the partner).
// popcount(mirror)·2·N floats. Each layer adds 4·N flops per vector and one to the error bound's
// layer count. As lc_mat_create_butterfly, and a bit of `mirror` at or above L, or NULL mirrors
// with a non-zero mask, is LC_ERR_ARG; mirror = 0 is lc_mat_create_butterfly.
LC_API lc_status lc_mat_create_butterfly_mirrored(lc_mat **out, int64_t m, int64_t k, int64_t n,
                                                  const float *factors, int32_t bit_reverse,
                                                  uint64_t mirror, const float *mirrors);

// A random orthogonal N×N butterfly (P = I): every block a rotation [cos θ, −sin θ; sin θ,
// cos θ] with θ uniform in [0, 2π) from `seed` (the same seed gives the same matrix on every
// platform). BᵀB = I up to rounding. N as for lc_mat_create_butterfly.
LC_API lc_status lc_butterfly_random_orthogonal(lc_mat **out, int64_t n, uint64_t seed);

// The Walsh–Hadamard matrix of size N, unnormalised (H[i][j] = (−1)^popcount(i & j), Sylvester
// order; every block [1 1; 1 −1], P = I): exact in float. Divide by sqrt(N) for the orthogonal one.
LC_API lc_status lc_butterfly_hadamard(lc_mat **out, int64_t n);

// The discrete Hartley transform H[j][k] = cas(2πjk/N) = cos(2πjk/N) + sin(2πjk/N), N a power of
// two in 1..2^30, as the fast Hartley transform: the bit reversal (P), factors 0..L−1 and
// mirror layers 2..L−2 (the "dual node" steps that couple entries k and h − k of a half, which
// no fixed-stride 2×2 block pairs: no plain butterfly is the DHT from N = 16, docs/design.md).
// Blocks computed in double and rounded to float; a product is within the bound above with
// L + max(0, L − 3) layers; normwise ‖B·x − H·x‖ <= (4·L + 2)·eps·sqrt(N)·‖x‖ (tested; measured
// up to 1.1·eps·sqrt(N)·‖x‖ at N <= 8192). N above 2^30 (or 2^31 and up) is LC_ERR_ARG
// (LC_ERR_OVERFLOW); N not a power of two is LC_ERR_ARG.
// Costs 4·N·(2L − 3) flops per vector for N >= 8.
LC_API lc_status lc_butterfly_hartley(lc_mat **out, int64_t n);

// Projects the row-major M×K array `a` (row stride lda >= max(1, K)) onto the butterfly format
// of size N = the smallest power of two >= max(M, K) (P = I; the array is zero-padded to N×N) by
// hierarchical factorisation in double: for each pair (i, i+h) of the last factor, the two rows'
// halves are replaced by their best rank-1 approximation, whose 2-vector gives the block and
// whose row goes down to the half-size problem. Exact (up to rounding) on a plain butterfly (no
// mirror layers); otherwise an approximation, not the best butterfly, whose relative Frobenius
// error ‖A − B‖_F / ‖A‖_F (computed in double, 0 for a zero matrix) goes to *rel_err (may be NULL).
// NaN or Inf in `a` is LC_ERR_ARG naming the entry; M or K above 2^30 is LC_ERR_ARG. Allocates
// N² doubles of scratch. lc_mat_from_dense and lc_mat_convert to LC_FORMAT_BUTTERFLY use it (a
// butterfly source converts to an exact copy).
LC_API lc_status lc_butterfly_project(lc_mat **out, const float *a, int64_t m, int64_t k,
                                      int64_t lda, double *rel_err);

// Builds an lc_mat of `format` from the row-major M×K array `a` (row stride lda >= max(1, K)).
// params may be NULL (every nonzero kept). For LC_FORMAT_DENSE every entry is kept when
// density is 0, otherwise the pruned entries are stored as zeros.
LC_API lc_status lc_mat_from_dense(lc_mat **out, lc_format format, int64_t m, int64_t k,
                                   const float *a, int64_t lda, const lc_mat_params *params);

// Converts `a` to `format` (a new matrix; `a` is unchanged). Sparse to sparse never builds a
// dense array. With params->density > 0, magnitude pruning as in lc_mat_from_dense is applied
// to the stored entries.
LC_API lc_status lc_mat_convert(lc_mat **out, const lc_mat *a, lc_format format,
                                const lc_mat_params *params);

// Writes A as a dense row-major M×K array into `out` (row stride ld >= max(1, K)).
LC_API lc_status lc_mat_to_dense(const lc_mat *a, float *out, int64_t ld);

// What an operator is and costs (see lc_mat_info).
struct lc_mat_info {
    lc_format format;
    int64_t m, k;
    int64_t stored;            // entries stored, including explicit zeros and padding
    int64_t useful;            // stored entries that are not padding
    int64_t nonzeros;          // useful entries whose value is not 0: the fill ratio of a
                               // block or N:M matrix is nonzeros / useful (lc_mat_info counts
                               // them, one pass over the values)
    double flops_per_col;      // useful flops per column of X (2·useful for sparse formats)
    double exec_flops_per_col; // flops executed per column, padding included
    int64_t bytes;             // bytes of A read by one apply, as executed (LC_LAYOUT_COLS)
    int64_t extra_bytes;       // memory added by lc_mat_optimize (0 when not optimised)
    const char *layout;        // internal layout LC_LAYOUT_COLS products use: "plain", or the
                               // one lc_mat_optimize kept ("tiles", "sell"); static string
    int64_t bytes_rows;        // bytes and internal layout of an LC_LAYOUT_ROWS apply: the
    const char *layout_rows;   // same as above unless lc_mat_optimize kept a layout for one
                               // activation layout only (the one it runs faster in). One
                               // contiguous vector (n = 1, ldx = ldy = 1, lc_mat_mv) is a
                               // rows-layout apply in either layout.
};

// Fills *info (struct and function share the name, as stat() does).
LC_API lc_status lc_mat_info(const lc_mat *a, struct lc_mat_info *info);

// Y = alpha·A·X + beta·Y.
//   layout LC_LAYOUT_COLS: X is K×n (row stride ldx >= max(1,n)), Y is M×n (ldy >= max(1,n)).
//   layout LC_LAYOUT_ROWS: X is n×K (ldx >= max(1,K)), Y is n×M (ldy >= max(1,M)); Y = X·Aᵀ.
// BLAS conventions: beta = 0 overwrites Y (NaN in Y is ignored); alpha = 0 reads neither A nor
// X. X and Y must not overlap (LC_ERR_ARG). Entries a sparse format does not store are never
// multiplied (a NaN in X meets only stored entries); stored entries, explicit zeros included,
// follow IEEE arithmetic. Each result is within (K+2)·eps·(|alpha|·|A|·|X| + |beta|·|Y|) of the
// exact value (eps = FLT_EPSILON; the 2 covers the alpha and beta roundings) and is bitwise
// identical for any thread count at a given ISA level. May allocate scratch space; see
// lc_mat_mm_ws to pass your own.
LC_API lc_status lc_mat_mm(const lc_mat *a, lc_layout layout, int64_t n, float alpha,
                           const float *x, int64_t ldx, float beta, float *y, int64_t ldy);

// lc_mat_mm with caller-provided scratch: `work` (64-byte aligned) of work_size bytes, at least
// what lc_mat_workspace_size reports for (a, layout, n); then lc_mat_mm_ws never allocates.
// work may be NULL when that size is 0. Too small a workspace is LC_ERR_ARG.
LC_API lc_status lc_mat_mm_ws(const lc_mat *a, lc_layout layout, int64_t n, float alpha,
                              const float *x, int64_t ldx, float beta, float *y, int64_t ldy,
                              void *work, size_t work_size);

// Scratch bytes lc_mat_mm needs for (a, layout, n).
LC_API lc_status lc_mat_workspace_size(const lc_mat *a, lc_layout layout, int64_t n, size_t *bytes);

// y = alpha·A·x + beta·y for one contiguous vector: x has K entries, y has M.
LC_API lc_status lc_mat_mv(const lc_mat *a, float alpha, const float *x, float beta, float *y);

// Inspector-executor: repacks A once, in its own format, into the internal layout that is
// fastest here for products with about n_hint vectors (CSR: column tiles with 16-bit in-tile
// indices for n_hint >= 8, a compressed row layout for decode-sized n_hint < 8). Results stay
// within the error bound of lc_mat_mm and bitwise identical for any thread count (they may
// differ in rounding from the unoptimised matrix). Products with an n of the other class use
// the plain layout. Call it before A is shared between threads; calling it again replaces the
// layout. n_hint <= 0 is LC_ERR_ARG; on any failure A is exactly as it was and stays usable.
// Formats with nothing to repack (dense, COO) return LC_OK unchanged. lc_mat_info reports the
// memory added in extra_bytes and the bytes an apply reads in bytes.
LC_API lc_status lc_mat_optimize(lc_mat *a, int64_t n_hint);

// Frees a matrix; NULL is allowed.
LC_API void lc_mat_free(lc_mat *a);

// ---------------------------------------------------------------------------------------------
// Layers (src/nn)
//
// Activations are rows, the ML [tokens, features] layout: a forward pass takes T rows (T >= 0)
// of x, row-major with row stride ldx, and writes T rows of y (row stride ldy). Weights are
// lc_mat operators of any format, stored as d_out × d_in (M = d_out, K = d_in, as PyTorch's
// Linear stores them), applied with lc_mat_mm in LC_LAYOUT_ROWS: y = x·Wᵀ.
//
// Ownership: a layer BORROWS its weight matrices — the caller keeps them alive, unchanged, for
// the layer's whole life and frees them itself (after the layer; one matrix may serve several
// layers). Biases are copied. A layer is read-only once created: forward passes may run on one
// layer from several threads at once.
//
// Numbers: each forward result is within the lc_mat_mm bound of every product it makes, plus
// one rounding per bias addition and a few for each activation, and is bitwise identical for any
// thread count at a given ISA level (products by lc_mat_mm, everything else elementwise).

// A linear (fully connected) layer: y = x·Wᵀ + b.
typedef struct lc_linear lc_linear;

// A linear layer over W (d_out × d_in, any format; borrowed) with bias `bias` (d_out floats,
// copied; NULL for none). NULL out or W is LC_ERR_ARG.
LC_API lc_status lc_linear_create(lc_linear **out, const lc_mat *w, const float *bias);

// y = x·Wᵀ + b for T rows: x is T×d_in (ldx >= max(1, d_in)), y is T×d_out (ldy >=
// max(1, d_out)); y is overwritten (NaN there is ignored). x and y must not overlap. T < 0, a
// leading dimension too small, or x / y NULL while T > 0 (and d_in / d_out > 0) is LC_ERR_ARG.
// Allocates only what lc_mat_mm does (scratch for some formats): LC_ERR_NOMEM if that fails.
// On any failure y is unchanged.
LC_API lc_status lc_linear_forward(const lc_linear *layer, int64_t t, const float *x, int64_t ldx,
                                   float *y, int64_t ldy);

// Frees the layer (not its weight); NULL is allowed.
LC_API void lc_linear_free(lc_linear *layer);

// Elementwise activation functions of lc_ffn.
typedef enum lc_activation {
    LC_ACT_RELU = 0,  // max(x, 0)
    LC_ACT_GELU_TANH, // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's "tanh" GELU
    LC_ACT_GELU_ERF,  // 0.5·x·(1 + erf(x/√2)), the exact GELU
    LC_ACT_SILU       // x / (1 + e^−x), also called swish
} lc_activation;
// Every activation maps NaN to NaN, +Inf to +Inf and −Inf to 0 (their limits; −0 for GELU and
// SiLU; ±0 keep their sign). Evaluated in float: at LC_ISA=generic one value at a time with the
// C library's tanhf, erff and expf; the AVX2 and AVX-512 kernels (the same bits as each other)
// with a vector e^x, SiLU and GELU tanh as x·σ(x) and x·σ(2u), GELU erf as x·Φ(x) through an
// erfc of relative error 1.2e-7. Each result is within c·eps·|x| of the exact function (eps =
// FLT_EPSILON; c = 0 for ReLU, 1.5 GELU tanh, 2.5 GELU erf, 1.5 SiLU; measured at most 1.03,
// 1.98, 1.0 over every float with 2^-24 <= |x| < 128 and every 101st bit pattern).

// A feed-forward block on d_model features with d_ff hidden units, in one of two forms:
//   plain (gate = NULL):  y = down( act(up·x + b_up) ) + b_down
//   gated (gate given):   y = down( act(gate·x + b_gate) ⊙ (up·x + b_up) ) + b_down
// with up and gate d_ff × d_model and down d_model × d_ff (any formats; all borrowed). The gated
// form with LC_ACT_SILU is SwiGLU as in Llama: y = w2( silu(w1·x) ⊙ (w3·x) ) with gate = w1,
// up = w3, down = w2 (Hugging Face's gate_proj, up_proj, down_proj); with a GELU it is GeGLU.
typedef struct lc_ffn lc_ffn;

// An FFN over up, gate (NULL for the plain form) and down, with optional biases (each NULL for
// none, else copied: up_bias and gate_bias d_ff floats, down_bias d_model floats; gate_bias must
// be NULL when gate is). NULL out, up or down, an unknown activation, or shapes that disagree
// (up and gate not the same shape, down not the transposed shape of up) is LC_ERR_ARG with a
// message naming the operands and their shapes.
LC_API lc_status lc_ffn_create(lc_ffn **out, const lc_mat *up, const lc_mat *gate,
                               const lc_mat *down, lc_activation act, const float *up_bias,
                               const float *gate_bias, const float *down_bias);

// The FFN on T rows: x is T×d_model (ldx >= max(1, d_model)), y is T×d_model (ldy >=
// max(1, d_model)), overwritten. x is read completely before y is written, so y may be x itself
// (ldy = ldx) or overlap it. Argument errors as for lc_linear_forward. Allocates the hidden
// activations per call through the library allocator — T·d_ff floats, twice that for the gated
// form — plus what lc_mat_mm allocates: LC_ERR_OVERFLOW when that size overflows, LC_ERR_NOMEM
// when an allocation fails. On any failure y is unchanged.
LC_API lc_status lc_ffn_forward(const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx, float *y,
                                int64_t ldy);

// Scratch bytes lc_ffn_forward_ws needs for T rows: the hidden activations (T·d_ff floats, twice
// gated, rounded up to 64 bytes) plus the largest lc_mat_workspace_size of the three products; 0
// for T = 0. NULL ffn or bytes, or T < 0, is LC_ERR_ARG; a size that overflows LC_ERR_OVERFLOW.
LC_API lc_status lc_ffn_workspace_size(const lc_ffn *ffn, int64_t t, size_t *bytes);

// lc_ffn_forward with the caller's scratch: `work` (64-byte aligned; NULL allowed when the size
// is 0) of work_size >= lc_ffn_workspace_size(ffn, t) bytes; then it never allocates, so a model
// can keep one workspace per thread and skip the per-call allocation (and, for a fresh mapping,
// its page faults: about 0.5 ms per MiB here). The same bits as lc_ffn_forward. Too small or
// misaligned a workspace is LC_ERR_ARG; other errors as lc_ffn_forward. The FFN stays read-only:
// concurrent forwards need one workspace each.
LC_API lc_status lc_ffn_forward_ws(const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx,
                                   float *y, int64_t ldy, void *work, size_t work_size);

// Frees the FFN (not its weights); NULL is allowed.
LC_API void lc_ffn_free(lc_ffn *ffn);

// 2-D convolution (src/nn/conv.c) as im2col + an lc_mat product, for LeNet-style networks.
// Images are NCHW: a batch of `batch` images of c_in × h × w floats, contiguous. The weight is
// an lc_mat of c_out × (c_in·kh·kw) (PyTorch's [out, in, kh, kw] flattened, so any format works
// and blocks / N:M groups run along that K), borrowed as in lc_linear; the bias is copied.
typedef struct lc_conv2d lc_conv2d;

// A convolution with square stride >= 1 and zero padding pad >= 0 on every side. The weight
// must have c_in·kh·kw columns (LC_ERR_ARG naming both otherwise).
LC_API lc_status lc_conv2d_create(lc_conv2d **out, const lc_mat *w, const float *bias, int64_t c_in,
                                  int64_t kh, int64_t kw, int64_t stride, int64_t pad);
// Output height and width for an h × w input: (h + 2·pad − kh) / stride + 1 (and the same for
// w); LC_ERR_ARG when the padded input is smaller than the kernel.
LC_API lc_status lc_conv2d_out_size(const lc_conv2d *conv, int64_t h, int64_t w, int64_t *h_out,
                                    int64_t *w_out);
// y (batch × c_out × h_out × w_out) = conv(x) + bias. Allocates the im2col array per call
// (LC_ERR_NOMEM / LC_ERR_OVERFLOW). x and y must not overlap. On failure y is unchanged.
LC_API lc_status lc_conv2d_forward(const lc_conv2d *conv, int64_t batch, int64_t h, int64_t w,
                                   const float *x, float *y);
// Frees the layer (not its weight); NULL is allowed.
LC_API void lc_conv2d_free(lc_conv2d *conv);

// ---------------------------------------------------------------------------------------------
// Pruning (src/prune)
//
// Magnitude pruning of a dense row-major M×K weight (row stride ldw >= max(1, K)), as a
// PyTorch Linear stores it (a conv weight [out, in, kh, kw] is M = out, K = in·kh·kw). The
// sparsity s in [0, 1) is the fraction of the unit (entry, block or row) count removed: a
// matrix of U units keeps U − round(s·U) of them (round half away from zero). Units are ranked
// by magnitude and, among equal magnitudes, the lower index is kept (row-major order for
// entries and blocks); NaN ranks above Inf. Block and row norms are summed in double, in
// row-major order within the unit (an L2 norm is ranked by its square). A mask has M·K bytes,
// row-major: 1 kept, 0 removed (any other byte is LC_ERR_ARG where a mask is read).

typedef enum lc_prune_pattern {
    LC_PRUNE_DENSE = 0,    // nothing removed (the baseline; format dense)
    LC_PRUNE_UNSTRUCTURED, // entries of largest |w| over the whole matrix, or per row when
                           // row_balanced (each row keeps K − round(s·K)); format CSR
    LC_PRUNE_BLOCK,        // block_rows × block_cols blocks (edge blocks cut by the matrix
                           // count as blocks) of largest L2 or L1 norm; format BSR
    LC_PRUNE_NM,           // N of every M consecutive entries along K, rows_per_group rows
                           // sharing one pattern (as lc_mat_params); format N:M. sparsity unused
    LC_PRUNE_ROWS          // whole output rows (neurons, channels) of largest L2 norm; the
                           // pruned matrix is the smaller dense matrix of the kept rows
} lc_prune_pattern;

typedef enum lc_prune_norm { LC_PRUNE_NORM_L2 = 0, LC_PRUNE_NORM_L1 = 1 } lc_prune_norm;

// What to prune to. Zero-initialise, then set the fields the pattern uses (the others are
// ignored); 0 is the default where a field has one (L2, nm_rows = 1), and an error for
// block_rows, block_cols, nm_n and nm_m, which have none.
typedef struct lc_prune_spec {
    lc_prune_pattern pattern;
    double sparsity;                // fraction removed, [0, 1); not used by LC_PRUNE_NM
    int32_t row_balanced;           // LC_PRUNE_UNSTRUCTURED: 1 = the same count in every row
                                    // (0 or 1)
    int32_t block_rows, block_cols; // LC_PRUNE_BLOCK: 1..256 each (no default: 0 is an error)
    lc_prune_norm block_norm;       // LC_PRUNE_BLOCK: ranking norm (default L2)
    int32_t nm_n, nm_m, nm_rows;    // LC_PRUNE_NM: 0 < N < M <= 16, nm_rows >= 1 (0 means 1)
} lc_prune_spec;

// Checks a spec: sparsity outside [0, 1) or NaN, block side 0 or > 256, N >= M, M > 16, an
// unknown pattern or norm → LC_ERR_ARG naming the field. Only the fields the pattern uses are
// checked.
LC_API lc_status lc_prune_spec_check(const lc_prune_spec *spec);

// Parses "dense", "unstructured:S", "unstructured-rows:S" (row-balanced), "block<B>:S" or
// "block<BH>x<BW>:S" (L2; "block<B>-l1:S" for L1), "nm:N:M" or "nm:N:M:vV", "rows:S" into *spec.
// S is a decimal number (no sign); V >= 1 (default 1). An unknown or malformed pattern is
// LC_ERR_ARG whose message lists the valid forms; a well-formed one with a field out of range
// is LC_ERR_ARG naming the field (as lc_prune_spec_check). *spec is unchanged on failure.
LC_API lc_status lc_prune_spec_parse(const char *text, lc_prune_spec *spec);

// Writes the mask of `spec` applied to W into mask (M·K bytes; may be NULL when M·K = 0).
// Allocates scratch (selection histograms, block or row norms): LC_ERR_NOMEM leaves mask
// unchanged.
LC_API lc_status lc_prune_mask(const float *w, int64_t m, int64_t k, int64_t ldw,
                               const lc_prune_spec *spec, uint8_t *mask);

// Builds the pruned matrix in the format the pattern implies (see lc_prune_pattern) from W and
// a mask (from lc_prune_mask, possibly of an earlier W: fine-tuning keeps the mask): entries
// the mask removes are not stored; entries it keeps are stored even when zero (a kept block is
// a whole BSR tile, a kept N:M group position is stored). For LC_PRUNE_ROWS the result has one
// row per kept row (rows all 1 in the mask, others all 0; anything else is LC_ERR_ARG; with
// K = 0 every row is kept), and kept_rows, when not NULL, receives their indices in increasing
// order (M entries of room); other patterns ignore kept_rows. The mask must have the pattern's
// structure, else LC_ERR_ARG naming the place: LC_PRUNE_BLOCK, constant on every tile;
// LC_PRUNE_NM, at most N kept per group and the same pattern in every row of a row group (a
// group keeping fewer than min(N, w) is padded with stored zeros at its lowest removed
// positions, as the format stores min(N, w) per group); LC_PRUNE_UNSTRUCTURED takes any mask;
// LC_PRUNE_DENSE gives the dense W⊙mask (removed entries +0). On failure *out and kept_rows
// are unchanged.
LC_API lc_status lc_prune_apply(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                                const lc_prune_spec *spec, const uint8_t *mask, int32_t *kept_rows);

// lc_prune_mask then lc_prune_apply.
LC_API lc_status lc_prune_to_mat(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                                 const lc_prune_spec *spec, int32_t *kept_rows);

// How far a pruned weight is from the original.
typedef struct lc_prune_error {
    double frobenius; // ‖W − W⊙mask‖_F / ‖W‖_F (0 when W is 0)
    double output; // ‖X·Wᵀ − X·(W⊙mask)ᵀ‖_F / ‖X·Wᵀ‖_F over the T given rows of X (0 when
                   // T = 0 or X·Wᵀ = 0)
} lc_prune_error;

// Error metrics of a mask, computed in double: x holds T activation rows of K (ldx >=
// max(1, K)); T may be 0 (x NULL). The output error costs T·M·K multiply-adds (threaded over
// the rows of W; the result does not depend on the thread count).
LC_API lc_status lc_prune_error_of(const float *w, int64_t m, int64_t k, int64_t ldw,
                                   const uint8_t *mask, int64_t t, const float *x, int64_t ldx,
                                   lc_prune_error *err);

// ---------------------------------------------------------------------------------------------
// Models (src/models): the real trained networks of the data directory, run on lacuna's layers.
//
// data_dir is the directory that holds mnist_mlp_ggml/, lenet5_khushbujpatel/, stories260K/ and
// mnist_dataset/ (../shared/data/nn from the repository). A model is a list of named weight
// layers, named as their .npy files ("fc1.weight", "convnet.c1.weight", "w1"); a layer may hold
// several matrices of one shape (stories260k's "w1" holds one per transformer block). Any matrix
// can be replaced by an lc_mat of any format, so pruned and structured weights run on the same
// forward pass. A model is not thread-safe: one call at a time.

typedef struct lc_model lc_model;

// Loads "mnist-mlp", "lenet5" or "stories260k" (LC_ERR_ARG listing the names for another).
// Missing or truncated files, and shapes that disagree with the model, are LC_ERR_IO /
// LC_ERR_FORMAT naming the file.
LC_API lc_status lc_model_load(lc_model **out, const char *name, const char *data_dir);

typedef struct lc_model_layer {
    const char *name;     // as the .npy file, static for the model's life
    int64_t count;        // matrices under this name
    int64_t rows, cols;   // each matrix: d_out × d_in (a conv: out × in·kh·kw)
    int32_t is_output;    // 1 when its rows are the model's outputs (classes, logits): removing
                          // rows there removes outputs, so "all" leaves it out of row pruning
    int32_t is_embedding; // 1 for a token embedding (never pruned by "all")
} lc_model_layer;

// Number of named weight layers.
LC_API int64_t lc_model_layer_count(const lc_model *model);
// Describes layer i (0 <= i < count).
LC_API lc_status lc_model_layer_info(const lc_model *model, int64_t i, lc_model_layer *info);
// Finds a layer by name: LC_ERR_ARG listing the valid names when there is none.
LC_API lc_status lc_model_layer_find(const lc_model *model, const char *name, int64_t *i);
// The dense values of matrix j of layer i (rows × cols, row-major) as loaded or as
// lc_model_finetune left them (lc_model_set_weight does not change them), owned by the model.
LC_API lc_status lc_model_weight(const lc_model *model, int64_t i, int64_t j, const float **w);

// The matrix the forward pass applies for matrix j of layer i (borrowed: valid until it is
// replaced or the model freed); lc_mat_info on it gives the stored format, bytes and nonzeros.
LC_API lc_status lc_model_mat(const lc_model *model, int64_t i, int64_t j, const lc_mat **w);

// Replaces matrix j of layer i by `w`, which the model takes (it frees it, also on failure).
// With kept_rows NULL, w must be rows × cols. With kept_rows (increasing indices, as
// lc_prune_apply returns them), w holds only those rows and the model removes the other output
// units: their bias entries and, where the next layer consumes them directly, that layer's
// matching input columns (a smaller model, the realistic baseline of row pruning); where it
// cannot shrink the consumer, the removed units output zero. w must have the matrix's current
// shape (fewer columns once its producer was row-pruned); a matrix is row-pruned at most once
// (reload the model to start over). Bad arguments leave the model unchanged; an allocation
// failure while shrinking the consumer leaves it unusable (free it).
LC_API lc_status lc_model_set_weight(lc_model *model, int64_t i, int64_t j, lc_mat *w,
                                     const int32_t *kept_rows);

typedef struct lc_model_score {
    const char *metric; // "accuracy" (top-1, in [0, 1]) or "nll" (mean nats per token)
    double value;
    int64_t count; // images, or next-token predictions, evaluated
} lc_model_score;

// Scores the model on its evaluation data: MNIST test images first .. first+count−1 (count < 0:
// to the end; a range past the 10000 images is LC_ERR_ARG), or the TinyStories excerpt's stories
// first .. first+count−1 (protocol of the data README: [BOS] + tokens cut to 512, every position
// after BOS predicted).
LC_API lc_status lc_model_evaluate(lc_model *model, int64_t first, int64_t count,
                                   lc_model_score *score);

// Fine-tunes the MNIST models' kept weights on test images first .. first+count−1 (SGD on the
// cross-entropy, `epochs` passes, learning rate lr, deterministic order): masks[i] is NULL (layer
// i fully trainable) or count·rows·cols bytes (0 = stays zero). Works on the dense values (call
// it before replacing weights; a row-pruned model is LC_ERR_ARG: express removed rows as a mask)
// and then makes every matrix a dense copy of the new values. LC_ERR_UNSUPPORTED for
// stories260k.
LC_API lc_status lc_model_finetune(lc_model *model, const uint8_t *const *masks, int64_t first,
                                   int64_t count, int32_t epochs, float lr);

// Text models (stories260k): the llama2.c tokenizer and greedy decoding with a KV cache.
// Encodes text (BOS first when bos) into at most cap tokens: *n receives the count
// (LC_ERR_ARG when cap is too small). LC_ERR_UNSUPPORTED for a model without a tokenizer.
LC_API lc_status lc_model_encode(const lc_model *model, const char *text, int32_t bos,
                                 int32_t *tokens, int64_t cap, int64_t *n);
// The text of token `token` following `prev` (llama2.c's rule: a leading space is dropped after
// BOS; "<0xNN>" byte tokens give that byte). Static for the model's life.
LC_API lc_status lc_model_token_text(const lc_model *model, int32_t prev, int32_t token,
                                     const char **text);
// Greedy decoding: feeds the n_prompt tokens (BOS first; n_prompt <= 512) in one batch, then
// appends the argmax token, one KV-cached step per token, until `max_new` new tokens, the end
// of a story (EOS, or BOS, which separates llama2.c's training stories; not appended), cap
// tokens in out, or the context (512 tokens, prompt included) is full. *n_out (<= n_prompt +
// max_new) receives the total count in out (prompt first; out may be prompt itself). Allocates
// nothing (buffers and KV cache are made at load) unless a replaced weight needs more product
// scratch than any before it. A token outside the vocabulary is LC_ERR_ARG.
LC_API lc_status lc_model_generate(lc_model *model, const int32_t *prompt, int64_t n_prompt,
                                   int64_t max_new, int32_t *out, int64_t cap, int64_t *n_out);

// Frees the model and every weight it holds; NULL is allowed.
LC_API void lc_model_free(lc_model *model);

// ---------------------------------------------------------------------------------------------
// Matrix Market I/O (src/io)

// Reads a Matrix Market file (plain, or gzip-compressed: detected from its first bytes) into a
// matrix of `format` (LC_FORMAT_COO, LC_FORMAT_CSR or LC_FORMAT_DENSE; others are converted
// from CSR). coordinate and array; real, integer, pattern (values 1); general, symmetric,
// skew-symmetric (the other triangle is mirrored; an entry given in the upper triangle is
// mirrored too, and one given in both triangles is summed). complex and hermitian:
// LC_ERR_UNSUPPORTED. Duplicate coordinate entries are summed. Array files read into a sparse
// format drop zeros, as lc_mat_from_dense does. Malformed input is LC_ERR_FORMAT with the line.
LC_API lc_status lc_mtx_read(const char *path, lc_format format, lc_mat **out);
// The same from `size` bytes in memory (plain or gzip).
LC_API lc_status lc_mtx_read_mem(const void *data, size_t size, lc_format format, lc_mat **out);
// Writes `a`: dense as "array real general" (column-major as the format says), any other
// format as "coordinate real general" (1-based, row-major order). Values printed with 9
// significant digits, which round-trip float32 exactly.
LC_API lc_status lc_mtx_write(const char *path, const lc_mat *a);

// ---------------------------------------------------------------------------------------------
// NumPy .npy I/O (src/io)

typedef enum lc_dtype {
    LC_DTYPE_F32 = 0, // '<f4'
    LC_DTYPE_F64,     // '<f8'
    LC_DTYPE_I32,     // '<i4'
    LC_DTYPE_I64,     // '<i8'
    LC_DTYPE_F16      // '<f2', read only (stored as raw IEEE half bits, uint16)
} lc_dtype;

#define LC_ARRAY_MAX_DIMS 8

// An n-dimensional array in C (row-major) order, native byte order.
typedef struct lc_array {
    lc_dtype dtype;
    int ndim;                         // 0 (a scalar) .. LC_ARRAY_MAX_DIMS
    int64_t shape[LC_ARRAY_MAX_DIMS]; // shape[0..ndim-1]
    void *data;                       // product(shape) elements, owned: lc_array_free
} lc_array;

// Reads a .npy file (format versions 1, 2, 3; C or Fortran order, which is transposed to C
// order; little- or big-endian, converted to native; '|' is read as native, as numpy does).
// Malformed input is LC_ERR_FORMAT with the byte offset; a header claiming more data than the
// file holds is caught before allocating. A file of unknown size (a pipe) is
// LC_ERR_UNSUPPORTED.
LC_API lc_status lc_npy_read(const char *path, lc_array *out);
// The same from `size` bytes in memory.
LC_API lc_status lc_npy_read_mem(const void *data, size_t size, lc_array *out);
// Writes `a` (F32, F64, I32 or I64) as a version 1.0 .npy file in C order (2.0 if the header
// needs it).
LC_API lc_status lc_npy_write(const char *path, const lc_array *a);
// Converts `a` in place to LC_DTYPE_F32 or LC_DTYPE_F64 (from any dtype).
LC_API lc_status lc_array_convert(lc_array *a, lc_dtype dtype);
// Number of elements (product of the shape; 1 for ndim 0); 0 for NULL, -1 for an invalid or
// overflowing shape.
LC_API int64_t lc_array_count(const lc_array *a);
// Frees a->data (which must come from the library, e.g. lc_npy_read) and clears *a; NULL and
// cleared arrays are allowed.
LC_API void lc_array_free(lc_array *a);

#ifdef __cplusplus
}
#endif

#endif // LACUNA_H
