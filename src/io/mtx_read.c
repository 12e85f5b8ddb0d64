// mtx_read.c: Matrix Market entries (coordinate or array, symmetric triangles mirrored) into an
// lc_mat; storage grows with the entries actually read, never from the announced count alone.
#include "io.h"

#include <math.h>
#include <string.h>

// Entries read so far; grown geometrically up to the announced count.
typedef struct entries {
    int32_t *row, *col; // NULL for array files
    float *val;
    int64_t n, cap;
} entries;

static void entries_free(entries *e) {
    lci_free(e->row);
    lci_free(e->col);
    lci_free(e->val);
    memset(e, 0, sizeof *e);
}

static lc_status entries_grow(entries *e, int64_t limit, bool coords) {
    int64_t cap = e->cap == 0 ? 1024 : e->cap > limit / 2 ? limit : e->cap * 2;
    if (cap > limit) cap = limit;
    entries g = {0};
    lc_status st;
    if ((coords &&
         ((st = lci_alloc_array((void **)&g.row, (size_t)cap, 4, "Matrix Market rows")) ||
          (st = lci_alloc_array((void **)&g.col, (size_t)cap, 4, "Matrix Market columns")))) ||
        (st = lci_alloc_array((void **)&g.val, (size_t)cap, 4, "Matrix Market values"))) {
        entries_free(&g);
        return st;
    }
    if (e->n) {
        if (coords) {
            memcpy(g.row, e->row, (size_t)e->n * 4);
            memcpy(g.col, e->col, (size_t)e->n * 4);
        }
        memcpy(g.val, e->val, (size_t)e->n * 4);
    }
    g.n = e->n;
    g.cap = cap;
    entries_free(e);
    *e = g;
    return LC_OK;
}

// A 1-based index in 1..limit, returned 0-based.
static lc_status parse_index(lci_input *in, lci_token t, const char *what, int64_t limit,
                             int32_t *out) {
    int64_t v = 0;
    int r = lci_parse_i64(t, &v);
    if (r == 1)
        return lci_input_error_line(in, LC_ERR_FORMAT, "%s index '%.*s' is not an integer", what,
                                    (int)t.len, t.s);
    if (r == 2 || v < 1 || v > limit)
        return lci_input_error_line(in, LC_ERR_FORMAT, "%s index %.*s is out of range 1..%lld",
                                    what, (int)t.len, t.s, (long long)limit);
    *out = (int32_t)(v - 1);
    return LC_OK;
}

static lc_status parse_value(lci_input *in, lci_token t, lci_mtx_field field, float *out) {
    if (field == LCI_MTX_INTEGER) {
        int64_t v = 0;
        int r = lci_parse_i64(t, &v);
        if (r)
            return lci_input_error_line(in, LC_ERR_FORMAT, "value '%.*s' is not %s", (int)t.len,
                                        t.s, r == 1 ? "an integer" : "an int64 integer");
        *out = (float)v;
        return LC_OK;
    }
    double v = 0;
    if (lci_parse_f64(t, &v))
        return lci_input_error_line(in, LC_ERR_FORMAT, "value '%.*s' is not a number", (int)t.len,
                                    t.s);
    // Values are stored as float: a finite value beyond its range would silently become Inf.
    if (isfinite(v) && isinf((float)v))
        return lci_input_error_line(in, LC_ERR_FORMAT, "value %.*s is outside the float range",
                                    (int)t.len, t.s);
    *out = (float)v;
    return LC_OK;
}

// Reads exactly h->entries entry lines, then checks that only blanks and comments follow.
static lc_status read_entries(lci_input *in, const lci_mtx_header *h, entries *e) {
    bool coords = !h->array;
    int want = h->array ? 1 : h->field == LCI_MTX_PATTERN ? 2 : 3;
    lc_status st;
    char *line;
    size_t len;
    while (e->n < h->entries) {
        if ((st = lci_input_content_line(in, &line, &len))) return st;
        if (!line)
            return lci_error(LC_ERR_FORMAT,
                             "%s: line %lld: end of data after %lld of the %lld entries announced",
                             in->name, (long long)in->line_no + 1, (long long)e->n,
                             (long long)h->entries);
        lci_token t[4];
        int n = lci_tokenize(line, len, t, 4);
        if (n != want)
            return lci_input_error_line(in, LC_ERR_FORMAT, "%d fields, expected %d (%s)", n, want,
                                        want == 1   ? "value"
                                        : want == 2 ? "row column"
                                                    : "row column value");
        if (e->n == e->cap && (st = entries_grow(e, h->entries, coords))) return st;
        float v = 1.0f;
        if (coords) {
            int32_t r = 0, c = 0;
            if ((st = parse_index(in, t[0], "row", h->m, &r)) ||
                (st = parse_index(in, t[1], "column", h->k, &c)))
                return st;
            if (h->symmetry == LCI_MTX_SKEW && r == c)
                return lci_input_error_line(in, LC_ERR_FORMAT,
                                            "diagonal entry (%d, %d) in a skew-symmetric matrix",
                                            r + 1, c + 1);
            e->row[e->n] = r;
            e->col[e->n] = c;
        }
        if (h->field != LCI_MTX_PATTERN && (st = parse_value(in, t[want - 1], h->field, &v)))
            return st;
        e->val[e->n++] = v;
    }
    if ((st = lci_input_content_line(in, &line, &len))) return st;
    if (line)
        return lci_input_error_line(in, LC_ERR_FORMAT, "more entries than the %lld announced",
                                    (long long)h->entries);
    return LC_OK;
}

// The matrix of `format` from a canonical CSR view: directly for the formats that build from
// CSR, through a CSR matrix and lc_mat_convert for the others.
static lc_status from_view(lc_format format, const lci_csr_view *v, lc_mat **out) {
    if (format == LC_FORMAT_DENSE || format == LC_FORMAT_COO || format == LC_FORMAT_CSR)
        return lci_mat_from_csr(out, format, v, NULL);
    lc_mat *csr = NULL;
    lc_status st = lci_mat_from_csr(&csr, LC_FORMAT_CSR, v, NULL);
    if (st) return st;
    st = lc_mat_convert(out, csr, format, NULL);
    lc_mat_free(csr);
    return st;
}

// COO: the entries plus their mirror images as triplets, sorted and summed without any per-row
// array (a tall matrix with few entries stays small).
static lc_status build_triplets(const lci_mtx_header *h, entries *e, int64_t total, float sign,
                                lc_mat **out) {
    entries t = {0};
    lc_status st;
    if ((st = lci_alloc_array((void **)&t.row, (size_t)total, 4, "COO rows")) ||
        (st = lci_alloc_array((void **)&t.col, (size_t)total, 4, "COO columns")) ||
        (st = lci_alloc_array((void **)&t.val, (size_t)total, 4, "COO values"))) {
        entries_free(&t);
        return st;
    }
    for (int64_t p = 0; p < e->n; p++) {
        int32_t r = e->row[p], c = e->col[p];
        t.row[t.n] = r, t.col[t.n] = c, t.val[t.n++] = e->val[p];
        if (h->symmetry != LCI_MTX_GENERAL && r != c)
            t.row[t.n] = c, t.col[t.n] = r, t.val[t.n++] = sign * e->val[p];
    }
    entries_free(e);
    st = lci_coo_from_triplets(out, h->m, h->k, t.n, t.row, t.col, t.val);
    entries_free(&t);
    return st;
}

// CSR and dense: coordinate entries (mirrored when symmetric) bucketed by row in input order,
// then sorted and summed by the canonicalisation every constructor uses.
static lc_status build_coordinate(const lci_mtx_header *h, entries *e, lc_format format,
                                  lc_mat **out) {
    bool mirror = h->symmetry != LCI_MTX_GENERAL;
    float sign = h->symmetry == LCI_MTX_SKEW ? -1.0f : 1.0f;
    int64_t total = e->n;
    for (int64_t p = 0; p < e->n && mirror; p++) total += e->row[p] != e->col[p];
    lc_status st;
    if (format == LC_FORMAT_COO) return build_triplets(h, e, total, sign, out);
    lci_csr_view v;
    if ((st = lci_csr_view_alloc(&v, h->m, h->k, total))) return st;
    int64_t *ptr = v.owned[0];
    int32_t *col = v.owned[1];
    float *val = v.owned[2];
    memset(ptr, 0, ((size_t)h->m + 1) * sizeof *ptr);
    for (int64_t p = 0; p < e->n; p++) {
        ptr[e->row[p] + 1]++;
        if (mirror && e->row[p] != e->col[p]) ptr[e->col[p] + 1]++;
    }
    for (int64_t i = 0; i < h->m; i++) ptr[i + 1] += ptr[i];
    // ptr[i] serves as the fill cursor of row i, then is shifted back.
    for (int64_t p = 0; p < e->n; p++) {
        int32_t r = e->row[p], c = e->col[p];
        int64_t q = ptr[r]++;
        col[q] = c;
        val[q] = e->val[p];
        if (mirror && r != c) {
            q = ptr[c]++;
            col[q] = r;
            val[q] = sign * e->val[p];
        }
    }
    for (int64_t i = h->m; i > 0; i--) ptr[i] = ptr[i - 1];
    ptr[0] = 0;
    entries_free(e);
    if ((st = lci_rows_canonicalise(h->m, ptr, col, val))) {
        lci_csr_view_release(&v);
        return st;
    }
    v.m = h->m, v.k = h->k, v.nnz = ptr[h->m];
    v.ptr = ptr, v.col = col, v.val = val;
    st = from_view(format, &v, out);
    lci_csr_view_release(&v);
    return st;
}

// Array values (column-major; symmetric kinds give the lower triangle column by column) into a
// row-major array, then lc_mat_from_dense (sparse formats keep the nonzeros).
static lc_status build_array(const lci_mtx_header *h, entries *e, lc_format format, lc_mat **out) {
    int64_t m = h->m, k = h->k;
    float *a = NULL;
    lc_status st = lci_alloc_array((void **)&a, (size_t)(m * k), sizeof(float), "dense array");
    if (st) return st;
    const float *v = e->val;
    if (h->symmetry == LCI_MTX_GENERAL) {
        for (int64_t j = 0; j < k; j++)
            for (int64_t i = 0; i < m; i++) a[i * k + j] = *v++;
    } else {
        bool skew = h->symmetry == LCI_MTX_SKEW;
        for (int64_t j = 0; j < k; j++) {
            if (skew) a[j * k + j] = 0.0f;
            for (int64_t i = j + skew; i < m; i++) {
                a[i * k + j] = *v;
                a[j * k + i] = skew ? -*v : *v;
                v++;
            }
        }
    }
    entries_free(e);
    st = lc_mat_from_dense(out, format, m, k, a, k > 1 ? k : 1, NULL);
    lci_free(a);
    return st;
}

// Reads a whole Matrix Market input; the input is closed by the caller.
static lc_status mtx_read(lci_input *in, lc_format format, lc_mat **out) {
    lci_mtx_header h;
    entries e = {0};
    lci_locale loc;
    lci_locale_enter(&loc);
    lc_status st = lci_mtx_read_header(in, &h);
    if (!st) st = read_entries(in, &h, &e);
    lci_locale_leave(&loc);
    if (!st)
        st = h.array ? build_array(&h, &e, format, out) : build_coordinate(&h, &e, format, out);
    entries_free(&e);
    return st;
}

static lc_status check_format(const char *who, lc_format format, lc_mat **out) {
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((int)format < 0 || format >= LC_FORMAT_COUNT)
        return lci_error(LC_ERR_ARG, "%s: invalid format %d", who, (int)format);
    if (!lc_format_supports(format, LC_LAYOUT_COLS))
        return lci_error(LC_ERR_UNSUPPORTED, "%s: format %s is not available in this build", who,
                         lc_format_name(format));
    return LC_OK;
}

lc_status lc_mtx_read(const char *path, lc_format format, lc_mat **out) {
    lc_status st = check_format("lc_mtx_read", format, out);
    if (st) return st;
    if (!path) return lci_error(LC_ERR_ARG, "lc_mtx_read: NULL path");
    lci_input in;
    if ((st = lci_input_open_file(&in, path, true))) return st;
    lc_mat *res = NULL;
    st = mtx_read(&in, format, &res);
    lci_input_close(&in);
    if (st) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_mtx_read_mem(const void *data, size_t size, lc_format format, lc_mat **out) {
    lc_status st = check_format("lc_mtx_read_mem", format, out);
    if (st) return st;
    if (!data && size > 0) return lci_error(LC_ERR_ARG, "lc_mtx_read_mem: NULL data");
    lci_input in;
    if ((st = lci_input_open_mem(&in, data, size, true))) return st;
    lc_mat *res = NULL;
    st = mtx_read(&in, format, &res);
    lci_input_close(&in);
    if (st) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}
