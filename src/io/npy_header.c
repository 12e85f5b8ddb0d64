// npy_header.c: the .npy header dictionary, a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (500, 784), } parsed into dtype and shape.
#include "io.h"

#include <string.h>

typedef struct parser {
    const lci_input *in;
    const char *s;
    size_t len, pos;
    int64_t offset; // byte offset of s[0] in the input
} parser;

static lc_status fail(const parser *p, lc_status st, const char *what) {
    return lci_input_error_at(p->in, p->offset + (int64_t)p->pos, st, "%s in the header", what);
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static bool eat(parser *p, char c) {
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == c) {
        p->pos++;
        return true;
    }
    return false;
}

// A quoted string without escapes.
static lc_status parse_string(parser *p, const char **s, size_t *n) {
    skip_ws(p);
    if (p->pos >= p->len || (p->s[p->pos] != '\'' && p->s[p->pos] != '"'))
        return fail(p, LC_ERR_FORMAT, "expected a quoted string");
    char q = p->s[p->pos++];
    size_t b = p->pos;
    while (p->pos < p->len && p->s[p->pos] != q) {
        if (p->s[p->pos] == '\\') return fail(p, LC_ERR_FORMAT, "escape sequence");
        p->pos++;
    }
    if (p->pos >= p->len) return fail(p, LC_ERR_FORMAT, "unterminated string");
    *s = p->s + b;
    *n = p->pos - b;
    p->pos++;
    return LC_OK;
}

static bool word(parser *p, const char *w) {
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0) return false;
    p->pos += n;
    return true;
}

// The dtype string of 'descr' (found at byte `at`): byte order ('<', '>', '=' or '|', which numpy
// also reads as native), then kind and size.
static lc_status check_descr(const parser *p, const char *s, size_t n, size_t at,
                             lci_npy_header *h) {
    char order = '=';
    if (n > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '=' || s[0] == '|')) order = *s++, n--;
    static const struct {
        const char *name;
        lc_dtype dtype;
        int size;
    } known[] = {{"f4", LC_DTYPE_F32, 4},
                 {"f8", LC_DTYPE_F64, 8},
                 {"i4", LC_DTYPE_I32, 4},
                 {"i8", LC_DTYPE_I64, 8},
                 {"f2", LC_DTYPE_F16, 2}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (n != 2 || memcmp(s, known[i].name, 2) != 0) continue;
        h->dtype = known[i].dtype;
        h->item_size = known[i].size;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        h->swap = order == '<';
#else
        h->swap = order == '>';
#endif
        return LC_OK;
    }
    return lci_input_error_at(p->in, p->offset + (int64_t)at, LC_ERR_UNSUPPORTED,
                              "dtype '%c%.*s' is not supported (f2, f4, f8, i4, i8)", order,
                              (int)(n < 32 ? n : 32), s);
}

// A non-negative integer (Python 2 files may add 'L').
static lc_status parse_dim(parser *p, int64_t *out) {
    skip_ws(p);
    size_t b = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    if (p->pos == b) return fail(p, LC_ERR_FORMAT, "expected a non-negative dimension");
    int64_t v = 0;
    if (lci_parse_i64((lci_token){p->s + b, p->pos - b}, &v)) {
        p->pos = b;
        return fail(p, LC_ERR_OVERFLOW, "dimension overflowing int64");
    }
    if (p->pos < p->len && p->s[p->pos] == 'L') p->pos++;
    *out = v;
    return LC_OK;
}

// '(' [dim (',' dim)* [',']] ')'
static lc_status parse_shape(parser *p, lci_npy_header *h) {
    if (!eat(p, '(')) return fail(p, LC_ERR_FORMAT, "expected '(' for the shape");
    h->ndim = 0;
    while (!eat(p, ')')) {
        if (h->ndim == LC_ARRAY_MAX_DIMS)
            return fail(p, LC_ERR_UNSUPPORTED, "more than 8 dimensions");
        lc_status st = parse_dim(p, &h->shape[h->ndim]);
        if (st) return st;
        h->ndim++;
        if (!eat(p, ',')) {
            if (!eat(p, ')')) return fail(p, LC_ERR_FORMAT, "expected ',' or ')' in the shape");
            break;
        }
    }
    return LC_OK;
}

static lc_status parse_bool(parser *p, bool *out) {
    skip_ws(p);
    if (word(p, "True"))
        *out = true;
    else if (word(p, "False"))
        *out = false;
    else
        return fail(p, LC_ERR_FORMAT, "expected True or False");
    return LC_OK;
}

lc_status lci_npy_parse_dict(const lci_input *in, const char *text, size_t len, int64_t offset,
                             lci_npy_header *h) {
    parser p = {in, text, len, 0, offset};
    bool seen[3] = {false, false, false};
    const char *descr = NULL;
    size_t descr_len = 0, descr_at = 0;
    static const char *const keys[3] = {"descr", "fortran_order", "shape"};
    lc_status st;
    if (!eat(&p, '{')) return fail(&p, LC_ERR_FORMAT, "expected '{'");
    while (!eat(&p, '}')) {
        size_t at = (skip_ws(&p), p.pos), n = 0;
        const char *key = NULL;
        if ((st = parse_string(&p, &key, &n))) return st;
        int which = -1;
        for (int i = 0; i < 3; i++)
            if (strlen(keys[i]) == n && memcmp(keys[i], key, n) == 0) which = i;
        if (which < 0 || seen[which]) {
            p.pos = at;
            return fail(&p, LC_ERR_FORMAT, which < 0 ? "unknown key" : "repeated key");
        }
        seen[which] = true;
        if (!eat(&p, ':')) return fail(&p, LC_ERR_FORMAT, "expected ':'");
        if (which == 0) {
            // The dtype is checked once the whole dictionary has parsed.
            if ((skip_ws(&p), p.pos < p.len && p.s[p.pos] == '['))
                return fail(&p, LC_ERR_UNSUPPORTED, "structured dtype");
            descr_at = p.pos;
            st = parse_string(&p, &descr, &descr_len);
        } else {
            st = which == 1 ? parse_bool(&p, &h->fortran) : parse_shape(&p, h);
        }
        if (st) return st;
        if (!eat(&p, ',')) {
            if (!eat(&p, '}')) return fail(&p, LC_ERR_FORMAT, "expected ',' or '}'");
            break;
        }
    }
    skip_ws(&p);
    if (p.pos != p.len) return fail(&p, LC_ERR_FORMAT, "unexpected text after the dictionary");
    for (int i = 0; i < 3; i++)
        if (!seen[i])
            return lci_input_error_at(in, offset, LC_ERR_FORMAT, "the header lacks the key '%s'",
                                      keys[i]);
    if ((st = check_descr(&p, descr, descr_len, descr_at, h))) return st;
    h->count = 1;
    for (int d = 0; d < h->ndim; d++)
        if (lci_mul_i64(h->count, h->shape[d], &h->count))
            return lci_input_error_at(in, offset, LC_ERR_OVERFLOW,
                                      "the shape's element count overflows int64");
    if (lci_mul_i64(h->count, h->item_size, &h->bytes))
        return lci_input_error_at(in, offset, LC_ERR_OVERFLOW,
                                  "the data size (%lld elements of %d bytes) overflows int64",
                                  (long long)h->count, h->item_size);
    return LC_OK;
}
