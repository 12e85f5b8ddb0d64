// args.c: the tool's error lines and option parsing ("--name value" or "--name=value"), with
// every number parsed in full and range-checked.
#include "tool.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void tool_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("lacuna: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int tool_lib_error(const char *what, lc_status st) {
    const char *msg = lc_last_error();
    if (!msg || !*msg) msg = "failed";
    // Messages about a file already start with its name: say it once.
    size_t n = strlen(what);
    if (strncmp(msg, what, n) == 0 && msg[n] == ':')
        tool_error("%s (%s)", msg, lc_status_str(st));
    else
        tool_error("%s: %s (%s)", what, msg, lc_status_str(st));
    return 1;
}

void tool_args_init(tool_args *a, int argc, char **argv, int first) {
    *a = (tool_args){argc, argv, first, NULL, NULL};
}

bool tool_args_next(tool_args *a) {
    if (a->i >= a->argc) return false;
    const char *arg = a->argv[a->i++];
    a->name = arg;
    a->val = NULL;
    if (strncmp(arg, "--", 2) == 0) {
        const char *eq = strchr(arg, '=');
        if (eq) a->val = eq + 1;
    }
    return true;
}

bool tool_args_is(const tool_args *a, const char *name) {
    size_t len = strlen(name);
    return strncmp(a->name, name, len) == 0 && (a->name[len] == '\0' || a->name[len] == '=');
}

// The option's name without "=value", for messages.
static void option_name(const tool_args *a, char *buf, size_t size) {
    size_t len = a->val ? (size_t)(a->val - 1 - a->name) : strlen(a->name);
    if (len >= size) len = size - 1;
    memcpy(buf, a->name, len);
    buf[len] = '\0';
}

const char *tool_args_value(tool_args *a) {
    if (a->val) return a->val;
    if (a->i >= a->argc) {
        tool_error("option %s needs a value", a->name);
        return NULL;
    }
    return a->val = a->argv[a->i++];
}

bool tool_args_int(tool_args *a, int64_t lo, int64_t hi, int64_t *out) {
    const char *s = tool_args_value(a);
    if (!s) return false;
    char name[64], *end;
    option_name(a, name, sizeof name);
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        tool_error("option %s: '%s' is not an integer", name, s);
        return false;
    }
    if (v < lo || v > hi) {
        tool_error("option %s: %lld is outside [%lld, %lld]", name, v, (long long)lo,
                   (long long)hi);
        return false;
    }
    *out = v;
    return true;
}

bool tool_args_u64(tool_args *a, uint64_t *out) {
    const char *s = tool_args_value(a);
    if (!s) return false;
    char name[64], *end;
    option_name(a, name, sizeof name);
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || s[0] == '-') {
        tool_error("option %s: '%s' is not a non-negative integer", name, s);
        return false;
    }
    *out = v;
    return true;
}

bool tool_args_double(tool_args *a, double *out) {
    const char *s = tool_args_value(a);
    if (!s) return false;
    char name[64], *end;
    option_name(a, name, sizeof name);
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        tool_error("option %s: '%s' is not a finite number", name, s);
        return false;
    }
    *out = v;
    return true;
}

bool tool_args_flag(const tool_args *a) {
    if (!a->val) return true;
    char name[64];
    option_name(a, name, sizeof name);
    tool_error("option %s takes no value", name);
    return false;
}

int tool_args_unknown(const tool_args *a, const char *command) {
    if (strncmp(a->name, "--", 2) == 0) {
        char name[64];
        option_name(a, name, sizeof name);
        tool_error("%s: unknown option %s (see lacuna help)", command, name);
    } else {
        tool_error("%s: unexpected argument '%s' (see lacuna help)", command, a->name);
    }
    return 2;
}
