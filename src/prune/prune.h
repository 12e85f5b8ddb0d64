// prune.h: what the files of the pruning module share: argument checks, the unit count a
// sparsity keeps, and the mask builder without its checks.
#ifndef LACUNA_PRUNE_H
#define LACUNA_PRUNE_H

#include "../core/mat.h"

// Checks a weight operand: shape (negative: LC_ERR_ARG; above INT32_MAX: LC_ERR_OVERFLOW),
// ldw >= max(1, K), w not NULL when M·K > 0, and that its extent (M−1)·ldw + K floats fits.
lc_status lci_prune_check_w(const char *who, const float *w, int64_t m, int64_t k, int64_t ldw);
// Checks a spec (NULL included); messages start with `who` and name the field.
lc_status lci_prune_check_spec(const char *who, const lc_prune_spec *spec);
// Checks that a mask of m·k bytes is there (when m·k > 0) and holds only 0 and 1.
lc_status lci_prune_check_mask(const char *who, const uint8_t *mask, int64_t m, int64_t k);
// Units kept of `units` at sparsity s: units − round(s·units), halves away from zero.
int64_t lci_prune_keep(double s, int64_t units);
// lc_prune_mask on checked arguments.
lc_status lci_prune_mask(const float *w, int64_t m, int64_t k, int64_t ldw,
                         const lc_prune_spec *spec, uint8_t *mask);

#endif // LACUNA_PRUNE_H
