// text.c: tokens of a text line, and integers and floating-point numbers parsed from them in the
// C locale (the decimal point is '.' whatever the process's locale says).
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "io.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lci_tokenize(const char *line, size_t len, lci_token *tok, int max) {
    int count = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && lci_is_blank(line[i])) i++;
        if (i == len) break;
        size_t b = i;
        while (i < len && !lci_is_blank(line[i])) i++;
        if (count < max) tok[count] = (lci_token){line + b, i - b};
        count++;
    }
    return count;
}

int lci_parse_i64(lci_token t, int64_t *out) {
    size_t i = 0;
    bool neg = false;
    if (i < t.len && (t.s[i] == '+' || t.s[i] == '-')) neg = t.s[i++] == '-';
    if (i == t.len) return 1;
    // Accumulate as a negative number: its range includes INT64_MIN.
    int64_t v = 0;
    bool overflow = false;
    for (; i < t.len; i++) {
        char c = t.s[i];
        if (c < '0' || c > '9') return 1;
        if (overflow || lci_mul_i64(v, 10, &v) || lci_add_i64(v, -(int64_t)(c - '0'), &v))
            overflow = true;
    }
    if (overflow || (!neg && v == INT64_MIN)) return 2;
    *out = neg ? v : -v;
    return 0;
}

// A decimal number as Matrix Market writes it: [+-] digits [. digits] [e [+-] digits] (at least
// one digit before the exponent), or inf, infinity, nan in any case. strtod alone would also
// take hexadecimal floats and "nan(...)".
static bool decimal_syntax(const char *s, size_t len) {
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    const char *w = s + i;
    size_t rest = len - i;
    if ((rest == 3 && (strncasecmp(w, "inf", 3) == 0 || strncasecmp(w, "nan", 3) == 0)) ||
        (rest == 8 && strncasecmp(w, "infinity", 8) == 0))
        return true;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (digits == 0) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, exp++;
        if (exp == 0) return false;
    }
    return i == len;
}

int lci_parse_f64(lci_token t, double *out) {
    // strtod needs a terminated string, and must not skip leading blanks of its own.
    char buf[128];
    if (t.len == 0 || t.len >= sizeof buf || !decimal_syntax(t.s, t.len)) return 1;
    memcpy(buf, t.s, t.len);
    buf[t.len] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + t.len) return 1;
    *out = v;
    return 0;
}

bool lci_token_is(lci_token t, const char *word) {
    size_t n = strlen(word);
    if (t.len != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = t.s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}

void lci_locale_enter(lci_locale *l) {
    l->c_locale = NULL;
    l->saved = NULL;
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c == (locale_t)0) return;
    l->c_locale = c;
    l->saved = uselocale(c);
}

void lci_locale_leave(lci_locale *l) {
    if (!l->c_locale) return;
    uselocale((locale_t)l->saved);
    freelocale((locale_t)l->c_locale);
    l->c_locale = NULL;
}
