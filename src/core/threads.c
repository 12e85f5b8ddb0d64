// threads.c: the thread count of lacuna's parallel regions and the one place that opens them.
#include "internal.h"

#include <stdatomic.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static atomic_int lci_thread_request = 0; // 0: the OpenMP default

lc_status lc_threads_set(int n) {
    if (n < 0) return lci_error(LC_ERR_ARG, "lc_threads_set: n = %d is negative", n);
    atomic_store_explicit(&lci_thread_request, n, memory_order_relaxed);
    lci_error_clear();
    return LC_OK;
}

int lc_threads_get(void) {
    int n = atomic_load_explicit(&lci_thread_request, memory_order_relaxed);
    if (n > 0) return n;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int lci_threads_for(double work, double grain) {
    int t = lc_threads_get();
    if (grain > 0 && work < grain * t) {
        int useful = (int)(work / grain);
        t = useful < 1 ? 1 : useful;
    }
    return t;
}

void lci_parallel(int parts, void (*fn)(void *ctx, int part), void *ctx) {
    if (parts <= 1) {
        if (parts == 1) fn(ctx, 0);
        return;
    }
#ifdef _OPENMP
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int p = 0; p < parts; p++) fn(ctx, p);
#else
    for (int p = 0; p < parts; p++) fn(ctx, p);
#endif
}

void lci_parallel_blas(int parts, void (*fn)(void *ctx, int part), void *ctx) {
#ifdef _OPENMP
    // Two threads at least, so the region is active even for one part: OpenBLAS's OpenMP build
    // then runs serially, and a BLAS result depends only on the block it was given.
    int team = parts < 2 ? 2 : parts;
#pragma omp parallel num_threads(team)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int p = t; p < parts; p += nt) fn(ctx, p);
    }
#else
    for (int p = 0; p < parts; p++) fn(ctx, p);
#endif
}
