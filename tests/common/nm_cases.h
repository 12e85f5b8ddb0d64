// nm_cases.h: the N:M configurations the N:M suites sweep, a random pruned N:M matrix, and a
// check of a failing call's status and message.
#ifndef LACUNA_NM_CASES_H
#define LACUNA_NM_CASES_H

#include "testutil.h"

typedef struct nm_shape {
    int32_t n, mg, v;
} nm_shape;

// N:M and rows per group the tests sweep: M a power of two and not, v dividing the row count or
// not.
extern const nm_shape nm_configs[];
extern const size_t nm_nconfigs;

// An N:M matrix pruned from a random dense one (some rows empty or full, so groups with fewer
// than N nonzeros store zeros), and its dense copy (*dense, free(); NULL: none).
lc_mat *make_nm(nm_shape c, int64_t m, int64_t k, uint64_t seed, float **dense);

// A failing call's status and message (which must contain `needle`); line: the caller's.
void nm_expect(lc_status got, lc_status want, const char *needle, int line);
#define EXPECT(call, want, needle) nm_expect((call), (want), (needle), __LINE__)

#endif
