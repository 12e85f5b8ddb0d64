// report.c: `lacuna report`: the sparsity-paradox sweep (CSR 4096×4096, sparsity 50..99%, at
// n = 256 and n = 1, all threads, plain and after lc_mat_optimize) through the bench mm engine,
// printed as a markdown table beside the chapter's section 10.1 figures (the columns of
// scripts/bench_tables.py's "paradox" table); then the structured families and the accuracy
// table (report_more.c). Every product measurement is optionally saved as JSON lines.
#include "tool.h"

#include <math.h>
#include <string.h>

#define NSWEEP 5
static const double densities[NSWEEP] = {0.5, 0.3, 0.1, 0.05, 0.01};
static const int sparsity_pct[NSWEEP] = {50, 70, 90, 95, 99};
// Section 10.1's "actual speedup" column (it has no row for 70%).
static const double chapter_actual[NSWEEP] = {1.1, NAN, 1.8, 2.3, 3.5};
static const int64_t widths[2] = {256, 1};

// "2.35×" (three significant digits, as scripts/bench_tables.py prints), or "—".
static const char *times(char *buf, size_t size, double v) {
    if (!isfinite(v))
        snprintf(buf, size, "—");
    else
        snprintf(buf, size, "%.3g×", v);
    return buf;
}

static const char *plain(char *buf, size_t size, double v) {
    if (!isfinite(v))
        snprintf(buf, size, "—");
    else
        snprintf(buf, size, "%.2g", v);
    return buf;
}

// "plain / optimized" speedups of one cell.
static const char *pair(char *buf, size_t size, const tool_mm_result r[2]) {
    char a[16], b[16];
    snprintf(buf, size, "%s / %s", times(a, sizeof a, tool_mm_speedup(&r[0])),
             times(b, sizeof b, tool_mm_speedup(&r[1])));
    return buf;
}

static void print_table(const tool_mm_opts *o, tool_mm_result res[NSWEEP][2][2], bool quick) {
    printf("## The sparsity paradox on this machine\n\n");
    printf("CSR %lld x %lld, random uniform sparsity, vectors as columns, %d threads, %s; "
           "speedup = CBLAS dense time / lacuna time, medians of one run (%s); plain, and "
           "after lc_mat_optimize.\n",
           (long long)o->rnd.m, (long long)o->rnd.k, res[0][0][0].threads, tool_cpu_name(),
           quick ? "lacuna report --quick" : "lacuna report");
    printf("BLAS: %s; lacuna isa %s.\n\n", res[0][0][0].blas, res[0][0][0].isa);
    printf("| sparsity | theoretical speedup | chapter 10.1 actual | "
           "lacuna n=256 (plain / optimized) | lacuna n=1 (plain / optimized) | "
           "efficiency n=256 | efficiency n=1 |\n");
    printf("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int s = 0; s < NSWEEP; s++) {
        char b[6][64];
        const tool_mm_result *wide = &res[s][0][1], *one = &res[s][1][1];
        double theory = tool_mm_theoretical(wide);
        printf("| %d%% | %s | %s | %s | %s | %s | %s |\n", sparsity_pct[s], times(b[0], 64, theory),
               times(b[1], 64, chapter_actual[s]), pair(b[2], 64, res[s][0]),
               pair(b[3], 64, res[s][1]), plain(b[4], 64, tool_mm_speedup(wide) / theory),
               plain(b[5], 64, tool_mm_speedup(one) / tool_mm_theoretical(one)));
    }
}

int tool_report(int argc, char **argv) {
    bool quick = false;
    const char *json_path = NULL;
    tool_mm_opts o;
    tool_mm_defaults(&o);
    tool_args a;
    int64_t v;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--quick")) {
            if (!tool_args_flag(&a)) return 2;
            quick = true;
        } else if (tool_args_is(&a, "--json")) {
            if (!(json_path = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--threads")) {
            if (!tool_args_int(&a, 1, 1024, &v)) return 2;
            o.threads = (int)v;
        } else if (tool_args_is(&a, "--size")) {
            // M = K; smaller than 4096 only for quick checks (the tests).
            if (!tool_args_int(&a, 16, INT32_MAX, &v)) return 2;
            o.rnd.m = o.rnd.k = v;
        } else {
            return tool_args_unknown(&a, "report");
        }
    }
    FILE *jf = NULL;
    if (json_path && !(jf = fopen(json_path, "w"))) {
        tool_error("report: cannot write %s", json_path);
        return 1;
    }
    // --quick: 3 repetitions instead of up to 10; the same shapes, so the table is comparable.
    if (quick) o.reps = 3;
    static tool_mm_result res[NSWEEP][2][2]; // sparsity, n, plain/optimized
    int rc = 0;
    double t0 = lci_now();
    for (int s = 0; s < NSWEEP && rc == 0; s++) {
        for (int w = 0; w < 2 && rc == 0; w++) {
            for (int opt = 0; opt < 2 && rc == 0; opt++) {
                o.rnd.density = densities[s];
                o.n = widths[w];
                o.optimize = opt;
                fprintf(stderr, "report: sparsity %d%%, n = %lld%s ...\n", sparsity_pct[s],
                        (long long)o.n, opt ? ", optimized" : "");
                if (!tool_mm_run(&o, &res[s][w][opt]))
                    rc = 1;
                else if (jf && !tool_mm_json(&o, &res[s][w][opt], jf)) {
                    tool_error("report: cannot write %s", json_path);
                    rc = 1;
                }
            }
        }
    }
    if (rc == 0) print_table(&o, res, quick);
    fflush(stdout);
    if (rc == 0) rc = tool_report_structure(&o, jf);
    fflush(stdout);
    if (rc == 0) rc = tool_report_accuracy(o.threads);
    if (jf && fclose(jf) != 0 && rc == 0) {
        tool_error("report: cannot write %s", json_path);
        rc = 1;
    }
    if (rc) return rc;
    fprintf(stderr, "report: %.0f s\n", lci_now() - t0);
    return 0;
}
