// tokenizer.c: llama2.c's byte-pair tokenizer: the vocabulary file (int32 max token length, then
// per token float32 score, int32 length, bytes), encoding by best-scoring merges, and the text
// of a token.
#include "llama.h"

#include <stdio.h>
#include <string.h>

void lci_tokenizer_free(lci_tokenizer *t) {
    lci_free(t->piece);
    lci_free(t->score);
    lci_free(t->sorted);
    lci_free(t->bytes);
    memset(t, 0, sizeof *t);
}

lc_status lci_read_whole_file(const char *path, unsigned char **out, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return lci_error(LC_ERR_IO, "%s: cannot open", path);
    unsigned char *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    lc_status st = LC_OK;
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0)
        st = lci_error(LC_ERR_IO, "%s: cannot find its size", path);
    if (!st && !(buf = lci_alloc((size_t)len + 1))) // + 1: room for a NUL
        st = lci_error(LC_ERR_NOMEM, "%s: cannot allocate %ld bytes", path, len);
    if (!st && fread(buf, 1, (size_t)len, f) != (size_t)len)
        st = lci_error(LC_ERR_IO, "%s: read failed", path);
    fclose(f);
    if (st) {
        lci_free(buf);
        return st;
    }
    *out = buf;
    *size = (size_t)len;
    return LC_OK;
}

// Sorts t->sorted by piece: a Shell sort, since qsort has no context argument (a static one
// would make concurrent loads race); O(n^1.5) compares at worst, fine for any vocabulary.
static void sort_pieces(lci_tokenizer *t) {
    for (int32_t gap = t->vocab / 2; gap > 0; gap /= 2)
        for (int32_t i = gap; i < t->vocab; i++) {
            const int32_t id = t->sorted[i];
            int32_t j = i;
            for (; j >= gap && strcmp(t->piece[t->sorted[j - gap]], t->piece[id]) > 0; j -= gap)
                t->sorted[j] = t->sorted[j - gap];
            t->sorted[j] = id;
        }
}

// The token whose piece is s, or -1.
static int32_t lookup(const lci_tokenizer *t, const char *s) {
    int64_t lo = 0, hi = t->vocab;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->piece[t->sorted[mid]], s);
        if (c == 0) return t->sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static lc_status parse(lci_tokenizer *t, const unsigned char *buf, size_t size, const char *path) {
    int32_t max_len;
    if (size < 4) return lci_error(LC_ERR_FORMAT, "%s: truncated header (%zu bytes)", path, size);
    memcpy(&max_len, buf, 4);
    if (max_len < 1 || max_len > 4096)
        return lci_error(LC_ERR_FORMAT, "%s: max token length %d outside 1..4096", path, max_len);
    t->max_len = max_len;
    size_t off = 4, text = 0;
    // First pass: check every record and count the bytes of the pieces.
    for (int32_t i = 0; i < t->vocab; i++) {
        int32_t len;
        if (size - off < 8)
            return lci_error(LC_ERR_FORMAT, "%s: truncated at token %d of %d (offset %zu)", path, i,
                             t->vocab, off);
        memcpy(&len, buf + off + 4, 4);
        if (len < 0 || len > max_len)
            return lci_error(LC_ERR_FORMAT, "%s: token %d has length %d outside 0..%d", path, i,
                             len, max_len);
        off += 8;
        if (size - off < (size_t)len)
            return lci_error(LC_ERR_FORMAT, "%s: truncated in token %d of %d (offset %zu)", path, i,
                             t->vocab, off);
        off += (size_t)len;
        text += (size_t)len + 1;
    }
    if (off != size)
        return lci_error(LC_ERR_FORMAT, "%s: %zu bytes after the %d tokens", path, size - off,
                         t->vocab);
    lc_status st;
    if ((st = lci_alloc_array((void **)&t->piece, (size_t)t->vocab, sizeof(char *), "pieces")) ||
        (st = lci_alloc_array((void **)&t->score, (size_t)t->vocab, sizeof(float), "scores")) ||
        (st = lci_alloc_array((void **)&t->sorted, (size_t)t->vocab, sizeof(int32_t), "index")) ||
        (st = lci_alloc_array((void **)&t->bytes, text, 1, "piece text")))
        return st;
    char *p = t->bytes;
    off = 4;
    for (int32_t i = 0; i < t->vocab; i++) {
        int32_t len;
        memcpy(&t->score[i], buf + off, 4);
        memcpy(&len, buf + off + 4, 4);
        off += 8;
        memcpy(p, buf + off, (size_t)len);
        p[len] = '\0';
        t->piece[i] = p;
        p += len + 1;
        off += (size_t)len;
        t->sorted[i] = i;
    }
    sort_pieces(t);
    for (int i = 0; i < 256; i++) {
        t->byte_text[2 * i] = (char)i;
        t->byte_text[2 * i + 1] = '\0';
    }
    t->space = lookup(t, " ");
    return LC_OK;
}

lc_status lci_tokenizer_load(lci_tokenizer *t, const char *path, int32_t vocab) {
    memset(t, 0, sizeof *t);
    t->vocab = vocab;
    unsigned char *buf;
    size_t size;
    lc_status st = lci_read_whole_file(path, &buf, &size);
    if (st) return st;
    st = parse(t, buf, size, path);
    lci_free(buf);
    if (st) lci_tokenizer_free(t);
    return st;
}

// The merge of tokens a and b: the token of their concatenated pieces, or -1.
static int32_t merged(const lci_tokenizer *t, int32_t a, int32_t b, char *buf) {
    size_t la = strlen(t->piece[a]), lb = strlen(t->piece[b]);
    if (la + lb > (size_t)t->max_len) return -1; // no token is that long
    memcpy(buf, t->piece[a], la);
    memcpy(buf + la, t->piece[b], lb + 1);
    return lookup(t, buf);
}

lc_status lci_tokenizer_encode(const lci_tokenizer *t, const char *text, int32_t bos,
                               int32_t *tokens, int64_t cap, int64_t *n_out) {
    const size_t len = strlen(text);
    // At most BOS, the prefix and one token per byte.
    int32_t *tok = NULL, *pair = NULL;
    char *buf = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&tok, len + 2, sizeof(int32_t), "tokens")) ||
        (st = lci_alloc_array((void **)&pair, len + 2, sizeof(int32_t), "merges")) ||
        (st = lci_alloc_array((void **)&buf, 2 * (size_t)t->max_len + 2, 1, "merge buffer")))
        goto done;
    int64_t n = 0;
    if (bos) tok[n++] = LCI_TOKEN_BOS;
    if (len) tok[n++] = t->space >= 0 ? t->space : ' ' + 3;
    // One UTF-8 character (a lead byte and up to 3 continuation bytes) at a time, as llama2.c.
    for (size_t i = 0, start = 0; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80) start = i;
        const size_t clen = i + 1 - start;
        if (((unsigned char)text[i + 1] & 0xC0) == 0x80 && clen < 4) continue;
        memcpy(buf, text + start, clen);
        buf[clen] = '\0';
        int32_t id = lookup(t, buf);
        if (id >= 0)
            tok[n++] = id;
        else
            for (size_t b = 0; b < clen; b++) tok[n++] = (unsigned char)buf[b] + 3;
        start = i + 1;
    }
    // Repeatedly merge the adjacent pair whose merge scores best (the first of equals); each
    // pair's merge is cached and only the merged token's neighbours are looked up again.
    for (int64_t i = 0; i + 1 < n; i++) pair[i] = merged(t, tok[i], tok[i + 1], buf);
    for (;;) {
        int64_t best = -1;
        float best_score = -1e10f;
        for (int64_t i = 0; i + 1 < n; i++)
            if (pair[i] >= 0 && t->score[pair[i]] > best_score) {
                best_score = t->score[pair[i]];
                best = i;
            }
        if (best < 0) break;
        tok[best] = pair[best];
        memmove(tok + best + 1, tok + best + 2, (size_t)(n - best - 2) * sizeof(int32_t));
        memmove(pair + best + 1, pair + best + 2,
                (size_t)(n - best > 3 ? n - best - 3 : 0) * sizeof(int32_t));
        n--;
        if (best > 0) pair[best - 1] = merged(t, tok[best - 1], tok[best], buf);
        if (best + 1 < n) pair[best] = merged(t, tok[best], tok[best + 1], buf);
    }
    if (n > cap) {
        st = lci_error(LC_ERR_ARG, "lc_model_encode: %lld tokens, room for %lld", (long long)n,
                       (long long)cap);
        goto done;
    }
    if (n) memcpy(tokens, tok, (size_t)n * sizeof(int32_t));
    *n_out = n;
done:
    lci_free(tok);
    lci_free(pair);
    lci_free(buf);
    return st;
}

// The byte of a "<0xNN>" piece (upper- or lower-case hex), or -1.
static int byte_of(const char *p) {
    if (strncmp(p, "<0x", 3) != 0 || p[5] != '>' || p[6] != '\0') return -1;
    int v = 0;
    for (int i = 3; i < 5; i++) {
        char ch = p[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                         : -1;
        if (d < 0) return -1;
        v = 16 * v + d;
    }
    return v;
}

lc_status lci_tokenizer_text(const lci_tokenizer *t, int32_t prev, int32_t token,
                             const char **text) {
    if (token < 0 || token >= t->vocab)
        return lci_error(LC_ERR_ARG, "lc_model_token_text: token %d is outside 0..%d", token,
                         t->vocab - 1);
    const char *p = t->piece[token];
    if (prev == LCI_TOKEN_BOS && p[0] == ' ') p++;
    int b = byte_of(p);
    *text = b >= 0 ? t->byte_text + 2 * b : p;
    return LC_OK;
}
