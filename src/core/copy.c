// copy.c: lci_mat_copy, an exact copy of any matrix in its own format and structure (what the
// sum format stores of its operands).
#include "mat.h"
#include "../formats/bsr/bsr.h"
#include "../formats/nm/nm.h"

lc_status lci_mat_copy(lc_mat **out, const lc_mat *a) {
    lc_mat_params p = {0};
    switch (a->vt->format) {
    case LC_FORMAT_DENSE:
        return lci_dense_from_mat(out, a);
    case LC_FORMAT_LOWRANK:
        return lci_lowrank_copy(out, a);
    case LC_FORMAT_SUM:
        return lci_sum_copy(out, a);
    case LC_FORMAT_BUTTERFLY:
        return lci_butterfly_copy(out, a);
    case LC_FORMAT_CIRCULANT:
    case LC_FORMAT_TOEPLITZ:
        return lci_fftconv_copy(out, a);
    case LC_FORMAT_MONARCH:
        return lci_monarch_copy(out, a);
    case LC_FORMAT_BSR: // the same tiles: the CSR view holds every entry of every tile
        p.block_rows = ((const lci_bsr *)a)->bh, p.block_cols = ((const lci_bsr *)a)->bw;
        break;
    case LC_FORMAT_NM: { // the same N:M: a pattern converts to itself exactly
        const lci_nm *nm = (const lci_nm *)a;
        p.nm_n = nm->n, p.nm_m = nm->mg, p.nm_rows = nm->v;
        break;
    }
    default: // COO, CSR: density 0 keeps every stored entry, explicit zeros included
        break;
    }
    lci_csr_view v = {0};
    lc_status st = a->vt->to_csr(a, false, &v);
    if (st) return st;
    st = lci_mat_from_csr(out, a->vt->format, &v, &p);
    lci_csr_view_release(&v);
    return st;
}
