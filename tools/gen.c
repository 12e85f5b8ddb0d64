// gen.c: `lacuna gen`: writes the random matrix `bench mm` would use (same generator, same
// seed) as a Matrix Market file, so other programs (bench/peer_*) multiply the same matrix; and
// the random-matrix pieces bench mm shares with it: patterns and matrix names.
#include "tool.h"
#include "core/random_mat.h"
#include "formats/bsr/bsr.h"
#include "formats/butterfly/butterfly.h"
#include "formats/nm/nm.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

static const char *const pattern_names[] = {"uniform", "powerlaw"};

const char *tool_pattern_name(tool_pattern p) {
    return pattern_names[p == TOOL_PATTERN_POWERLAW];
}

bool tool_pattern_parse(const char *s, tool_pattern *p) {
    for (int i = 0; i < 2; i++)
        if (strcmp(s, pattern_names[i]) == 0) return (*p = (tool_pattern)i), true;
    tool_error("unknown pattern '%s' (uniform or powerlaw)", s);
    return false;
}

lc_mat_params tool_random_params(const tool_random_spec *s) {
    return (lc_mat_params){.block_rows = s->block_rows,
                           .block_cols = s->block_cols,
                           .nm_n = s->nm_n,
                           .nm_m = s->nm_m,
                           .nm_rows = s->nm_rows,
                           .rank = s->rank ? s->rank : 32,
                           .monarch_blocks = s->monarch_blocks};
}

// A random rank-r matrix: U and V uniform in [-1, 1)/sqrt(r) from the seed's stream.
static lc_status random_lowrank(lc_mat **out, int64_t m, int64_t k, int64_t r, uint64_t seed) {
    float *u = NULL, *v = NULL;
    lc_status st;
    if (!(st = lci_alloc_array((void **)&u, (size_t)(m * r), sizeof(float), "U")) &&
        !(st = lci_alloc_array((void **)&v, (size_t)(k * r), sizeof(float), "V"))) {
        lci_rng rng;
        lci_rng_seed(&rng, seed);
        const float scale = 1.0f / sqrtf((float)r);
        for (int64_t i = 0; i < m * r; i++) u[i] = lci_rng_float(&rng) * scale;
        for (int64_t i = 0; i < k * r; i++) v[i] = lci_rng_float(&rng) * scale;
        st = lc_mat_create_lowrank(out, m, k, r, u, v);
    }
    lci_free(u);
    lci_free(v);
    return st;
}

// The block count of a random Monarch matrix: --blocks, else the projection's default (the
// largest divisor of gcd(M, K) up to √min(M, K)).
static int64_t monarch_blocks(const tool_random_spec *s) {
    if (s->monarch_blocks) return s->monarch_blocks;
    int64_t g = s->m, h = s->k, best = 1;
    while (h) {
        const int64_t t = g % h;
        g = h, h = t;
    }
    for (int64_t d = 1; d * d <= (s->m < s->k ? s->m : s->k); d++)
        if (g % d == 0) best = d;
    return best;
}

// A random Monarch matrix: b blocks, q = min(M, K)/b, R uniform in [-1, 1)/sqrt(K/b), L in
// [-1, 1)/sqrt(q), from the seed's stream (R first).
static lc_status random_monarch(lc_mat **out, const tool_random_spec *s) {
    const int64_t b = monarch_blocks(s), mn = s->m < s->k ? s->m : s->k;
    if (b < 1 || s->m % b || s->k % b)
        return lc_mat_create_monarch(out, s->m, s->k, b, 1, NULL, NULL); // the error message
    const int64_t q = mn / b > 1 ? mn / b : 1;
    float *r = NULL, *l = NULL;
    lc_status st;
    if (!(st = lci_alloc_array((void **)&r, (size_t)(q * s->k), sizeof(float), "R")) &&
        !(st = lci_alloc_array((void **)&l, (size_t)(q * s->m), sizeof(float), "L"))) {
        lci_rng rng;
        lci_rng_seed(&rng, s->seed);
        const float sr = 1.0f / sqrtf((float)(s->k / b)), sl = 1.0f / sqrtf((float)q);
        for (int64_t i = 0; i < q * s->k; i++) r[i] = lci_rng_float(&rng) * sr;
        for (int64_t i = 0; i < q * s->m; i++) l[i] = lci_rng_float(&rng) * sl;
        st = lc_mat_create_monarch(out, s->m, s->k, b, q, r, l);
    }
    lci_free(r);
    lci_free(l);
    return st;
}

// A uniform CSR at the spec's density plus a lowrank of its rank (the LoRA / Scatterbrain case).
static lc_status random_sum(lc_mat **out, const tool_random_spec *s, int64_t r) {
    lc_mat *b = NULL, *c = NULL;
    lc_status st;
    if (!(st = lci_random_csr(&b, s->m, s->k, s->density, s->seed)) &&
        !(st = random_lowrank(&c, s->m, s->k, r, s->seed + 1)))
        st = lc_mat_create_sum(out, b, c);
    lc_mat_free(b);
    lc_mat_free(c);
    return st;
}

// A random orthogonal butterfly (lc_butterfly_random_orthogonal) of size N = the power of two
// that holds M and K, as the M×K corner when they are smaller.
static lc_status random_butterfly(lc_mat **out, const tool_random_spec *s) {
    int64_t nn = 1;
    while (nn < s->m || nn < s->k) nn *= 2;
    lc_mat *b = NULL;
    lc_status st = lc_butterfly_random_orthogonal(&b, nn, s->seed);
    if (st || (s->m == nn && s->k == nn)) return st ? st : (*out = b, LC_OK);
    // The corner: the same factors, read back through the raw constructor.
    const lci_butterfly *bf = (const lci_butterfly *)b;
    st = lc_mat_create_butterfly(out, s->m, s->k, nn, bf->f, 0);
    lc_mat_free(b);
    return st;
}

// A random circulant (first column) or Toeplitz matrix (first column, then first row) with
// values uniform in [-1, 1) from the seed's stream; a circulant is square (K is ignored).
static lc_status random_fft(lc_mat **out, const tool_random_spec *s) {
    const bool circ = s->format == LC_FORMAT_CIRCULANT;
    const int64_t m = s->m, k = circ ? s->m : s->k;
    float *v = NULL;
    lc_status st = lci_alloc_array((void **)&v, (size_t)(m + k), sizeof(float), "first column/row");
    if (st) return st;
    lci_rng rng;
    lci_rng_seed(&rng, s->seed);
    for (int64_t i = 0; i < m + k; i++) v[i] = lci_rng_float(&rng);
    v[m] = v[0]; // row[0] is col[0]
    st = circ ? lc_mat_create_circulant(out, m, v) : lc_mat_create_toeplitz(out, m, k, v, v + m);
    lci_free(v);
    return st;
}

// The structure with its defaults filled in (as lc_mat_params documents them).
static void structure(const tool_random_spec *s, int32_t *bh, int32_t *bw, int32_t *n, int32_t *m,
                      int32_t *v) {
    *bh = s->block_rows ? s->block_rows : 16;
    *bw = s->block_cols ? s->block_cols : *bh;
    *m = s->nm_m ? s->nm_m : 4;
    *n = s->nm_n ? s->nm_n : *m / 2;
    *v = s->nm_rows ? s->nm_rows : 1;
}

lc_status tool_random_matrix(const tool_random_spec *s, lc_mat **out) {
    int32_t bh, bw, n, m, v;
    structure(s, &bh, &bw, &n, &m, &v);
    if (s->format == LC_FORMAT_BSR)
        return lci_bsr_random(out, s->m, s->k, bh, bw, s->density, s->seed);
    if (s->format == LC_FORMAT_NM) return lci_nm_random(out, s->m, s->k, n, m, v, s->seed);
    const int64_t r = s->rank ? s->rank : 32;
    if (s->format == LC_FORMAT_LOWRANK) return random_lowrank(out, s->m, s->k, r, s->seed);
    if (s->format == LC_FORMAT_SUM) return random_sum(out, s, r);
    if (s->format == LC_FORMAT_BUTTERFLY) return random_butterfly(out, s);
    if (s->format == LC_FORMAT_CIRCULANT || s->format == LC_FORMAT_TOEPLITZ)
        return random_fft(out, s);
    if (s->format == LC_FORMAT_MONARCH) return random_monarch(out, s);
    if (s->pattern == TOOL_PATTERN_POWERLAW)
        return lci_random_csr_powerlaw(out, s->m, s->k, s->density, s->exponent, s->seed);
    return lci_random_csr(out, s->m, s->k, s->density, s->seed);
}

void tool_random_name(const tool_random_spec *s, char *buf, size_t size) {
    int32_t bh, bw, n, m, v;
    structure(s, &bh, &bw, &n, &m, &v);
    if (s->format == LC_FORMAT_BSR) {
        snprintf(buf, size, "bsr%dx%d-%lldx%lld-d%g-s%llu", bh, bw, (long long)s->m,
                 (long long)s->k, s->density, (unsigned long long)s->seed);
        return;
    }
    if (s->format == LC_FORMAT_NM) {
        snprintf(buf, size, "nm%d:%dv%d-%lldx%lld-s%llu", n, m, v, (long long)s->m, (long long)s->k,
                 (unsigned long long)s->seed);
        return;
    }
    const int r = s->rank ? s->rank : 32;
    if (s->format == LC_FORMAT_LOWRANK) {
        snprintf(buf, size, "lowrank%d-%lldx%lld-s%llu", r, (long long)s->m, (long long)s->k,
                 (unsigned long long)s->seed);
        return;
    }
    if (s->format == LC_FORMAT_BUTTERFLY) {
        snprintf(buf, size, "butterfly-orth-%lldx%lld-s%llu", (long long)s->m, (long long)s->k,
                 (unsigned long long)s->seed);
        return;
    }
    if (s->format == LC_FORMAT_SUM) {
        snprintf(buf, size, "sum-csr-d%g-lowrank%d-%lldx%lld-s%llu", s->density, r, (long long)s->m,
                 (long long)s->k, (unsigned long long)s->seed);
        return;
    }
    if (s->format == LC_FORMAT_CIRCULANT || s->format == LC_FORMAT_TOEPLITZ) {
        const bool circ = s->format == LC_FORMAT_CIRCULANT;
        snprintf(buf, size, "%s-%lldx%lld-s%llu", circ ? "circulant" : "toeplitz", (long long)s->m,
                 (long long)(circ ? s->m : s->k), (unsigned long long)s->seed);
        return;
    }
    if (s->format == LC_FORMAT_MONARCH) {
        snprintf(buf, size, "monarch%lld-%lldx%lld-s%llu", (long long)monarch_blocks(s),
                 (long long)s->m, (long long)s->k, (unsigned long long)s->seed);
        return;
    }
    char law[32] = "";
    if (s->pattern == TOOL_PATTERN_POWERLAW) snprintf(law, sizeof law, "-a%g", s->exponent);
    snprintf(buf, size, "%s-%lldx%lld-d%g%s-s%llu", tool_pattern_name(s->pattern), (long long)s->m,
             (long long)s->k, s->density, law, (unsigned long long)s->seed);
}

void tool_file_name(const char *path, char *buf, size_t size) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 3 && strcmp(base + len - 3, ".gz") == 0) len -= 3;
    if (len > 4 && strncmp(base + len - 4, ".mtx", 4) == 0) len -= 4;
    snprintf(buf, size, "%.*s", (int)len, base);
}

void tool_random_defaults(tool_random_spec *s) {
    *s = (tool_random_spec){.pattern = TOOL_PATTERN_UNIFORM,
                            .m = 4096,
                            .k = 4096,
                            .density = 0.1,
                            .exponent = LCI_POWERLAW_EXPONENT,
                            .seed = 1};
}

bool tool_random_is(const tool_args *a) {
    return tool_args_is(a, "--density") || tool_args_is(a, "--m") || tool_args_is(a, "--k") ||
           tool_args_is(a, "--pattern") || tool_args_is(a, "--exponent") ||
           tool_args_is(a, "--block") || tool_args_is(a, "--nm") || tool_args_is(a, "--nm-rows") ||
           tool_args_is(a, "--rank") || tool_args_is(a, "--blocks");
}

// "16" or "16x8" into bh, bw (1..256).
static bool parse_block(const char *v, int32_t *bh, int32_t *bw) {
    int a = 0, b = 0, used = 0;
    if (sscanf(v, "%d%n", &a, &used) == 1 && v[used] == '\0')
        b = a;
    else if (sscanf(v, "%dx%d%n", &a, &b, &used) != 2 || v[used] != '\0')
        a = 0;
    if (a < 1 || a > 256 || b < 1 || b > 256) {
        tool_error("--block %s: expected B or BHxBW with sizes in 1..256", v);
        return false;
    }
    *bh = a, *bw = b;
    return true;
}

// "2:4" into n, m (0 < n < m <= 16).
static bool parse_nm(const char *v, int32_t *n, int32_t *m) {
    int a = 0, b = 0, used = 0;
    if (sscanf(v, "%d:%d%n", &a, &b, &used) != 2 || v[used] != '\0' || a < 1 || a >= b || b > 16) {
        tool_error("--nm %s: expected N:M with 0 < N < M <= 16", v);
        return false;
    }
    *n = a, *m = b;
    return true;
}

bool tool_random_option(tool_args *a, tool_random_spec *s, bool *given, bool *exponent_given) {
    const char *v;
    int64_t i;
    if (tool_args_is(a, "--density")) {
        if (!tool_args_double(a, &s->density)) return false;
        if (!(s->density > 0 && s->density <= 1)) {
            tool_error("--density %g is outside (0, 1]", s->density);
            return false;
        }
    } else if (tool_args_is(a, "--m") || tool_args_is(a, "--k")) {
        char which = a->name[2];
        if (!tool_args_int(a, 1, INT32_MAX, &i)) return false;
        *(which == 'm' ? &s->m : &s->k) = i;
    } else if (tool_args_is(a, "--pattern")) {
        if (!(v = tool_args_value(a)) || !tool_pattern_parse(v, &s->pattern)) return false;
    } else if (tool_args_is(a, "--block")) {
        if (!(v = tool_args_value(a)) || !parse_block(v, &s->block_rows, &s->block_cols))
            return false;
    } else if (tool_args_is(a, "--nm")) {
        if (!(v = tool_args_value(a)) || !parse_nm(v, &s->nm_n, &s->nm_m)) return false;
    } else if (tool_args_is(a, "--nm-rows")) {
        if (!tool_args_int(a, 1, 1 << 20, &i)) return false;
        s->nm_rows = (int32_t)i;
    } else if (tool_args_is(a, "--blocks")) {
        if (!tool_args_int(a, 1, INT32_MAX, &i)) return false;
        s->monarch_blocks = (int32_t)i;
    } else if (tool_args_is(a, "--rank")) {
        if (!tool_args_int(a, 1, INT32_MAX, &i)) return false;
        s->rank = (int32_t)i;
    } else if (tool_args_is(a, "--exponent")) {
        if (!tool_args_double(a, &s->exponent)) return false;
        if (!(s->exponent >= 0 && s->exponent <= LCI_POWERLAW_MAX_EXPONENT)) {
            tool_error("--exponent %g is outside [0, %d]", s->exponent, LCI_POWERLAW_MAX_EXPONENT);
            return false;
        }
        *exponent_given = true;
    } else {
        tool_error("%s: not a random-matrix option", a->name);
        return false;
    }
    *given = true;
    return true;
}

int tool_gen(int argc, char **argv) {
    tool_random_spec s;
    tool_random_defaults(&s);
    const char *out = NULL;
    bool given = false, exponent_given = false;
    tool_args a;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_random_is(&a)) {
            if (!tool_random_option(&a, &s, &given, &exponent_given)) return 2;
        } else if (tool_args_is(&a, "--seed")) {
            if (!tool_args_u64(&a, &s.seed)) return 2;
        } else if (strncmp(a.name, "--", 2) != 0 && !out) {
            out = a.name;
        } else {
            return tool_args_unknown(&a, "gen");
        }
    }
    if (!out) {
        tool_error("gen: usage: lacuna gen [--m M --k K --density D --pattern P --seed S] "
                   "OUT.mtx|DIR");
        return 2;
    }
    if (exponent_given && s.pattern != TOOL_PATTERN_POWERLAW) {
        tool_error("gen: --exponent applies to --pattern powerlaw only");
        return 2;
    }
    // A directory receives NAME.mtx, NAME as in bench mm's "matrix" field.
    char name[160], path[4096];
    tool_random_name(&s, name, sizeof name);
    struct stat sb;
    size_t len = strlen(out);
    if ((len > 0 && out[len - 1] == '/') || (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode))) {
        if (snprintf(path, sizeof path, "%s%s%s.mtx", out, out[len - 1] == '/' ? "" : "/", name) >=
            (int)sizeof path) {
            tool_error("gen: %s: path too long", out);
            return 2;
        }
    } else if (len < 4 || strcmp(out + len - 4, ".mtx") != 0) {
        tool_error("gen: %s: the output is a .mtx file or a directory", out);
        return 2;
    } else {
        snprintf(path, sizeof path, "%s", out);
    }
    lc_mat *m = NULL;
    lc_status st = tool_random_matrix(&s, &m);
    if (st) return tool_lib_error("gen", st);
    st = lc_mtx_write(path, m);
    lc_mat_free(m);
    if (st) return tool_lib_error(path, st);
    // The path alone, so scripts can read it back.
    printf("%s\n", path);
    return 0;
}
