// json.c: a JSON object built in memory and printed as one line (the lacuna-bench/1 lines);
// strings escaped, non-finite numbers written as null.
#include "tool.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void put(tool_json *j, const char *s, size_t len) {
    if (j->oom) return;
    if (j->len + len + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 512;
        while (cap < j->len + len + 1) cap *= 2;
        char *b = realloc(j->buf, cap);
        if (!b) {
            j->oom = true;
            return;
        }
        j->buf = b, j->cap = cap;
    }
    memcpy(j->buf + j->len, s, len);
    j->len += len;
    j->buf[j->len] = '\0';
}

static void puts_(tool_json *j, const char *s) {
    put(j, s, strlen(s));
}

static void putf(tool_json *j, const char *fmt, ...) LCI_PRINTF(2, 3);
static void putf(tool_json *j, const char *fmt, ...) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) put(j, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void quoted(tool_json *j, const char *s) {
    puts_(j, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            put(j, e, 2);
        } else if (*p < 0x20) {
            putf(j, "\\u%04x", *p);
        } else {
            put(j, (const char *)p, 1);
        }
    }
    puts_(j, "\"");
}

static void key(tool_json *j, const char *k) {
    if (!j->first) puts_(j, ",");
    j->first = false;
    quoted(j, k);
    puts_(j, ":");
}

void tool_json_begin(tool_json *j) {
    *j = (tool_json){0};
    puts_(j, "{");
    j->depth = 1;
    j->first = true;
}

void tool_json_str(tool_json *j, const char *k, const char *val) {
    key(j, k);
    quoted(j, val ? val : "");
}

void tool_json_num(tool_json *j, const char *k, double val) {
    key(j, k);
    if (isfinite(val))
        putf(j, "%.6g", val);
    else
        puts_(j, "null");
}

void tool_json_int(tool_json *j, const char *k, int64_t val) {
    key(j, k);
    putf(j, "%lld", (long long)val);
}

void tool_json_u64(tool_json *j, const char *k, uint64_t val) {
    key(j, k);
    putf(j, "%llu", (unsigned long long)val);
}

void tool_json_bool(tool_json *j, const char *k, bool val) {
    key(j, k);
    puts_(j, val ? "true" : "false");
}

void tool_json_null(tool_json *j, const char *k) {
    key(j, k);
    puts_(j, "null");
}

void tool_json_open(tool_json *j, const char *k) {
    key(j, k);
    puts_(j, "{");
    j->depth++;
    j->first = true;
}

void tool_json_close(tool_json *j) {
    if (j->depth <= 0) return;
    puts_(j, "}");
    j->depth--;
    j->first = false;
}

bool tool_json_end(tool_json *j, FILE *f) {
    while (j->depth > 0) tool_json_close(j);
    bool ok = !j->oom && fprintf(f, "%s\n", j->buf) >= 0 && fflush(f) == 0;
    free(j->buf);
    *j = (tool_json){0};
    return ok;
}
