// prune_spec.c: pruning specs: their checks and the text form "block16x8-l1:0.5" that the tool
// and the model runners use.
#include "prune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const forms =
    "valid forms: dense, unstructured:S, unstructured-rows:S, block<B>:S, block<BH>x<BW>:S, "
    "block<B>-l1:S, block<BH>x<BW>-l1:S, nm:N:M, nm:N:M:vV, rows:S (S a sparsity in [0, 1))";

lc_status lci_prune_check_spec(const char *who, const lc_prune_spec *s) {
    if (!s) return lci_error(LC_ERR_ARG, "%s: NULL spec", who);
    switch (s->pattern) {
    case LC_PRUNE_DENSE:
        return LC_OK;
    case LC_PRUNE_NM:
        if (s->nm_m < 2 || s->nm_m > 16)
            return lci_error(LC_ERR_ARG, "%s: spec.nm_m = %d is outside 2..16", who, s->nm_m);
        if (s->nm_n < 1 || s->nm_n >= s->nm_m)
            return lci_error(LC_ERR_ARG, "%s: spec.nm_n = %d is outside 1..nm_m-1 = %d", who,
                             s->nm_n, s->nm_m - 1);
        if (s->nm_rows < 0)
            return lci_error(LC_ERR_ARG, "%s: spec.nm_rows = %d is negative (0 means 1)", who,
                             s->nm_rows);
        return LC_OK;
    case LC_PRUNE_UNSTRUCTURED:
    case LC_PRUNE_BLOCK:
    case LC_PRUNE_ROWS:
        break;
    default:
        return lci_error(LC_ERR_ARG, "%s: spec.pattern = %d is not an lc_prune_pattern", who,
                         (int)s->pattern);
    }
    if (!(s->sparsity >= 0 && s->sparsity < 1))
        return lci_error(LC_ERR_ARG, "%s: spec.sparsity = %g is outside [0, 1)", who, s->sparsity);
    if (s->pattern == LC_PRUNE_UNSTRUCTURED && s->row_balanced != 0 && s->row_balanced != 1)
        return lci_error(LC_ERR_ARG, "%s: spec.row_balanced = %d is neither 0 nor 1", who,
                         s->row_balanced);
    if (s->pattern == LC_PRUNE_BLOCK) {
        if (s->block_rows < 1 || s->block_rows > 256)
            return lci_error(LC_ERR_ARG, "%s: spec.block_rows = %d is outside 1..256", who,
                             s->block_rows);
        if (s->block_cols < 1 || s->block_cols > 256)
            return lci_error(LC_ERR_ARG, "%s: spec.block_cols = %d is outside 1..256", who,
                             s->block_cols);
        if (s->block_norm != LC_PRUNE_NORM_L2 && s->block_norm != LC_PRUNE_NORM_L1)
            return lci_error(LC_ERR_ARG, "%s: spec.block_norm = %d is not an lc_prune_norm", who,
                             (int)s->block_norm);
    }
    return LC_OK;
}

lc_status lc_prune_spec_check(const lc_prune_spec *spec) {
    lc_status st = lci_prune_check_spec("lc_prune_spec_check", spec);
    if (st) return st;
    lci_error_clear();
    return LC_OK;
}

// Reads decimal digits at *p into *v (0 .. 99999, more digits give 100000: out of range for
// every field). Returns 0 when there is no digit.
static int read_int(const char **p, int32_t *v) {
    const char *s = *p;
    int64_t x = 0;
    while (*s >= '0' && *s <= '9') {
        if (x < 100000) x = x * 10 + (*s - '0');
        s++;
    }
    if (s == *p) return 0;
    *v = (int32_t)(x < 100000 ? x : 100000);
    *p = s;
    return 1;
}

// Reads a sparsity that is the whole rest of the text: digits or '.' first (no sign, space,
// "nan" or "inf"), then what strtod takes.
static int read_sparsity(const char *s, double *v) {
    if (!((*s >= '0' && *s <= '9') || *s == '.')) return 0;
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0';
}

lc_status lc_prune_spec_parse(const char *text, lc_prune_spec *spec) {
    const char *who = "lc_prune_spec_parse";
    if (!text || !spec) return lci_error(LC_ERR_ARG, "%s: NULL argument", who);
    lc_prune_spec s = {0};
    const char *p = text;
    int ok = 0;
    if (strcmp(p, "dense") == 0) {
        s.pattern = LC_PRUNE_DENSE;
        ok = 1;
    } else if (strncmp(p, "unstructured-rows:", 18) == 0) {
        s.pattern = LC_PRUNE_UNSTRUCTURED;
        s.row_balanced = 1;
        ok = read_sparsity(p + 18, &s.sparsity);
    } else if (strncmp(p, "unstructured:", 13) == 0) {
        s.pattern = LC_PRUNE_UNSTRUCTURED;
        ok = read_sparsity(p + 13, &s.sparsity);
    } else if (strncmp(p, "rows:", 5) == 0) {
        s.pattern = LC_PRUNE_ROWS;
        ok = read_sparsity(p + 5, &s.sparsity);
    } else if (strncmp(p, "block", 5) == 0) {
        s.pattern = LC_PRUNE_BLOCK;
        p += 5;
        ok = read_int(&p, &s.block_rows);
        s.block_cols = s.block_rows;
        if (ok && *p == 'x') {
            p++;
            ok = read_int(&p, &s.block_cols);
        }
        if (ok && strncmp(p, "-l1", 3) == 0) {
            s.block_norm = LC_PRUNE_NORM_L1;
            p += 3;
        }
        ok = ok && *p == ':' && read_sparsity(p + 1, &s.sparsity);
    } else if (strncmp(p, "nm:", 3) == 0) {
        s.pattern = LC_PRUNE_NM;
        p += 3;
        ok = read_int(&p, &s.nm_n) && *p++ == ':' && read_int(&p, &s.nm_m);
        s.nm_rows = 1;
        if (ok && strncmp(p, ":v", 2) == 0) {
            p += 2;
            ok = read_int(&p, &s.nm_rows);
            if (ok && s.nm_rows < 1)
                return lci_error(LC_ERR_ARG, "%s: '%.80s': spec.nm_rows (V) = 0 must be >= 1", who,
                                 text);
        }
        ok = ok && *p == '\0';
    }
    if (!ok)
        return lci_error(LC_ERR_ARG, "%s: '%.80s' is not a pruning spec; %s", who, text, forms);
    char named[128]; // the field checks name the text too
    snprintf(named, sizeof named, "%s: '%.80s'", who, text);
    lc_status st = lci_prune_check_spec(named, &s);
    if (st) return st;
    *spec = s;
    lci_error_clear();
    return LC_OK;
}
