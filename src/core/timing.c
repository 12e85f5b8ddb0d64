// timing.c: the one timing harness (warm-up, repetitions, median/min/p90, optional cache
// eviction before each repetition).
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double lci_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// Size of the highest cache level in sysfs ("32768K"), or 0.
static size_t sysfs_llc_bytes(void) {
    size_t best = 0;
    int best_level = 0;
    for (int i = 0; i < 8; i++) {
        char path[96], buf[32];
        int level = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f) break;
        if (fscanf(f, "%d", &level) != 1) level = 0;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (!(f = fopen(path, "r"))) continue;
        unsigned long size = 0;
        char unit = 0;
        if (fgets(buf, sizeof buf, f) && sscanf(buf, "%lu%c", &size, &unit) >= 1) {
            if (unit == 'K')
                size <<= 10;
            else if (unit == 'M')
                size <<= 20;
            if (level >= best_level && size > 0) best_level = level, best = size;
        }
        fclose(f);
    }
    return best;
}

size_t lci_llc_bytes(void) {
    // sysfs first: under some hypervisors glibc's sysconf reports 10× the real L3.
    size_t bytes = sysfs_llc_bytes();
    if (bytes) return bytes;
#ifdef _SC_LEVEL3_CACHE_SIZE
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l3 > 0) return (size_t)l3;
#endif
    return (size_t)32 << 20;
}

typedef struct evict_ctx {
    const volatile float *buf; // written once (lci_calloc), so every page is really mapped
    size_t count;
    int parts;
    volatile float sink[LCI_MAX_PARTS];
} evict_ctx;

// Each thread reads its share, which also pushes out the other cores' private caches. Reading
// (not writing) leaves clean lines, so the timed run pays no write-backs of the eviction.
static void evict_part(void *vctx, int part) {
    evict_ctx *e = vctx;
    size_t lo = e->count * (size_t)part / (size_t)e->parts;
    size_t hi = e->count * (size_t)(part + 1) / (size_t)e->parts;
    float sum = 0.0f;
    for (size_t i = lo; i < hi; i += 16) sum += e->buf[i];
    e->sink[part] = sum;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

lc_status lci_time(lc_status (*fn)(void *ctx), void *ctx, int warmup, int reps, bool cold,
                   lci_timing *out) {
    if (reps < 1) reps = 1;
    lc_status st = LC_OK;
    double *t = NULL;
    evict_ctx ev = {.parts = lc_threads_get() < LCI_MAX_PARTS ? lc_threads_get() : LCI_MAX_PARTS};
    if ((st = lci_alloc_array((void **)&t, (size_t)reps, sizeof *t, "timing samples"))) return st;
    if (cold) {
        ev.count = 4 * lci_llc_bytes() / sizeof(float);
        ev.buf = lci_calloc(ev.count, sizeof(float));
        if (!ev.buf) {
            st = lci_error(LC_ERR_NOMEM, "timing: cannot allocate the cache-eviction buffer");
            goto done;
        }
    }
    for (int i = 0; i < warmup; i++)
        if ((st = fn(ctx))) goto done;
    double sum = 0;
    for (int i = 0; i < reps; i++) {
        if (cold) lci_parallel(ev.parts, evict_part, &ev);
        double t0 = lci_now();
        if ((st = fn(ctx))) goto done;
        t[i] = lci_now() - t0;
        sum += t[i];
    }
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    out->reps = reps;
    out->min_s = t[0];
    out->median_s = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    int p90 = (int)((9 * (int64_t)reps + 9) / 10) - 1; // ceil(0.9·reps) - 1
    out->p90_s = t[p90 < reps / 2 ? reps / 2 : p90];
    out->mean_s = sum / reps;
done:
    lci_free((void *)ev.buf);
    lci_free(t);
    return st;
}
