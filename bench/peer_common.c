// peer_common.c: the compiled peers' shared parts: options, Matrix Market → CSR (zlib reads
// plain and gzip files alike), operands, the reference check, timing, the measured thread count
// and the JSON line.
#define _POSIX_C_SOURCE 200809L
#include "peer_common.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

// The automatic repetitions of lacuna bench mm (tools/bench_mm_run.c), so both sides sample
// alike: 10; fewer (down to 3) so a slow case stays near 1.5 s; more (up to 50) when 10 runs
// would take under 0.2 s.
#define AUTO_REPS     10
#define AUTO_MIN_REPS 3
#define AUTO_MAX_REPS 50
#define AUTO_BUDGET_S 1.5
#define AUTO_MIN_S    0.2

static const char *who = "peer";

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", who);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

double peer_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// ---- options ----

// "1,8,64" into out[0..*count); false on anything else.
static bool parse_list(const char *s, int64_t lo, int64_t hi, int64_t *out, int *count) {
    *count = 0;
    while (*s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno || v < lo || v > hi || *count == PEER_MAX_LIST) return false;
        out[(*count)++] = v;
        if (*end == ',')
            end++;
        else if (*end)
            return false;
        s = end;
    }
    return *count > 0;
}

static void default_name(const char *path, char *buf, size_t size) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 3 && strcmp(base + len - 3, ".gz") == 0) len -= 3;
    if (len > 4 && strncmp(base + len - 4, ".mtx", 4) == 0) len -= 4;
    snprintf(buf, size, "%.*s", (int)len, base);
}

bool peer_parse(const char *peer, int argc, char **argv, peer_opts *o) {
    static char name[256];
    who = peer;
    *o = (peer_opts){.n = {1},
                     .nn = 1,
                     .threads = 1,
                     .warmup = 1,
                     .seed = 1,
                     .err_vectors = 4,
                     .tune_rounds = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t list[PEER_MAX_LIST], x = 0;
        int count = 0;
        bool ok = true;
        if (strncmp(a, "--", 2) != 0) {
            if (o->path) return fail("one matrix file only (%s, %s)", o->path, a), false;
            o->path = a;
            continue;
        }
        if (!v) return fail("option %s needs a value", a), false;
        i++;
        if (strcmp(a, "--n") == 0) {
            ok = parse_list(v, 1, 1 << 20, o->n, &o->nn);
        } else if (strcmp(a, "--threads") == 0) {
            ok = parse_list(v, 1, 1024, list, &count) && count == 1;
            o->threads = (int)list[0];
        } else if (strcmp(a, "--reps") == 0 || strcmp(a, "--warmup") == 0 ||
                   strcmp(a, "--err-vectors") == 0) {
            ok = parse_list(v, strcmp(a, "--reps") == 0 ? 0 : 1, 1000000, list, &count) &&
                 count == 1;
            x = list[0];
            if (a[2] == 'r') o->reps = (int)x;
            if (a[2] == 'w') o->warmup = (int)x;
            if (a[2] == 'e') o->err_vectors = (int)x;
        } else if (strcmp(a, "--seed") == 0) {
            ok = parse_list(v, 0, INT64_MAX, list, &count) && count == 1;
            o->seed = (uint64_t)list[0];
        } else if (strcmp(a, "--name") == 0) {
            o->name = v;
        } else if (strcmp(a, "--tune-rounds") == 0) {
            ok = parse_list(v, 1, 16, list, &count) && count == 1;
            o->tune_rounds = (int)list[0];
        } else if (strcmp(a, "--tune-time") == 0) {
            char *end;
            o->tune_time = strtod(v, &end);
            ok = end != v && *end == '\0' && o->tune_time >= 0 && o->tune_time <= 60;
        } else {
            return fail("unknown option %s", a), false;
        }
        if (!ok) return fail("option %s: bad value '%s'", a, v), false;
    }
    if (!o->path) return fail("usage: %s [--n N,...] [--threads T] FILE.mtx", peer), false;
    if (!o->name) {
        default_name(o->path, name, sizeof name);
        o->name = name;
    }
    return true;
}

bool peer_pin_threads(int threads, char **argv) {
    char want[16];
    snprintf(want, sizeof want, "%d", threads);
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && strcmp(env, want) == 0) return true;
    if (setenv("OMP_NUM_THREADS", want, 1) != 0) return fail("cannot set OMP_NUM_THREADS"), false;
    fflush(stdout);
    execv("/proc/self/exe", argv);
    fail("cannot run again with OMP_NUM_THREADS=%s (%s)", want, strerror(errno));
    return false;
}

// ---- Matrix Market ----

typedef struct entry {
    int64_t row;
    int32_t col;
    float val;
} entry;

static int cmp_entry(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

// Reads the next non-comment, non-blank line into buf; false at the end.
static bool next_line(gzFile f, char *buf, int size) {
    while (gzgets(f, buf, size)) {
        const char *p = buf;
        while (*p == ' ' || *p == '\t') p++;
        if (*p != '%' && *p != '\n' && *p != '\r' && *p) return true;
    }
    return false;
}

bool peer_mtx_read(const char *path, peer_csr *a) {
    memset(a, 0, sizeof *a);
    gzFile f = gzopen(path, "rb");
    if (!f) return fail("%s: cannot open", path), false;
    gzbuffer(f, 1 << 20);
    char line[1024], field[32] = "", sym[32] = "";
    entry *e = NULL;
    bool ok = false;
    long long m, k, count;
    if (!gzgets(f, line, sizeof line) ||
        sscanf(line, "%%%%MatrixMarket matrix coordinate %31s %31s", field, sym) != 2) {
        fail("%s: not a Matrix Market coordinate file", path);
        goto done;
    }
    for (char *p = field; *p; p++) *p = (char)tolower((unsigned char)*p);
    for (char *p = sym; *p; p++) *p = (char)tolower((unsigned char)*p);
    bool pattern = strcmp(field, "pattern") == 0;
    bool symmetric = strcmp(sym, "symmetric") == 0, skew = strcmp(sym, "skew-symmetric") == 0;
    if ((!pattern && strcmp(field, "real") != 0 && strcmp(field, "integer") != 0) ||
        (!symmetric && !skew && strcmp(sym, "general") != 0)) {
        fail("%s: unsupported field or symmetry (%s %s)", path, field, sym);
        goto done;
    }
    if (!next_line(f, line, sizeof line) || sscanf(line, "%lld %lld %lld", &m, &k, &count) != 3 ||
        m < 0 || k < 0 || count < 0 || m > INT32_MAX || k > INT32_MAX || count > INT32_MAX / 2) {
        fail("%s: bad size line", path);
        goto done;
    }
    e = malloc((size_t)(2 * count + 1) * sizeof *e);
    if (!e) {
        fail("%s: out of memory", path);
        goto done;
    }
    int64_t n = 0;
    for (long long t = 0; t < count; t++) {
        long long i, j;
        char *p = line, *end;
        if (!next_line(f, line, sizeof line)) {
            fail("%s: %lld entries announced, %lld found", path, count, t);
            goto done;
        }
        bool good = true;
        i = strtoll(p, &end, 10), good &= end != p, p = end;
        j = strtoll(p, &end, 10), good &= end != p, p = end;
        double v = 1.0;
        if (!pattern) v = strtod(p, &end), good &= end != p;
        if (!good || i < 1 || i > m || j < 1 || j > k) {
            fail("%s: bad entry %lld: %s", path, t + 1, line);
            goto done;
        }
        e[n++] = (entry){i - 1, (int32_t)(j - 1), (float)v};
        if ((symmetric || skew) && i != j)
            e[n++] = (entry){j - 1, (int32_t)(i - 1), (float)(skew ? -v : v)};
    }
    // Row-major order (a lacuna gen file already is), then duplicates summed.
    bool sorted = true;
    for (int64_t t = 1; t < n && sorted; t++) sorted = cmp_entry(&e[t - 1], &e[t]) < 0;
    if (!sorted) qsort(e, (size_t)n, sizeof *e, cmp_entry);
    a->m = (int32_t)m, a->k = (int32_t)k;
    a->ptr = calloc((size_t)m + 1, sizeof *a->ptr);
    a->col = malloc((size_t)(n + 1) * sizeof *a->col);
    a->val = malloc((size_t)(n + 1) * sizeof *a->val);
    if (!a->ptr || !a->col || !a->val) {
        fail("%s: out of memory", path);
        goto done;
    }
    int32_t nnz = 0;
    for (int64_t t = 0; t < n; t++) {
        if (nnz > 0 && t > 0 && e[t].row == e[t - 1].row && e[t].col == e[t - 1].col) {
            a->val[nnz - 1] += e[t].val;
            continue;
        }
        a->col[nnz] = e[t].col, a->val[nnz] = e[t].val;
        a->ptr[e[t].row + 1]++;
        nnz++;
    }
    for (int64_t i = 0; i < m; i++) a->ptr[i + 1] += a->ptr[i];
    a->nnz = nnz;
    ok = true;
done:
    free(e);
    gzclose(f);
    if (!ok) peer_csr_free(a);
    return ok;
}

void peer_csr_free(peer_csr *a) {
    free(a->ptr), free(a->col), free(a->val);
    memset(a, 0, sizeof *a);
}

// ---- operands and the check ----

void peer_fill(float *x, int64_t count, uint64_t seed) {
    uint64_t s = seed ^ 0x2545f4914f6cdd1dull;
    for (int64_t i = 0; i < count; i++) {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        x[i] = (float)((int64_t)(z >> 40) - (1 << 23)) * (1.0f / (1 << 23));
    }
}

float *peer_alloc(int64_t count) {
    size_t bytes = ((size_t)(count > 0 ? count : 1) * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes);
    if (!p)
        fail("out of memory (%zu bytes)", bytes);
    else
        memset(p, 0, bytes);
    return p;
}

bool peer_check(const peer_csr *a, int64_t n, const float *x, const float *y, int nv,
                double *max_rel_err) {
    if (nv > n) nv = (int)n;
    double diff = 0, big = 0;
    for (int t = 0; t < nv; t++) {
        int64_t j = (int64_t)t * n / nv;
        for (int64_t i = 0; i < a->m; i++) {
            double ref = 0, abs_sum = 0;
            for (int32_t p = a->ptr[i]; p < a->ptr[i + 1]; p++) {
                double term = (double)a->val[p] * x[(int64_t)a->col[p] * n + j];
                ref += term, abs_sum += fabs(term);
            }
            double got = y[i * n + j], d = fabs(got - ref);
            double bound =
                (double)(a->ptr[i + 1] - a->ptr[i] + 2) * FLT_EPSILON * abs_sum + FLT_MIN;
            if (!(d <= bound)) {
                fail("wrong result: Y[%lld][%lld] = %.9g, reference %.9g (bound %.3g)",
                     (long long)i, (long long)j, got, ref, bound);
                return false;
            }
            if (d > diff) diff = d;
            if (fabs(ref) > big) big = fabs(ref);
        }
    }
    *max_rel_err = big > 0 ? diff / big : diff;
    return true;
}

// ---- timing ----

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int auto_reps(double secs) {
    if (secs * AUTO_REPS > AUTO_BUDGET_S)
        return secs * AUTO_MIN_REPS >= AUTO_BUDGET_S ? AUTO_MIN_REPS : (int)(AUTO_BUDGET_S / secs);
    if (secs * AUTO_REPS < AUTO_MIN_S)
        return secs * AUTO_MAX_REPS <= AUTO_MIN_S ? AUTO_MAX_REPS : (int)(AUTO_MIN_S / secs);
    return AUTO_REPS;
}

bool peer_time(peer_fn fn, void *ctx, int warmup, int reps, peer_timing *t) {
    if (warmup < 1) warmup = 1;
    for (int w = 0; w < warmup; w++) {
        double t0 = peer_now();
        if (!fn(ctx)) return false;
        if (w == 0 && reps == 0) reps = auto_reps(peer_now() - t0);
    }
    double *s = malloc((size_t)reps * sizeof *s);
    if (!s) return fail("out of memory"), false;
    for (int r = 0; r < reps; r++) {
        double t0 = peer_now();
        if (!fn(ctx)) return free(s), false;
        s[r] = peer_now() - t0;
    }
    qsort(s, (size_t)reps, sizeof *s, cmp_double);
    t->median_s = reps % 2 ? s[reps / 2] : 0.5 * (s[reps / 2 - 1] + s[reps / 2]);
    t->min_s = s[0];
    int p90 = (int)ceil(0.9 * reps);
    t->p90_s = s[p90 - 1] < t->median_s ? t->median_s : s[p90 - 1];
    t->reps = reps, t->warmup = warmup;
    free(s);
    return true;
}

// ---- threads really used ----

#define MAX_TASKS 256

// CPU nanoseconds of every thread of this process; returns the count (-1 when unreadable).
static int task_times(long long *tid, long long *ns) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int count = 0;
    struct dirent *de;
    while ((de = readdir(d)) && count < MAX_TASKS) {
        if (de->d_name[0] == '.') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (fscanf(f, "%lld", &ns[count]) == 1) tid[count++] = atoll(de->d_name);
        fclose(f);
    }
    closedir(d);
    return count;
}

void peer_threads_used(peer_fn fn, void *ctx, double min_s, int *used, double *cpu_util) {
    long long tid0[MAX_TASKS], ns0[MAX_TASKS], tid1[MAX_TASKS], ns1[MAX_TASKS];
    *used = -1, *cpu_util = -1;
    int c0 = task_times(tid0, ns0);
    double t0 = peer_now(), wall;
    do fn(ctx);
    while ((wall = peer_now() - t0) < min_s);
    int c1 = task_times(tid1, ns1);
    if (c0 < 0 || c1 < 0) return;
    long long total = 0;
    int count = 0;
    for (int i = 0; i < c1; i++) {
        long long before = 0; // a thread born during the loop started at 0
        for (int j = 0; j < c0; j++)
            if (tid0[j] == tid1[i]) before = ns0[j];
        long long d = ns1[i] - before;
        total += d;
        if ((double)d >= 0.25 * wall * 1e9) count++;
    }
    *used = count;
    *cpu_util = (double)total / (wall * 1e9);
}

// ---- JSON ----

const char *peer_cpu_name(void) {
    static char name[128] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return name;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        const char *v = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !v) continue;
        for (v++; *v == ' ' || *v == '\t'; v++) {
        }
        size_t len = strcspn(v, "\n");
        while (len > 0 && v[len - 1] == ' ') len--;
        snprintf(name, sizeof name, "%.*s", (int)len, v);
        break;
    }
    fclose(f);
    return name;
}

static void add(peer_json *j, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(j->buf + j->len, sizeof j->buf - j->len, fmt, ap);
    va_end(ap);
    if (w > 0)
        j->len += (size_t)w < sizeof j->buf - j->len ? (size_t)w : sizeof j->buf - j->len - 1;
}

static void key(peer_json *j, const char *k) {
    add(j, "%s\"%s\":", j->len > 1 ? "," : "", k);
}

void peer_json_str(peer_json *j, const char *k, const char *val) {
    key(j, k);
    add(j, "\"");
    for (const char *p = val; *p; p++) {
        if (*p == '"' || *p == '\\')
            add(j, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            add(j, "\\u%04x", *p);
        else
            add(j, "%c", *p);
    }
    add(j, "\"");
}

void peer_json_num(peer_json *j, const char *k, double val) {
    key(j, k);
    if (isfinite(val))
        add(j, "%.6g", val);
    else
        add(j, "null");
}

void peer_json_int(peer_json *j, const char *k, int64_t val) {
    key(j, k);
    add(j, "%lld", (long long)val);
}

void peer_json_begin(peer_json *j, const char *peer, const peer_opts *o, const peer_csr *a,
                     int64_t n, int threads) {
    j->len = 0;
    add(j, "{");
    double mk = (double)a->m * (double)a->k, density = mk > 0 ? a->nnz / mk : 0;
    peer_json_str(j, "schema", "lacuna-bench/1");
    peer_json_str(j, "op", "peer");
    peer_json_str(j, "peer", peer);
    peer_json_str(j, "matrix", o->name);
    peer_json_str(j, "path", o->path);
    peer_json_int(j, "m", a->m);
    peer_json_int(j, "k", a->k);
    peer_json_int(j, "n", n);
    peer_json_str(j, "layout", "cols");
    peer_json_int(j, "nnz", a->nnz);
    peer_json_num(j, "density", density);
    peer_json_num(j, "sparsity", 1 - density);
    peer_json_int(j, "threads", threads);
    peer_json_str(j, "cpu", peer_cpu_name());
    peer_json_num(j, "beta", 0);
}

void peer_json_end(peer_json *j, const peer_csr *a, int64_t n, const peer_timing *t,
                   double max_rel_err, int nv) {
    peer_json_int(j, "reps", t->reps);
    peer_json_int(j, "warmup", t->warmup);
    peer_json_num(j, "time_s", t->median_s);
    peer_json_num(j, "time_min_s", t->min_s);
    peer_json_num(j, "time_p90_s", t->p90_s);
    peer_json_num(j, "gflops", 2.0 * a->nnz * (double)n / t->median_s * 1e-9);
    peer_json_num(j, "max_rel_err", max_rel_err);
    peer_json_int(j, "err_vectors", nv < n ? nv : n);
    add(j, "}");
    printf("%s\n", j->buf);
    fflush(stdout);
}
