// mtx_header.c: the Matrix Market banner ("%%MatrixMarket matrix coordinate real general") and
// size line, with the announced sizes checked against the limits and the bytes that follow.
#include "io.h"

#include <string.h>

static lc_status parse_banner(lci_input *in, const char *line, size_t len, lci_mtx_header *h) {
    lci_token t[6];
    int n = lci_tokenize(line, len, t, 6);
    if (n == 0 || !lci_token_is(t[0], "%%matrixmarket"))
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "not a Matrix Market file: the first line must start with "
                                    "%%%%MatrixMarket");
    if (n != 5)
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "the banner has %d words, expected 5 (%%%%MatrixMarket matrix "
                                    "coordinate|array real|integer|pattern "
                                    "general|symmetric|skew-symmetric)",
                                    n);
    if (!lci_token_is(t[1], "matrix"))
        return lci_input_error_line(in, LC_ERR_FORMAT, "object '%.*s' is not 'matrix'",
                                    (int)t[1].len, t[1].s);
    if (lci_token_is(t[2], "coordinate"))
        h->array = false;
    else if (lci_token_is(t[2], "array"))
        h->array = true;
    else
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "format '%.*s' is neither 'coordinate' nor 'array'",
                                    (int)t[2].len, t[2].s);
    bool complex = false, hermitian = false;
    if (lci_token_is(t[3], "real"))
        h->field = LCI_MTX_REAL;
    else if (lci_token_is(t[3], "integer"))
        h->field = LCI_MTX_INTEGER;
    else if (lci_token_is(t[3], "pattern"))
        h->field = LCI_MTX_PATTERN;
    else if (lci_token_is(t[3], "complex"))
        complex = true;
    else
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "field '%.*s' is not real, integer, pattern or complex",
                                    (int)t[3].len, t[3].s);
    if (lci_token_is(t[4], "general"))
        h->symmetry = LCI_MTX_GENERAL;
    else if (lci_token_is(t[4], "symmetric"))
        h->symmetry = LCI_MTX_SYMMETRIC;
    else if (lci_token_is(t[4], "skew-symmetric"))
        h->symmetry = LCI_MTX_SKEW;
    else if (lci_token_is(t[4], "hermitian"))
        hermitian = true;
    else
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "symmetry '%.*s' is not general, symmetric, skew-symmetric "
                                    "or hermitian",
                                    (int)t[4].len, t[4].s);
    if (complex || hermitian)
        return lci_input_error_line(in, LC_ERR_UNSUPPORTED,
                                    "%s matrices are not supported (lacuna reads real matrices)",
                                    complex ? "complex" : "hermitian");
    if (h->field == LCI_MTX_PATTERN && h->array)
        return lci_input_error_line(in, LC_ERR_FORMAT, "'pattern' is only valid with 'coordinate'");
    if (h->field == LCI_MTX_PATTERN && h->symmetry == LCI_MTX_SKEW)
        return lci_input_error_line(in, LC_ERR_FORMAT, "'pattern' cannot be skew-symmetric");
    return LC_OK;
}

// One size: a non-negative integer; `limit` is the largest allowed value.
static lc_status parse_size(lci_input *in, lci_token t, const char *what, int64_t limit,
                            int64_t *out) {
    int64_t v = 0;
    int r = lci_parse_i64(t, &v);
    if (r == 1)
        return lci_input_error_line(in, LC_ERR_FORMAT, "%s '%.*s' is not an integer", what,
                                    (int)t.len, t.s);
    if (r == 2)
        return lci_input_error_line(in, LC_ERR_OVERFLOW, "%s %.*s overflows int64", what,
                                    (int)t.len, t.s);
    if (v < 0)
        return lci_input_error_line(in, LC_ERR_FORMAT, "%s %lld is negative", what, (long long)v);
    if (v > limit)
        return lci_input_error_line(in, LC_ERR_OVERFLOW, "%s %lld exceeds %lld", what, (long long)v,
                                    (long long)limit);
    *out = v;
    return LC_OK;
}

lc_status lci_mtx_read_header(lci_input *in, lci_mtx_header *h) {
    memset(h, 0, sizeof *h);
    char *line = NULL;
    size_t len = 0;
    lc_status st = lci_input_line(in, &line, &len);
    if (st) return st;
    if (!line)
        return lci_error(LC_ERR_FORMAT, "%s: line 1: empty input, no %%%%MatrixMarket banner",
                         in->name);
    if ((st = parse_banner(in, line, len, h))) return st;
    if ((st = lci_input_content_line(in, &line, &len))) return st;
    if (!line)
        return lci_error(LC_ERR_FORMAT, "%s: line %lld: the size line is missing (end of data)",
                         in->name, (long long)in->line_no + 1);
    lci_token t[4];
    int want = h->array ? 2 : 3;
    int n = lci_tokenize(line, len, t, 4);
    if (n != want)
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "the size line has %d fields, expected %d (%s)", n, want,
                                    h->array ? "rows columns" : "rows columns entries");
    if ((st = parse_size(in, t[0], "row count", INT32_MAX, &h->m)) ||
        (st = parse_size(in, t[1], "column count", INT32_MAX, &h->k)))
        return st;
    if (h->symmetry != LCI_MTX_GENERAL && h->m != h->k)
        return lci_input_error_line(in, LC_ERR_FORMAT, "a %s matrix must be square, not %lld×%lld",
                                    h->symmetry == LCI_MTX_SKEW ? "skew-symmetric" : "symmetric",
                                    (long long)h->m, (long long)h->k);
    // Both fit int32, so these products fit int64. An array file holds exactly its stored
    // triangle (a skew-symmetric one has no diagonal).
    int64_t n2 = h->m;
    if (h->array) {
        h->entries = h->symmetry == LCI_MTX_GENERAL     ? h->m * h->k
                     : h->symmetry == LCI_MTX_SYMMETRIC ? n2 * (n2 + 1) / 2
                                                        : n2 * (n2 - (n2 > 0)) / 2;
    } else {
        // No limit from the shape: duplicate entries are allowed (they are summed). The bytes
        // that follow bound the count below, and storage grows only with entries actually read.
        if ((st = parse_size(in, t[2], "entry count", INT64_MAX, &h->entries))) return st;
    }
    // Each entry takes at least "i j v\n" (coordinate), "i j\n" (pattern) or "v\n" (array)
    // bytes, the last one without its newline.
    int64_t left = lci_input_remaining(in);
    int64_t per = h->array ? 2 : h->field == LCI_MTX_PATTERN ? 4 : 6;
    if (left >= 0 && h->entries > (left + 1) / per)
        return lci_input_error_line(in, LC_ERR_FORMAT,
                                    "%lld entries announced, but only %lld bytes follow",
                                    (long long)h->entries, (long long)left);
    return LC_OK;
}
