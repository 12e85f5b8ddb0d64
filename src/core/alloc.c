// alloc.c: 64-byte aligned allocation through one replaceable allocator.
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void *default_alloc(size_t size, size_t alignment, void *ctx) {
    (void)ctx;
    // aligned_alloc wants a multiple of the alignment.
    size_t rounded = (size + alignment - 1) / alignment * alignment;
    if (rounded < size) return NULL;
    return aligned_alloc(alignment, rounded);
}

static void default_free(void *ptr, void *ctx) {
    (void)ctx;
    free(ptr);
}

static lc_allocator lci_allocator = {default_alloc, default_free, NULL};

void lc_allocator_set(const lc_allocator *allocator) {
    if (allocator && allocator->alloc && allocator->free) {
        lci_allocator = *allocator;
    } else {
        lci_allocator = (lc_allocator){default_alloc, default_free, NULL};
    }
}

void *lci_alloc(size_t size) {
    if (size == 0) size = LCI_ALIGN;
    if (size > (size_t)INT64_MAX) return NULL;
    return lci_allocator.alloc(size, LCI_ALIGN, lci_allocator.ctx);
}

void *lci_calloc(size_t count, size_t size) {
    size_t bytes;
    if (lci_mul_size(count, size, &bytes)) return NULL;
    void *p = lci_alloc(bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

void lci_free(void *ptr) {
    if (ptr) lci_allocator.free(ptr, lci_allocator.ctx);
}

lc_status lci_alloc_array(void **out, size_t count, size_t size, const char *what) {
    size_t bytes;
    if (lci_mul_size(count, size, &bytes) || bytes > (size_t)INT64_MAX)
        return lci_error(LC_ERR_OVERFLOW, "%s: %zu elements of %zu bytes overflow", what, count,
                         size);
    void *p = lci_alloc(bytes);
    if (!p) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate %zu bytes", what, bytes);
    *out = p;
    return LC_OK;
}
