// bench_ffn.c: `lacuna bench ffn`: the Monarch FFN (up d → 4d, GELU, down 4d → d, both weights
// Monarch with --blocks B) against the dense FFN of the same weights materialised (lacuna's
// dense format, CBLAS), both through lc_ffn_forward_ws (each with its workspace allocated once,
// as a model keeps it) on the same n rows, timed alternately in one run; one lacuna-bench-ffn/1
// JSON line or a readable summary.
#include "tool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct ffn_opts {
    int64_t d, n, blocks;
    int threads, reps, warmup;
    uint64_t seed;
    lc_activation act;
    bool json;
} ffn_opts;

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

// Median (mean of the middle two for an even count), min and p90 of t[0 .. reps), sorted.
static lci_timing summarise(double *t, int reps) {
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    lci_timing s = {.reps = reps, .min_s = t[0]};
    s.median_s = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    int p90 = (int)ceil(0.9 * reps) - 1;
    s.p90_s = t[p90 < reps / 2 ? reps / 2 : p90];
    return s;
}

static bool parse(int argc, char **argv, ffn_opts *o) {
    tool_args a;
    int64_t v;
    const char *s;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--d")) {
            if (!tool_args_int(&a, 1, 1 << 20, &o->d)) return false;
        } else if (tool_args_is(&a, "--n")) {
            if (!tool_args_int(&a, 1, 1 << 24, &o->n)) return false;
        } else if (tool_args_is(&a, "--blocks")) {
            if (!tool_args_int(&a, 1, 1 << 20, &o->blocks)) return false;
        } else if (tool_args_is(&a, "--format")) {
            if (!(s = tool_args_value(&a))) return false;
            if (strcmp(s, "monarch") != 0) {
                tool_error("bench ffn: --format %s: only monarch is measured here", s);
                return false;
            }
        } else if (tool_args_is(&a, "--act")) {
            if (!(s = tool_args_value(&a))) return false;
            if (strcmp(s, "gelu-tanh") == 0)
                o->act = LC_ACT_GELU_TANH;
            else if (strcmp(s, "gelu-erf") == 0)
                o->act = LC_ACT_GELU_ERF;
            else {
                tool_error("bench ffn: unknown activation '%s' (gelu-tanh or gelu-erf)", s);
                return false;
            }
        } else if (tool_args_is(&a, "--threads")) {
            if (!tool_args_int(&a, 1, 1024, &v)) return false;
            o->threads = (int)v;
        } else if (tool_args_is(&a, "--reps")) {
            if (!tool_args_int(&a, 1, 100000, &v)) return false;
            o->reps = (int)v;
        } else if (tool_args_is(&a, "--warmup")) {
            if (!tool_args_int(&a, 0, 100000, &v)) return false;
            o->warmup = (int)v;
        } else if (tool_args_is(&a, "--seed")) {
            if (!tool_args_u64(&a, &o->seed)) return false;
        } else if (tool_args_is(&a, "--json")) {
            if (!tool_args_flag(&a)) return false;
            o->json = true;
        } else {
            tool_args_unknown(&a, "bench ffn");
            return false;
        }
    }
    if (o->d % o->blocks) {
        tool_error("bench ffn: %lld blocks do not divide d = %lld", (long long)o->blocks,
                   (long long)o->d);
        return false;
    }
    return true;
}

// A random Monarch weight m×k with b blocks (q = min/b; R/sqrt(k/b), L/sqrt(q)).
static lc_status random_monarch(lc_mat **out, int64_t m, int64_t k, int64_t b, lci_rng *rng) {
    const int64_t q = (m < k ? m : k) / b;
    float *r = NULL, *l = NULL;
    lc_status st;
    if (!(st = lci_alloc_array((void **)&r, (size_t)(q * k), sizeof(float), "R")) &&
        !(st = lci_alloc_array((void **)&l, (size_t)(q * m), sizeof(float), "L"))) {
        const float sr = 1.0f / sqrtf((float)(k / b)), sl = 1.0f / sqrtf((float)q);
        for (int64_t i = 0; i < q * k; i++) r[i] = lci_rng_float(rng) * sr;
        for (int64_t i = 0; i < q * m; i++) l[i] = lci_rng_float(rng) * sl;
        st = lc_mat_create_monarch(out, m, k, b, q, r, l);
    }
    lci_free(r);
    lci_free(l);
    return st;
}

int tool_bench_ffn(int argc, char **argv) {
    ffn_opts o = {.d = 1024,
                  .n = 256,
                  .blocks = 4,
                  .threads = tool_cpu_count(),
                  .reps = 20,
                  .warmup = 2,
                  .seed = 1,
                  .act = LC_ACT_GELU_TANH};
    if (!parse(argc, argv, &o)) return 2;
    char blas[128];
    if (!tool_threads_apply(o.threads, blas, sizeof blas)) return 2;
    const int64_t d = o.d, f = 4 * d, n = o.n;
    lc_mat *up = NULL, *down = NULL, *upd = NULL, *downd = NULL;
    lc_ffn *fm = NULL, *fd = NULL;
    float *x = NULL, *y = NULL, *yd = NULL;
    void *wm = NULL, *wd = NULL;
    size_t wm_size = 0, wd_size = 0;
    double *tm = calloc((size_t)o.reps, sizeof *tm), *td = calloc((size_t)o.reps, sizeof *td);
    int rc = 1;
    lci_rng rng;
    lci_rng_seed(&rng, o.seed);
    lc_status st;
    if (!tm || !td) {
        tool_error("bench ffn: out of memory");
        goto done;
    }
    if ((st = random_monarch(&up, f, d, o.blocks, &rng)) ||
        (st = random_monarch(&down, d, f, o.blocks, &rng)) ||
        (st = lc_mat_convert(&upd, up, LC_FORMAT_DENSE, NULL)) ||
        (st = lc_mat_convert(&downd, down, LC_FORMAT_DENSE, NULL)) ||
        (st = lc_ffn_create(&fm, up, NULL, down, o.act, NULL, NULL, NULL)) ||
        (st = lc_ffn_create(&fd, upd, NULL, downd, o.act, NULL, NULL, NULL)) ||
        (st = lci_alloc_array((void **)&x, (size_t)(n * d), sizeof(float), "X")) ||
        (st = lci_alloc_array((void **)&y, (size_t)(n * d), sizeof(float), "Y")) ||
        (st = lci_alloc_array((void **)&yd, (size_t)(n * d), sizeof(float), "dense Y")) ||
        (st = lc_ffn_workspace_size(fm, n, &wm_size)) ||
        (st = lc_ffn_workspace_size(fd, n, &wd_size)) ||
        (st = lci_alloc_array(&wm, wm_size ? wm_size : 1, 1, "Monarch FFN workspace")) ||
        (st = lci_alloc_array(&wd, wd_size ? wd_size : 1, 1, "dense FFN workspace"))) {
        rc = tool_lib_error("bench ffn", st);
        goto done;
    }
    for (int64_t i = 0; i < n * d; i++) x[i] = lci_rng_float(&rng);
    // Alternate the two so that a noisy machine slows both alike.
    for (int r = -o.warmup; r < o.reps; r++) {
        double t0 = lci_now();
        if ((st = lc_ffn_forward_ws(fm, n, x, d, y, d, wm, wm_size))) break;
        double t1 = lci_now();
        if ((st = lc_ffn_forward_ws(fd, n, x, d, yd, d, wd, wd_size))) break;
        double t2 = lci_now();
        if (r >= 0) tm[r] = t1 - t0, td[r] = t2 - t1;
    }
    if (st) {
        rc = tool_lib_error("lc_ffn_forward_ws", st);
        goto done;
    }
    double diff = 0, big = 0;
    for (int64_t i = 0; i < n * d; i++) {
        diff = fmax(diff, fabs((double)y[i] - yd[i]));
        big = fmax(big, fabs((double)yd[i]));
    }
    const lci_timing a = summarise(tm, o.reps), b = summarise(td, o.reps);
    struct lc_mat_info iu, idn;
    lc_mat_info(up, &iu), lc_mat_info(down, &idn);
    const int64_t params = iu.stored + idn.stored, dense_params = 2 * f * d;
    const double speedup = b.median_s / a.median_s, ratio = (double)dense_params / (double)params;
    if (o.json) {
        tool_json j;
        tool_json_begin(&j);
        tool_json_str(&j, "schema", "lacuna-bench-ffn/1");
        tool_json_str(&j, "op", "ffn");
        tool_json_str(&j, "format", "monarch");
        tool_json_open(&j, "params");
        tool_json_int(&j, "blocks", o.blocks);
        tool_json_int(&j, "q", iu.stored / (f + d));
        tool_json_close(&j);
        tool_json_int(&j, "d_model", d);
        tool_json_int(&j, "d_ff", f);
        tool_json_int(&j, "n", n);
        tool_json_str(&j, "act", o.act == LC_ACT_GELU_TANH ? "gelu-tanh" : "gelu-erf");
        tool_json_int(&j, "threads", lc_threads_get());
        tool_json_str(&j, "isa", lc_isa_name(lc_isa_get()));
        tool_json_str(&j, "blas", blas);
        tool_json_str(&j, "cpu", tool_cpu_name());
        tool_json_int(&j, "reps", o.reps);
        tool_json_int(&j, "warmup", o.warmup);
        tool_json_u64(&j, "seed", o.seed);
        tool_json_num(&j, "time_s", a.median_s);
        tool_json_num(&j, "time_min_s", a.min_s);
        tool_json_num(&j, "time_p90_s", a.p90_s);
        tool_json_num(&j, "dense_time_s", b.median_s);
        tool_json_num(&j, "dense_time_min_s", b.min_s);
        tool_json_num(&j, "dense_time_p90_s", b.p90_s);
        tool_json_num(&j, "speedup", speedup);
        tool_json_int(&j, "weights", params);
        tool_json_int(&j, "dense_weights", dense_params);
        tool_json_num(&j, "param_ratio", ratio);
        tool_json_num(&j, "efficiency", speedup / ratio);
        tool_json_num(&j, "max_rel_diff", big > 0 ? diff / big : diff);
        if (!tool_json_end(&j, stdout)) {
            tool_error("bench ffn: cannot write the JSON line");
            goto done;
        }
    } else {
        printf("bench ffn: d = %lld, d_ff = %lld, n = %lld, %s, Monarch with %lld blocks\n",
               (long long)d, (long long)f, (long long)n,
               o.act == LC_ACT_GELU_TANH ? "gelu-tanh" : "gelu-erf", (long long)o.blocks);
        printf("  machine   %s, %d threads, isa %s; blas %s\n", tool_cpu_name(), lc_threads_get(),
               lc_isa_name(lc_isa_get()), blas);
        printf("  monarch   %.4g ms median (min %.4g, p90 %.4g; %d reps)  %lld weights\n",
               a.median_s * 1e3, a.min_s * 1e3, a.p90_s * 1e3, o.reps, (long long)params);
        printf("  dense     %.4g ms median (min %.4g, p90 %.4g)  %lld weights\n", b.median_s * 1e3,
               b.min_s * 1e3, b.p90_s * 1e3, (long long)dense_params);
        printf("  speedup   %.3gx (parameter ratio %.3gx, efficiency %.3g); max rel diff %.2g\n",
               speedup, ratio, speedup / ratio, big > 0 ? diff / big : diff);
    }
    rc = 0;
done:
    lc_ffn_free(fm), lc_ffn_free(fd);
    lc_mat_free(up), lc_mat_free(down), lc_mat_free(upd), lc_mat_free(downd);
    lci_free(x), lci_free(y), lci_free(yd);
    lci_free(wm), lci_free(wd);
    free(tm), free(td);
    return rc;
}
