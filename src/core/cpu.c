// cpu.c: which instruction set the kernels may use (cpuid + xgetbv, LC_ISA, lc_isa_set).
#include "internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static lc_isa detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return LC_ISA_GENERIC;
    bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!(fma && osxsave && avx)) return LC_ISA_GENERIC;
    // The OS must save the wide registers, or using them corrupts other processes' state.
    uint64_t xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return LC_ISA_GENERIC;
    if (__get_cpuid_max(0, NULL) < 7) return LC_ISA_GENERIC;
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & (1u << 5))) return LC_ISA_GENERIC;
    const unsigned avx512 = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31); // F DQ BW VL
    if ((b & avx512) == avx512 && (xcr0 & 0xe0) == 0xe0) return LC_ISA_AVX512;
    return LC_ISA_AVX2;
}
#else
static lc_isa detect(void) {
    return LC_ISA_GENERIC;
}
#endif

// -1 until first use; then the level in force.
static atomic_int lci_isa_level = -1;
static atomic_int lci_isa_hw = -1;

lc_isa lc_isa_detected(void) {
    int hw = atomic_load_explicit(&lci_isa_hw, memory_order_relaxed);
    if (hw < 0) {
        hw = (int)detect();
        atomic_store_explicit(&lci_isa_hw, hw, memory_order_relaxed);
    }
    return (lc_isa)hw;
}

static lc_isa from_env(lc_isa hw) {
    const char *s = getenv("LC_ISA");
    if (!s) return hw;
    lc_isa want = hw;
    if (strcmp(s, "generic") == 0)
        want = LC_ISA_GENERIC;
    else if (strcmp(s, "avx2") == 0)
        want = LC_ISA_AVX2;
    else if (strcmp(s, "avx512") == 0)
        want = LC_ISA_AVX512;
    // LC_ISA may only lower the level; an unknown value is ignored.
    return want < hw ? want : hw;
}

lc_isa lci_isa(void) {
    int level = atomic_load_explicit(&lci_isa_level, memory_order_relaxed);
    if (level < 0) {
        level = (int)from_env(lc_isa_detected());
        atomic_store_explicit(&lci_isa_level, level, memory_order_relaxed);
    }
    return (lc_isa)level;
}

lc_isa lc_isa_get(void) {
    return lci_isa();
}

lc_status lc_isa_set(lc_isa isa) {
    if ((int)isa < LC_ISA_GENERIC || isa > LC_ISA_AVX512)
        return lci_error(LC_ERR_ARG, "lc_isa_set: unknown level %d", (int)isa);
    if (isa > lc_isa_detected())
        return lci_error(LC_ERR_UNSUPPORTED, "lc_isa_set: this CPU supports up to %s, not %s",
                         lc_isa_name(lc_isa_detected()), lc_isa_name(isa));
    atomic_store_explicit(&lci_isa_level, (int)isa, memory_order_relaxed);
    lci_error_clear();
    return LC_OK;
}

const char *lc_isa_name(lc_isa isa) {
    switch (isa) {
    case LC_ISA_GENERIC:
        return "generic";
    case LC_ISA_AVX2:
        return "avx2";
    case LC_ISA_AVX512:
        return "avx512";
    }
    return "unknown";
}
