// circulant.h: the FFT convolution engine shared by the circulant and Toeplitz formats. Both are
// an M×K window of an L×L circulant: entry (i, j) is h[(i − j) mod L], where h (L floats) is the
// circulant's first column. A circulant has M = K = L; a Toeplitz matrix embeds its M + K − 1
// diagonals in a circulant of a fast FFT length L >= M + K − 1 (zeros in between).
#ifndef LACUNA_CIRCULANT_H
#define LACUNA_CIRCULANT_H

#include "../../core/mat.h"

#include <fftw3.h>

typedef struct lci_fftconv {
    lc_mat base;
    int64_t len;     // L (0 for an empty matrix)
    float *h;        // L floats: the circulant's first column
    float *spec;     // 2·(L/2 + 1) floats: FFT(h) / L, interleaved complex
    fftwf_plan fwd;  // r2c of length L (out of place), NULL when empty
    fftwf_plan inv;  // c2r of length L (out of place)
    int64_t nz_vals; // nonzeros among the stored values (lc_mat_info)
} lci_fftconv;

// Builds the engine for an M×K matrix from h (L floats, copied; h may be NULL when L = 0):
// plans (FFTW_ESTIMATE, planner made thread-safe once) and the spectrum. LC_ERR_UNSUPPORTED when
// FFTW cannot plan, LC_ERR_OVERFLOW when L exceeds FFTW's int. `who` names the caller.
lc_status lci_fftconv_create(lci_fftconv **out, const lci_vtable *vt, int64_t m, int64_t k,
                             int64_t len, const float *h, const char *who);
// An exact copy (same vtable, h, spectrum; new plans).
lc_status lci_fftconv_copy(lc_mat **out, const lc_mat *a);
void lci_fftconv_destroy(lc_mat *a);

// Y = alpha·A·X + beta·Y by FFT for validated arguments (circulant_fft.c); LC_ISA=generic runs
// the direct product of circulant_ref.c instead.
lc_status lci_fftconv_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_fftconv_workspace(const lc_mat *a, lc_layout layout, int64_t n);
// The plain C oracle: y_i = Σ_j h[(i − j) mod L]·x_j summed in j order, one vector at a time.
void lci_fftconv_mm_ref(const lci_fftconv *a, const lci_mm_args *g);

// Dense copy (every entry), and the CSR view through a dense copy (every entry, or the nonzeros).
void lci_fftconv_to_dense(const lc_mat *a, float *out, int64_t ld);
lc_status lci_fftconv_to_csr(const lc_mat *a, bool all_entries, lci_csr_view *v);
// Flops per vector of the FFT product: 2 real transforms of length L at 2.5·L·log2(L) each and
// L/2 + 1 complex products of 6 flops.
double lci_fftconv_flops(int64_t len);

// The smallest 2^a·3^b·5^c·7^d >= need (need >= 1); -1 above INT32_MAX.
int64_t lci_fft_fast_len(int64_t need);
// Tests only: the next `count` plan requests fail as FFTW's NULL would (0 restores).
void lci_fft_fail_plans(int count);

#endif
