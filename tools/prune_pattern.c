// prune_pattern.c: the patterns of `lacuna prune-eval` and `lacuna generate --pattern`: the mask
// patterns of lc_prune_spec_parse ("unstructured:0.9", "nm:2:4", ...), the structured
// projections "lowrank:R" and "monarch:B", and `--budget F`, which turns a pattern family
// ("unstructured", "block16", "nm", "rows", "lowrank", "monarch") into the parameter that keeps
// a fraction F of each layer's weights.
#include "tool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

// "name:V" with V a whole number >= 1 into *v.
static bool parse_count(const char *text, const char *name, int32_t *v) {
    const char *p = text + strlen(name);
    char *end;
    long x = strtol(p, &end, 10);
    if (*p == 0 || *end || x < 1 || x > INT32_MAX) {
        tool_error("pattern '%s': %s needs a whole number >= 1", text, name);
        return false;
    }
    *v = (int32_t)x;
    return true;
}

// The N:M pattern closest to keeping a fraction f: the smallest M of 4, 8, 16 for which f·M is
// a whole number, else N = round(16·f) of 16 (at least 1, at most 15).
static void nm_for_budget(double f, int32_t *n, int32_t *m) {
    static const int32_t ms[] = {4, 8, 16};
    for (int i = 0; i < 3; i++) {
        double x = f * ms[i];
        if (fabs(x - nearbyint(x)) < 1e-9 && x >= 1 && x < ms[i]) {
            *n = (int32_t)nearbyint(x), *m = ms[i];
            return;
        }
    }
    long x = lround(16 * f);
    *n = (int32_t)(x < 1 ? 1 : x > 15 ? 15 : x), *m = 16;
}

bool tool_prune_pattern_parse(const char *text, double budget, tool_prune_pattern *p) {
    memset(p, 0, sizeof *p);
    snprintf(p->text, sizeof p->text, "%s", text);
    p->budget = budget;
    if (budget != 0 && !(budget > 0 && budget <= 1)) {
        tool_error("--budget %g: the fraction of weights kept must be in (0, 1]", budget);
        return false;
    }
    const bool family = budget > 0;
    if (starts(text, "lowrank") || starts(text, "monarch")) {
        p->projection = true;
        const bool low = starts(text, "lowrank");
        p->format = low ? LC_FORMAT_LOWRANK : LC_FORMAT_MONARCH;
        const char *name = low ? "lowrank:" : "monarch:";
        if (family) {
            if (strcmp(text, low ? "lowrank" : "monarch") == 0) return true;
            tool_error("pattern '%s': with --budget give the family alone (%s)", text,
                       low ? "lowrank" : "monarch");
            return false;
        }
        if (!starts(text, name)) {
            tool_error("pattern '%s': %sR needs the %s", text, name, low ? "rank" : "block count");
            return false;
        }
        return parse_count(text, name, low ? &p->rank : &p->blocks);
    }
    char spec[96];
    if (family) {
        // A mask family: the sparsity is 1 − F; N:M takes the pattern nearest to F.
        if (strchr(text, ':')) {
            tool_error("pattern '%s': with --budget give the family alone (unstructured, "
                       "unstructured-rows, block<B>, nm, rows, lowrank, monarch)",
                       text);
            return false;
        }
        if (strcmp(text, "nm") == 0) {
            int32_t n, m;
            nm_for_budget(budget, &n, &m);
            snprintf(spec, sizeof spec, "nm:%d:%d", n, m);
        } else {
            snprintf(spec, sizeof spec, "%s:%.17g", text, 1.0 - budget);
        }
        text = spec;
    }
    lc_status st = lc_prune_spec_parse(text, &p->spec);
    if (st) {
        tool_lib_error("--pattern", st);
        return false;
    }
    if (family) snprintf(p->text, sizeof p->text, "%s", spec);
    return true;
}

// The parameter of a projection for one rows × cols matrix: the given rank or block count, or
// with a budget the largest that keeps at most F of the weights (at least the smallest valid).
static lc_mat_params projection_params(const tool_prune_pattern *p, int64_t rows, int64_t cols) {
    lc_mat_params params = {0};
    const int64_t small = rows < cols ? rows : cols;
    if (p->format == LC_FORMAT_LOWRANK) {
        int64_t r = p->rank;
        if (p->budget > 0)
            r = (int64_t)floor(p->budget * (double)rows * (double)cols / (double)(rows + cols));
        if (r > small) r = small; // a layer thinner than the rank keeps its full rank
        params.rank = (int32_t)(r < 1 ? 1 : r);
    } else {
        params.monarch_blocks = p->blocks;
        if (p->budget > 0) params.monarch_blocks = tool_monarch_blocks_for(rows, cols, p->budget);
    }
    return params;
}

lc_status tool_prune_project(const tool_prune_pattern *p, const float *w, int64_t rows,
                             int64_t cols, lc_mat **out) {
    lc_mat_params params = projection_params(p, rows, cols);
    return lc_mat_from_dense(out, p->format, rows, cols, w, cols > 0 ? cols : 1, &params);
}

int32_t tool_monarch_blocks_for(int64_t rows, int64_t cols, double budget) {
    // A Monarch of b blocks (b dividing both sides, inner size q = min(M, K)/b, as the
    // projection makes it) stores q·(M + K) weights: a fraction min(M, K)·(M + K)/(b·M·K). The
    // smallest b that keeps at most `budget`, else the largest b there is (gcd(M, K)).
    int64_t a = rows, b = cols;
    while (b) {
        int64_t t = a % b;
        a = b, b = t;
    }
    const int64_t g = a > 0 ? a : 1;
    const double small = (double)(rows < cols ? rows : cols);
    const double need = small * (double)(rows + cols) / (budget * (double)rows * (double)cols);
    for (int64_t d = 1; d <= g; d++)
        if (g % d == 0 && (double)d >= need * (1 - 1e-12)) return (int32_t)d;
    return (int32_t)g;
}
