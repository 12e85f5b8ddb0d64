// status.c: status names and the thread-local message behind lc_last_error().
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char lci_message[512];

const char *lc_status_str(lc_status status) {
    switch (status) {
    case LC_OK:
        return "LC_OK";
    case LC_ERR_ARG:
        return "LC_ERR_ARG";
    case LC_ERR_NOMEM:
        return "LC_ERR_NOMEM";
    case LC_ERR_OVERFLOW:
        return "LC_ERR_OVERFLOW";
    case LC_ERR_FORMAT:
        return "LC_ERR_FORMAT";
    case LC_ERR_IO:
        return "LC_ERR_IO";
    case LC_ERR_UNSUPPORTED:
        return "LC_ERR_UNSUPPORTED";
    case LC_ERR_NUMERIC:
        return "LC_ERR_NUMERIC";
    }
    return "unknown status";
}

const char *lc_last_error(void) {
    return lci_message;
}

lc_status lci_error(lc_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lci_message, sizeof lci_message, fmt, ap);
    va_end(ap);
    return status;
}

void lci_error_clear(void) {
    lci_message[0] = '\0';
}

void lci_error_prefix(const char *fmt, ...) {
    char msg[sizeof lci_message];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg - 2, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    size_t used = (size_t)len < sizeof msg - 2 ? (size_t)len : sizeof msg - 3;
    memcpy(msg + used, ": ", 3);
    used += 2;
    // The old message follows the prefix, cut to what still fits.
    size_t room = sizeof msg - 1 - used, old = strlen(lci_message);
    if (old > room) old = room;
    memcpy(msg + used, lci_message, old);
    msg[used + old] = '\0';
    memcpy(lci_message, msg, used + old + 1);
}

const char *lc_version(void) {
    return LC_VERSION_STRING;
}
