// fuzz.h: what the libFuzzer targets share: a checked-invariant macro, and an allocator that
// refuses huge requests (a valid header may ask for a matrix larger than the fuzzer's memory
// limit; the library must then report LC_ERR_NOMEM, which is a correct outcome).
#ifndef LACUNA_FUZZ_H
#define LACUNA_FUZZ_H

#include "lacuna.h"

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ALLOC_LIMIT ((size_t)4 << 20)

// Aborts (a finding for libFuzzer) when an invariant does not hold.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s (last error: %s)\n", __FILE__, __LINE__,  \
                    #cond, lc_last_error());                                                       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void *fuzz_alloc(size_t size, size_t alignment, void *ctx) {
    (void)ctx;
    if (size > FUZZ_ALLOC_LIMIT) return NULL;
    return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

static void fuzz_free(void *ptr, void *ctx) {
    (void)ctx;
    free(ptr);
}

static inline void fuzz_install_allocator(void) {
    static int done = 0;
    if (done) return;
    lc_allocator a = {fuzz_alloc, fuzz_free, NULL};
    lc_allocator_set(&a);
    done = 1;
}

#endif
