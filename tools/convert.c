// convert.c: `lacuna convert IN OUT [--format F]`: Matrix Market (.mtx, .mtx.gz) and NumPy
// (.npy, 2-D) files, either way. A matrix written to .npy becomes a dense float32 array;
// writing .mtx stores F's entries (dense: "array", sparse: "coordinate").
#include "tool.h"

#include <string.h>

// Largest dense array convert will build.
#define CONVERT_MAX_BYTES ((double)((int64_t)4 << 30))

typedef enum file_kind { KIND_UNKNOWN, KIND_MTX, KIND_MTX_GZ, KIND_NPY } file_kind;

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static file_kind kind_of(const char *path) {
    if (ends_with(path, ".mtx")) return KIND_MTX;
    if (ends_with(path, ".mtx.gz")) return KIND_MTX_GZ;
    if (ends_with(path, ".npy")) return KIND_NPY;
    return KIND_UNKNOWN;
}

static bool dense_fits(const char *what, int64_t m, int64_t k) {
    double bytes = (double)m * (double)k * sizeof(float);
    if (bytes <= CONVERT_MAX_BYTES) return true;
    tool_error("convert: %s: a dense %lld x %lld array needs %.1f GiB (limit 4 GiB)", what,
               (long long)m, (long long)k, bytes / (1 << 30));
    return false;
}

// Reads IN as a matrix of `format` (.npy: a 2-D array of any numeric dtype).
static int read_matrix(const char *in, file_kind kind, lc_format format, lc_mat **out) {
    lc_status st;
    if (kind != KIND_NPY) {
        // Read sparse, so the size check comes before any dense array is built.
        lc_mat *csr = NULL;
        if ((st = lc_mtx_read(in, LC_FORMAT_CSR, &csr))) return tool_lib_error(in, st);
        if (format == LC_FORMAT_CSR) return (*out = csr), 0;
        struct lc_mat_info info;
        lc_mat_info(csr, &info);
        int rc = 1;
        if (format != LC_FORMAT_DENSE || dense_fits(in, info.m, info.k))
            rc = (st = lc_mat_convert(out, csr, format, NULL)) ? tool_lib_error(in, st) : 0;
        lc_mat_free(csr);
        return rc;
    }
    lc_array arr = {0};
    if ((st = lc_npy_read(in, &arr))) return tool_lib_error(in, st);
    int rc = 1;
    if (arr.ndim != 2) {
        tool_error("convert: %s: a %d-D array; only 2-D arrays are matrices", in, arr.ndim);
        goto done;
    }
    if ((st = lc_array_convert(&arr, LC_DTYPE_F32))) {
        rc = tool_lib_error(in, st);
        goto done;
    }
    int64_t m = arr.shape[0], k = arr.shape[1];
    if ((st = lc_mat_from_dense(out, format, m, k, arr.data, k > 1 ? k : 1, NULL))) {
        rc = tool_lib_error(in, st);
        goto done;
    }
    rc = 0;
done:
    lc_array_free(&arr);
    return rc;
}

static int write_npy(const char *out, const lc_mat *a) {
    struct lc_mat_info info;
    lc_mat_info(a, &info);
    if (!dense_fits(out, info.m, info.k)) return 1;
    lc_array arr = {.dtype = LC_DTYPE_F32, .ndim = 2, .shape = {info.m, info.k}};
    lc_status st;
    int64_t ld = info.k > 1 ? info.k : 1;
    if ((st = lci_alloc_array(&arr.data, (size_t)(info.m * ld), sizeof(float), "dense array")) ||
        (st = lc_mat_to_dense(a, arr.data, ld)) || (st = lc_npy_write(out, &arr))) {
        lci_free(arr.data);
        return tool_lib_error(out, st);
    }
    lci_free(arr.data); // ours, not lc_array_free's
    return 0;
}

int tool_convert(int argc, char **argv) {
    const char *paths[2] = {NULL, NULL};
    int npaths = 0;
    bool have_format = false;
    lc_format format = LC_FORMAT_CSR;
    tool_args a;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--format")) {
            const char *s = tool_args_value(&a);
            if (!s) return 2;
            if (lc_format_parse(s, &format) || !lc_format_supports(format, LC_LAYOUT_COLS)) {
                tool_error("convert: unknown or unavailable format '%s' (dense, coo, csr)", s);
                return 2;
            }
            have_format = true;
        } else if (strncmp(a.name, "--", 2) != 0 && npaths < 2) {
            paths[npaths++] = a.name;
        } else {
            return tool_args_unknown(&a, "convert");
        }
    }
    if (npaths != 2) {
        tool_error("convert: usage: lacuna convert IN OUT [--format dense|coo|csr]");
        return 2;
    }
    file_kind in = kind_of(paths[0]), out = kind_of(paths[1]);
    if (in == KIND_UNKNOWN || out == KIND_UNKNOWN) {
        tool_error("convert: %s: unknown file type (.mtx, .mtx.gz or .npy)",
                   in == KIND_UNKNOWN ? paths[0] : paths[1]);
        return 2;
    }
    if (out == KIND_MTX_GZ) {
        tool_error("convert: %s: writing gzip is not supported; write .mtx and compress it",
                   paths[1]);
        return 2;
    }
    // Default stored format: a .npy array stays dense, a .mtx file stays sparse.
    if (!have_format) format = in == KIND_NPY ? LC_FORMAT_DENSE : LC_FORMAT_CSR;
    lc_mat *m = NULL;
    // To .npy: the matrix as read (an array stays dense, a .mtx file sparse until written).
    lc_format read_as = out != KIND_NPY ? format : in == KIND_NPY ? LC_FORMAT_DENSE : LC_FORMAT_CSR;
    int rc = read_matrix(paths[0], in, read_as, &m);
    if (rc) return rc;
    struct lc_mat_info info;
    lc_mat_info(m, &info);
    if (out == KIND_NPY) {
        rc = write_npy(paths[1], m);
    } else {
        lc_status st = lc_mtx_write(paths[1], m);
        rc = st ? tool_lib_error(paths[1], st) : 0;
    }
    if (rc == 0)
        printf("convert: %s -> %s (%lld x %lld, %lld stored as %s)\n", paths[0], paths[1],
               (long long)info.m, (long long)info.k, (long long)info.stored,
               out == KIND_NPY ? "dense float32" : lc_format_name(info.format));
    lc_mat_free(m);
    return rc;
}
