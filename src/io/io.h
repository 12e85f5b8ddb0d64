// io.h: internal services of the I/O module: one input abstraction over plain files, gzip data
// and memory buffers (raw bytes or lines, with line numbers and byte offsets for messages),
// number parsing in the C locale, and the Matrix Market / .npy pieces shared between files.
#ifndef LACUNA_IO_H
#define LACUNA_IO_H

#include "../core/mat.h"

#include <stdio.h>

// Longest line a Matrix Market reader accepts (comment lines may be longer: they are cut).
#define LCI_LINE_MAX (1 << 20)
// Size of the chunks read from files and inflated from gzip data.
#define LCI_CHUNK (1 << 16)

typedef struct lci_input {
    const char *name;   // for messages: the path, or "(memory)"
    FILE *file;         // NULL for a memory buffer
    const uint8_t *mem; // the whole buffer (memory input)
    size_t mem_size;
    int64_t raw_size;   // bytes of the file or buffer; -1 when unknown
    int64_t raw_pos;    // raw bytes consumed so far
    bool gzip;          // data are inflated from the raw bytes
    void *z;            // z_stream, through the library allocator (gzip only)
    bool z_done;        // the current gzip member has ended (another may follow)
    uint8_t *raw_buf;   // compressed chunk read from a file (gzip file only)
    uint8_t *chunk;     // decompressed or file chunk (NULL for plain memory input)
    const uint8_t *buf; // bytes ready to consume: buf[pos .. len)
    size_t pos, len;
    bool eof;       // no byte will come after buf[len)
    int64_t offset; // bytes of (decompressed) data before buf[0]
    char *line;     // the current line, NUL-terminated
    size_t line_cap;
    int64_t line_no;     // 1-based number of the current line
    int64_t line_offset; // byte offset of the current line's first byte
} lci_input;

// Opens `path` for reading; with `allow_gzip`, data starting with the gzip magic bytes 1f 8b are
// inflated. LC_ERR_IO when the file cannot be opened. The input borrows `path`.
lc_status lci_input_open_file(lci_input *in, const char *path, bool allow_gzip);
// The same over `size` bytes at `data` (borrowed).
lc_status lci_input_open_mem(lci_input *in, const void *data, size_t size, bool allow_gzip);
// Releases everything the input holds; safe on a zeroed or failed input.
void lci_input_close(lci_input *in);

// Reads up to n bytes into dst; *got < n only at the end of the data.
lc_status lci_input_read(lci_input *in, void *dst, size_t n, size_t *got);
// The next line without its '\n' (a '\r' before it is kept: callers treat it as a blank),
// NUL-terminated, in *line (owned by the input, valid until the next call) of *len bytes;
// *line is NULL at the end of the data. Lines longer than LCI_LINE_MAX are LC_ERR_FORMAT unless
// they are comments (first non-blank byte '%'), which are cut.
lc_status lci_input_line(lci_input *in, char **line, size_t *len);
// The next line that is neither blank nor a comment (first non-blank byte '%'), as
// lci_input_line gives it; *line is NULL at the end of the data. A NUL byte in it is
// LC_ERR_FORMAT.
lc_status lci_input_content_line(lci_input *in, char **line, size_t *len);
// Bytes of data left for a plain input (exact); -1 for gzip or an unknown file size.
int64_t lci_input_remaining(const lci_input *in);

// Sets the message "<name>: line <n>: <text>" and returns status.
lc_status lci_input_error_line(const lci_input *in, lc_status status, const char *fmt, ...)
    LCI_PRINTF(3, 4);
// Sets the message "<name>: byte <offset>: <text>" and returns status.
lc_status lci_input_error_at(const lci_input *in, int64_t offset, lc_status status, const char *fmt,
                             ...) LCI_PRINTF(4, 5);
// "<what>: <strerror(err)>" for LC_ERR_IO messages.
lc_status lci_io_errno(int err, const char *fmt, ...) LCI_PRINTF(2, 3);

// ---- text (text.c) ----
// A whitespace-separated token of a line.
typedef struct lci_token {
    const char *s;
    size_t len;
} lci_token;
// True for the blanks that separate tokens (space, tab, CR, vertical tab, form feed).
static inline bool lci_is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
// Splits line[0 .. len) into at most max tokens; returns how many there are in all (which may
// exceed max: only the first max are stored).
int lci_tokenize(const char *line, size_t len, lci_token *tok, int max);
// A decimal integer with optional sign. Returns 0 on success, 1 when the token is not an
// integer, 2 when it does not fit int64.
int lci_parse_i64(lci_token t, int64_t *out);
// A floating-point number as strtod reads it in the current locale (call lci_locale_enter
// first; inf and nan included), the whole token of at most 127 bytes. Returns 0 on success, 1
// when the token is not a number.
int lci_parse_f64(lci_token t, double *out);
// Case-insensitive comparison of a token with a lower-case word.
bool lci_token_is(lci_token t, const char *word);

// Formatting and parsing in the C locale whatever the process's locale: enter before, leave
// after (per thread). enter returns an opaque state for leave; it never fails (if the C locale
// cannot be made, the process's locale stays in force).
typedef struct lci_locale {
    void *c_locale, *saved;
} lci_locale;
void lci_locale_enter(lci_locale *l);
void lci_locale_leave(lci_locale *l);

// ---- Matrix Market ----
typedef enum lci_mtx_field { LCI_MTX_REAL, LCI_MTX_INTEGER, LCI_MTX_PATTERN } lci_mtx_field;
typedef enum lci_mtx_symmetry { LCI_MTX_GENERAL, LCI_MTX_SYMMETRIC, LCI_MTX_SKEW } lci_mtx_symmetry;

typedef struct lci_mtx_header {
    bool array; // array (dense, column-major) rather than coordinate
    lci_mtx_field field;
    lci_mtx_symmetry symmetry;
    int64_t m, k;    // rows, columns (fit int32)
    int64_t entries; // entry lines announced (coordinate: nnz; array: the stored values)
} lci_mtx_header;

// Reads the banner, the comments and the size line; checks the announced sizes against the
// limits and, for plain inputs, against the bytes left.
lc_status lci_mtx_read_header(lci_input *in, lci_mtx_header *h);
// Reads the entries after the header into a matrix of `format`.
lc_status lci_mtx_read_body(lci_input *in, const lci_mtx_header *h, lc_format format, lc_mat **out);
// Writes `a` in Matrix Market form to an open stream (see lc_mtx_write); name is for messages.
lc_status lci_mtx_write_stream(FILE *f, const lc_mat *a, const char *name);

// ---- .npy ----
typedef struct lci_npy_header {
    lc_dtype dtype;
    int item_size; // bytes per element
    bool swap;     // stored in the other byte order
    bool fortran;  // stored in Fortran (column-major) order
    int ndim;
    int64_t shape[LC_ARRAY_MAX_DIMS];
    int64_t count; // elements
    int64_t bytes; // data bytes
    int64_t data_offset;
} lci_npy_header;

// Parses the header dictionary text[0 .. len) found at byte `offset` of the input (for
// messages) into h (dtype, order, shape, count, bytes).
lc_status lci_npy_parse_dict(const lci_input *in, const char *text, size_t len, int64_t offset,
                             lci_npy_header *h);
// Bytes per element of a dtype (0 for an invalid one).
int lci_dtype_size(lc_dtype dtype);
// Reverses the bytes of each of the count elements of `size` bytes at data.
void lci_bswap(void *data, int64_t count, int size);
// Writes the C-order copy of the Fortran-order array src into dst (count elements of `size`
// bytes, shape[0..ndim)).
void lci_fortran_to_c(const void *src, void *dst, int ndim, const int64_t *shape, int size);
// IEEE half (raw bits) to float.
float lci_half_to_float(uint16_t h);

#endif // LACUNA_IO_H
