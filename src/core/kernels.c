// kernels.c: the kernel registry. Reference (plain C) kernels are listed first; faster ones of
// higher ISA levels override them when the level in force allows.
#include "mat.h"

#include <stddef.h>

extern const lci_kernel lci_csr_kernels_ref[];
extern const lci_kernel lci_bsr_kernels_ref[];
extern const lci_kernel lci_nm_kernels_ref[];
extern const lci_kernel lci_stream_kernels_ref[];
extern const lci_kernel lci_butterfly_kernels_ref[];
extern const lci_kernel lci_activation_kernels_ref[];
extern const lci_kernel lci_lowrank_kernels_ref[];
extern const lci_kernel lci_monarch_kernels_ref[];
#ifdef LCI_HAVE_X86_KERNELS
extern const lci_kernel lci_csr_kernels_avx2[];
extern const lci_kernel lci_csr_kernels_avx512[];
extern const lci_kernel lci_bsr_kernels_avx2[];
extern const lci_kernel lci_bsr_kernels_avx512[];
extern const lci_kernel lci_nm_kernels_avx2[];
extern const lci_kernel lci_nm_kernels_avx512[];
extern const lci_kernel lci_stream_kernels_avx2[];
extern const lci_kernel lci_stream_kernels_avx512[];
extern const lci_kernel lci_butterfly_kernels_avx2[];
extern const lci_kernel lci_butterfly_kernels_avx512[];
extern const lci_kernel lci_activation_kernels_avx2[];
extern const lci_kernel lci_activation_kernels_avx512[];
extern const lci_kernel lci_lowrank_kernels_avx2[];
extern const lci_kernel lci_lowrank_kernels_avx512[];
extern const lci_kernel lci_monarch_kernels_avx2[];
extern const lci_kernel lci_monarch_kernels_avx512[];
#endif

// Each table ends with an entry whose fn is NULL.
static const lci_kernel *const tables[] = {
    lci_csr_kernels_ref,          lci_bsr_kernels_ref,         lci_nm_kernels_ref,
    lci_stream_kernels_ref,       lci_butterfly_kernels_ref,   lci_activation_kernels_ref,
    lci_lowrank_kernels_ref,      lci_monarch_kernels_ref,
#ifdef LCI_HAVE_X86_KERNELS
    lci_csr_kernels_avx2,         lci_csr_kernels_avx512,      lci_bsr_kernels_avx2,
    lci_bsr_kernels_avx512,       lci_nm_kernels_avx2,         lci_nm_kernels_avx512,
    lci_stream_kernels_avx2,      lci_stream_kernels_avx512,   lci_butterfly_kernels_avx2,
    lci_butterfly_kernels_avx512, lci_activation_kernels_avx2, lci_activation_kernels_avx512,
    lci_lowrank_kernels_avx2,     lci_lowrank_kernels_avx512,  lci_monarch_kernels_avx2,
    lci_monarch_kernels_avx512,
#endif
};

static const lci_kernel *find(lci_kernel_id id, lc_isa isa) {
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const lci_kernel *e = tables[t]; e->fn; e++)
            if (e->id == id && e->isa == isa) return e;
    return NULL;
}

static const lci_kernel *best(lci_kernel_id id) {
    for (int isa = (int)lci_isa(); isa >= LC_ISA_GENERIC; isa--) {
        const lci_kernel *e = find(id, (lc_isa)isa);
        if (e) return e;
    }
    return NULL;
}

lci_fn lci_kernel_get(lci_kernel_id id) {
    const lci_kernel *e = best(id);
    return e ? e->fn : NULL;
}

lci_fn lci_kernel_get_at(lci_kernel_id id, lc_isa isa) {
    if (isa > lc_isa_detected()) return NULL;
    const lci_kernel *e = find(id, isa);
    return e ? e->fn : NULL;
}

const char *lci_kernel_name(lci_kernel_id id) {
    const lci_kernel *e = best(id);
    return e ? e->name : "none";
}
