// input.c: one reader over plain files, gzip data (inflated with zlib, detected by the magic
// bytes 1f 8b) and memory buffers, giving raw bytes or lines with their numbers and offsets.
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "io.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>

// zlib allocates through the library allocator, so failure injection reaches it.
static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
    (void)opaque;
    size_t bytes;
    if (lci_mul_size(items, size, &bytes)) return Z_NULL;
    return lci_alloc(bytes);
}

static void z_free(voidpf opaque, voidpf ptr) {
    (void)opaque;
    lci_free(ptr);
}

lc_status lci_io_errno(int err, const char *fmt, ...) {
    char what[400], text[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (err == 0)
        snprintf(text, sizeof text, "write or read failed");
    else if (strerror_r(err, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", err);
    return lci_error(LC_ERR_IO, "%s: %s", what, text);
}

lc_status lci_input_error_line(const lci_input *in, lc_status status, const char *fmt, ...) {
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return lci_error(status, "%s: line %lld: %s", in->name, (long long)in->line_no, text);
}

lc_status lci_input_error_at(const lci_input *in, int64_t offset, lc_status status, const char *fmt,
                             ...) {
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return lci_error(status, "%s: byte %lld: %s", in->name, (long long)offset, text);
}

// Gives zlib its next piece of compressed input (avail_in stays 0 at the end of the raw data).
static lc_status raw_more(lci_input *in) {
    z_stream *z = in->z;
    if (in->file) {
        size_t n = fread(in->raw_buf, 1, LCI_CHUNK, in->file);
        if (n == 0 && ferror(in->file)) return lci_io_errno(errno, "%s: cannot read", in->name);
        z->next_in = in->raw_buf;
        z->avail_in = (uInt)n;
    } else {
        // avail_in is 32 bits: feed a large buffer in pieces.
        size_t left = in->mem_size - (size_t)in->raw_pos, n = left < (1u << 30) ? left : 1u << 30;
        z->next_in = (Bytef *)(in->mem + in->raw_pos);
        z->avail_in = (uInt)n;
    }
    in->raw_pos += z->avail_in;
    return LC_OK;
}

// Inflates the next chunk; sets eof when the last gzip member has ended and nothing follows.
static lc_status gz_fill(lci_input *in) {
    z_stream *z = in->z;
    z->next_out = in->chunk;
    z->avail_out = LCI_CHUNK;
    lc_status st;
    while (z->avail_out == LCI_CHUNK) {
        if (z->avail_in == 0 && (st = raw_more(in))) return st;
        if (in->z_done) {
            if (z->avail_in == 0) {
                in->eof = true;
                break;
            }
            // gzip allows several members one after the other.
            inflateReset(z);
            in->z_done = false;
        }
        if (z->avail_in == 0)
            return lci_error(LC_ERR_FORMAT, "%s: truncated gzip data (ends after %lld bytes)",
                             in->name, (long long)in->raw_pos);
        int ret = inflate(z, Z_NO_FLUSH);
        int64_t at = in->raw_pos - z->avail_in;
        if (ret == Z_STREAM_END) {
            in->z_done = true;
        } else if (ret == Z_MEM_ERROR) {
            return lci_error(LC_ERR_NOMEM, "%s: out of memory inflating gzip data", in->name);
        } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
            return lci_error(LC_ERR_FORMAT, "%s: corrupt gzip data near compressed byte %lld: %s",
                             in->name, (long long)at, z->msg ? z->msg : "inflate failed");
        }
    }
    in->buf = in->chunk;
    in->pos = 0;
    in->len = LCI_CHUNK - z->avail_out;
    return LC_OK;
}

// Makes more bytes available in buf (none only at the end, where eof is set).
static lc_status fill(lci_input *in) {
    in->offset += (int64_t)in->len;
    in->pos = in->len = 0;
    if (in->eof) return LC_OK;
    if (in->gzip) return gz_fill(in);
    // Plain memory input is one buffer from the start, so only files get here.
    size_t n = fread(in->chunk, 1, LCI_CHUNK, in->file);
    if (n == 0) {
        if (ferror(in->file)) return lci_io_errno(errno, "%s: cannot read", in->name);
        in->eof = true;
    }
    in->buf = in->chunk;
    in->len = n;
    return LC_OK;
}

// Sets up inflation when the first bytes are the gzip magic; `first` holds what was read.
static lc_status detect_gzip(lci_input *in, const uint8_t *first, size_t n, bool allow_gzip) {
    if (!allow_gzip || n < 2 || first[0] != 0x1f || first[1] != 0x8b) return LC_OK;
    z_stream *z = lci_calloc(1, sizeof *z);
    if (!z) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the gzip state", in->name);
    z->zalloc = z_alloc;
    z->zfree = z_free;
    // 16 + 15: gzip wrapper only, largest window.
    int ret = inflateInit2(z, 16 + 15);
    if (ret != Z_OK) {
        lci_free(z);
        if (ret == Z_MEM_ERROR)
            return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the gzip state", in->name);
        return lci_error(LC_ERR_UNSUPPORTED, "%s: zlib cannot inflate (%d)", in->name, ret);
    }
    in->z = z;
    in->gzip = true;
    in->raw_size = -1;
    return LC_OK;
}

lc_status lci_input_open_mem(lci_input *in, const void *data, size_t size, bool allow_gzip) {
    memset(in, 0, sizeof *in);
    in->name = "(memory)";
    in->mem = data;
    in->mem_size = size;
    in->raw_size = (int64_t)size;
    lc_status st = detect_gzip(in, in->mem, size, allow_gzip);
    if (st) return st;
    if (!in->gzip) {
        in->buf = in->mem;
        in->len = size;
        in->eof = true;
        return LC_OK;
    }
    if (!(in->chunk = lci_alloc(LCI_CHUNK))) {
        lci_input_close(in);
        return lci_error(LC_ERR_NOMEM, "(memory): cannot allocate the inflate buffer");
    }
    return LC_OK;
}

lc_status lci_input_open_file(lci_input *in, const char *path, bool allow_gzip) {
    memset(in, 0, sizeof *in);
    in->name = path;
    in->raw_size = -1;
    lc_status st;
    if (!(in->chunk = lci_alloc(LCI_CHUNK)))
        return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the read buffer", path);
    if (!(in->file = fopen(path, "rb"))) {
        st = lci_io_errno(errno, "%s: cannot open", path);
        lci_input_close(in);
        return st;
    }
    // The size (when the file can seek) lets readers reject impossible headers early.
    if (fseeko(in->file, 0, SEEK_END) == 0) {
        off_t end = ftello(in->file);
        if (end >= 0) in->raw_size = (int64_t)end;
    }
    if (fseeko(in->file, 0, SEEK_SET) != 0) {
        in->raw_size = -1;
        clearerr(in->file);
    }
    if ((st = fill(in))) {
        lci_input_close(in);
        return st;
    }
    if ((st = detect_gzip(in, in->chunk, in->len, allow_gzip))) {
        lci_input_close(in);
        return st;
    }
    if (in->gzip) {
        // What was read is compressed input: it becomes the raw buffer.
        z_stream *z = in->z;
        in->raw_buf = in->chunk;
        z->next_in = in->raw_buf;
        z->avail_in = (uInt)in->len;
        in->raw_pos = (int64_t)in->len;
        in->pos = in->len = 0;
        in->eof = false;
        if (!(in->chunk = lci_alloc(LCI_CHUNK))) {
            lci_input_close(in);
            return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the inflate buffer", path);
        }
    }
    return LC_OK;
}

void lci_input_close(lci_input *in) {
    if (in->z) {
        inflateEnd(in->z);
        lci_free(in->z);
    }
    if (in->file) fclose(in->file);
    lci_free(in->raw_buf);
    lci_free(in->chunk);
    lci_free(in->line);
    memset(in, 0, sizeof *in);
}

lc_status lci_input_read(lci_input *in, void *dst, size_t n, size_t *got) {
    uint8_t *out = dst;
    size_t done = 0;
    lc_status st;
    while (done < n) {
        if (in->pos == in->len) {
            if (in->eof) break;
            // Large reads from a plain file skip the chunk buffer.
            if (in->file && !in->gzip && n - done >= LCI_CHUNK) {
                in->offset += (int64_t)in->len;
                in->pos = in->len = 0;
                size_t r = fread(out + done, 1, n - done, in->file);
                if (r < n - done && ferror(in->file))
                    return lci_io_errno(errno, "%s: cannot read", in->name);
                if (r < n - done) in->eof = true;
                in->offset += (int64_t)r;
                done += r;
                continue;
            }
            if ((st = fill(in))) return st;
            continue;
        }
        size_t take = in->len - in->pos < n - done ? in->len - in->pos : n - done;
        memcpy(out + done, in->buf + in->pos, take);
        in->pos += take;
        done += take;
    }
    *got = done;
    return LC_OK;
}

int64_t lci_input_remaining(const lci_input *in) {
    if (in->gzip || in->raw_size < 0) return -1;
    return in->raw_size - (in->offset + (int64_t)in->pos);
}

// Whether the line so far (line[0..n) then more[0..m)) is a comment.
static bool is_comment(const char *line, size_t n, const uint8_t *more, size_t m) {
    for (size_t i = 0; i < n; i++)
        if (!lci_is_blank(line[i])) return line[i] == '%';
    for (size_t i = 0; i < m; i++)
        if (!lci_is_blank((char)more[i])) return more[i] == '%';
    return false;
}

// Makes room for `need` bytes plus the terminating NUL.
static lc_status line_reserve(lci_input *in, size_t need) {
    if (need < in->line_cap) return LC_OK;
    size_t cap = in->line_cap ? in->line_cap : 256;
    while (cap <= need) cap *= 2;
    char *line = lci_alloc(cap);
    if (!line) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate a line buffer", in->name);
    if (in->line) memcpy(line, in->line, in->line_cap);
    lci_free(in->line);
    in->line = line;
    in->line_cap = cap;
    return LC_OK;
}

lc_status lci_input_line(lci_input *in, char **line, size_t *len) {
    size_t n = 0;
    bool any = false, cut = false;
    int64_t start = in->offset + (int64_t)in->pos;
    lc_status st;
    in->line_no++;
    if ((st = line_reserve(in, 0))) return st;
    for (;;) {
        if (in->pos == in->len) {
            if (in->eof) break;
            if ((st = fill(in))) return st;
            if (!any) start = in->offset;
            continue;
        }
        const uint8_t *p = in->buf + in->pos;
        size_t avail = in->len - in->pos;
        const uint8_t *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) : avail, keep = take;
        any = true;
        if (cut) {
            keep = 0;
        } else if (n + take > LCI_LINE_MAX) {
            if (!is_comment(in->line, n, p, take))
                return lci_input_error_line(in, LC_ERR_FORMAT, "line is longer than %d bytes",
                                            LCI_LINE_MAX);
            keep = LCI_LINE_MAX - n;
            cut = true;
        }
        if (keep) {
            if ((st = line_reserve(in, n + keep))) return st;
            memcpy(in->line + n, p, keep);
            n += keep;
        }
        in->pos += take + (nl ? 1 : 0);
        if (nl) break;
    }
    if (!any) {
        in->line_no--;
        *line = NULL;
        *len = 0;
        return LC_OK;
    }
    in->line[n] = '\0';
    in->line_offset = start;
    *line = in->line;
    *len = n;
    return LC_OK;
}

lc_status lci_input_content_line(lci_input *in, char **line, size_t *len) {
    for (;;) {
        lc_status st = lci_input_line(in, line, len);
        if (st || !*line) return st;
        size_t i = 0;
        while (i < *len && lci_is_blank((*line)[i])) i++;
        if (i == *len || (*line)[i] == '%') continue;
        if (memchr(*line, '\0', *len))
            return lci_input_error_line(in, LC_ERR_FORMAT, "NUL byte in the line");
        return LC_OK;
    }
}
