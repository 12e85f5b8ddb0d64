// butterfly.h: the butterfly format B = [M_{L-1}]·B_{L-1}···[M_1]·B_1·[M_0]·B_0·P (N = 2^L; P the
// identity or the bit reversal; the mirror layers M_t optional), padded to an M×K operator,
// shared by its constructors, product, projection and kernel files.
#ifndef LACUNA_BUTTERFLY_H
#define LACUNA_BUTTERFLY_H

#include "../../core/mat.h"

// Factor t (0-based, t < L) has stride h = 2^t: it pairs entries i and i + h for every i with
// bit t of i clear, and its pair q = (i >> (t+1))·h + (i & (h−1)) holds the 2×2 block
// [a b; c d] = f[(t·N/2 + q)·4 + 0..3]:  y[i] = a·x[i] + b·x[i+h],  y[i+h] = c·x[i] + d·x[i+h].
// Mirror layer M_t (present when bit t of `mirror` is set) follows factor t with the same
// stride: in each block [b, b + 2h) it pairs b with b + h and b + j with b + 2h − j (0 < j < h),
// pair q = (b >> (t+1))·h + j holding [a b; c d] = g[(s·N/2 + q)·4 + 0..3], s the number of
// mirror layers below t:  y[i] = a·x[i] + b·x[p],  y[p] = c·x[i] + d·x[p]  (i = b + j, p its
// partner). The fast Hartley transform's "dual node" step is such a layer.
typedef struct lci_butterfly {
    lc_mat base;
    int64_t nn;      // N, a power of two >= max(1, M, K)
    int32_t levels;  // L = log2(N)
    int32_t bitrev;  // 1: the input is bit-reversed first (P), 0: P = I
    uint64_t mirror; // bit t: mirror layer M_t present (bits below L only)
    float *f;        // L·N/2·4 floats (at least 4, so an N = 1 matrix still allocates)
    float *g;        // popcount(mirror)·N/2·4 floats, NULL when there is no mirror layer
} lci_butterfly;

// The blocks of mirror layer t, or NULL when factor t has none.
static inline const float *lci_butterfly_mirror(const lci_butterfly *a, int32_t t) {
    if (!(a->mirror >> t & 1)) return NULL;
    const int s = __builtin_popcountll(a->mirror & (((uint64_t)1 << t) - 1));
    return a->g + (int64_t)s * (a->nn / 2) * 4;
}

// Vectors are processed LCI_BF_LANES at a time in an N×LANES tile (row r holds entry r of each
// vector); stages of blocks up to LCI_BF_CHUNK rows run on chunks of that many tile rows (32
// KiB, kept in L1), the larger ones over the whole tile (N·64 bytes: 256 KiB at N = 4096, L2).
#define LCI_BF_LANES 16
#define LCI_BF_CHUNK 512

// Applies factors [t0, t1) of `a` in order, each followed by its mirror layer if it has one, to
// tile rows [r0, r0 + rows) (rows a multiple of 2^t1, r0 too; row stride LCI_BF_LANES). Kernels
// fuse two factors per pass (radix 4) where no mirror layer sits between them and run the others
// alone. lci_butterfly_stages_ref is the plain C oracle.
typedef void (*lci_butterfly_stages_fn)(const lci_butterfly *a, int32_t t0, int32_t t1, float *tile,
                                        int64_t r0, int64_t rows);
void lci_butterfly_stages_ref(const lci_butterfly *a, int32_t t0, int32_t t1, float *tile,
                              int64_t r0, int64_t rows);

// An M×K butterfly of size N with uninitialised factors (and mirror blocks for the layers in
// `mirror`); `who` names the caller in messages.
lc_status lci_butterfly_alloc(lci_butterfly **out, int64_t m, int64_t k, int64_t nn, int32_t bitrev,
                              uint64_t mirror, const char *who);
void lci_butterfly_destroy(lc_mat *mat);
// The index i with its L low bits reversed.
int64_t lci_bitrev(int64_t i, int32_t levels);

// Y = alpha·B·X + beta·Y for validated arguments (butterfly_mm.c); tiles live in the workspace.
lc_status lci_butterfly_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_butterfly_workspace(const lc_mat *a, lc_layout layout, int64_t n);

#endif
