// rng.c: xoshiro256** seeded by splitmix64; the same stream on every platform.
#include "internal.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void lci_rng_seed(lci_rng *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

uint64_t lci_rng_next(lci_rng *rng) {
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t lci_rng_below(lci_rng *rng, uint64_t bound) {
    // Rejection keeps the result unbiased: draw again when x falls in the ragged top.
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = lci_rng_next(rng);
    while (x >= limit);
    return x % bound;
}

float lci_rng_float(lci_rng *rng) {
    // 24 random bits: every value is exactly representable.
    return (float)((int64_t)(lci_rng_next(rng) >> 40) - (1 << 23)) * (1.0f / (1 << 23));
}

double lci_rng_normal(lci_rng *rng) {
    double u1 = ((double)(lci_rng_next(rng) >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
    double u2 = (double)(lci_rng_next(rng) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
