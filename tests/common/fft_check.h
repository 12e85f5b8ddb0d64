// fft_check.h: the product check of the FFT-based formats (circulant, Toeplitz): Y = alpha·A·X +
// beta·Y against a double-precision reference from A's dense entries, per vector within the
// normwise bound of lacuna.h, (20·log2(L) + 8)·eps·|alpha|·√L·‖t‖₂·‖x‖₂ + 2·eps·|beta|·‖y0‖₂
// (at LC_ISA=generic, the direct sum's (K + 2)·eps·‖|alpha|·|A|·|x| + |beta|·|y0|‖₂).
#ifndef LACUNA_FFT_CHECK_H
#define LACUNA_FFT_CHECK_H

#include "testutil.h"

// a: A's dense entries (M×K, row stride K); len: the FFT length L; tnorm: ‖t‖₂ of the distinct
// values. X is random with NaN in its padding (and everywhere when alpha = 0), Y is NaN when
// beta = 0; the padding of Y must stay as it was. Returns the largest error / bound.
double fc_check_product(const lc_mat *A, const float *a, int64_t len, double tnorm,
                        lc_layout layout, int64_t n, float alpha, float beta, int64_t pad,
                        lci_rng *rng);
// 1 vs 2 threads bitwise, both layouts, for n vectors (alpha 0.7, beta 0.3, then beta 0).
void fc_check_threads(const lc_mat *A, int64_t n, lci_rng *rng);

#endif
