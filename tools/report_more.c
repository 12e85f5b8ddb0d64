// report_more.c: the two other chapter tables of `lacuna report`: "when structure beats
// sparsity" (section 10.6.3: every family at the report's size, n = 256, through the bench mm
// engine) and the accuracy cost of the chapter's pruning patterns (section 10.3.3: prune-eval
// on the MNIST MLP and LeNet-5, when the data directory is there).
#include "tool.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct family {
    const char *name, *chapter_storage, *chapter_efficiency;
    lc_format format;
    double density;
    int32_t block, nm_n, nm_m, rank, monarch_blocks;
} family;

static const family families[] = {
    {"dense", "n²", "100% (baseline)", LC_FORMAT_DENSE, 0.1, 0, 0, 0, 0, 0},
    {"random 90% sparse (CSR, optimized)", "~0.2n²", "20–30% of theoretical", LC_FORMAT_CSR, 0.1, 0,
     0, 0, 0, 0},
    {"block sparse 16×16, 50%", "0.5n²", "70–80% of theoretical", LC_FORMAT_BSR, 0.5, 16, 0, 0, 0,
     0},
    {"2:4 structured", "0.5n²", "100% (hardware support)", LC_FORMAT_NM, 0.5, 0, 2, 4, 0, 0},
    {"low-rank (r = 32)", "64n", "100% (dense GEMMs)", LC_FORMAT_LOWRANK, 0.1, 0, 0, 0, 32, 0},
    {"butterfly", "O(n log n)", "~80% (structured sparse)", LC_FORMAT_BUTTERFLY, 0.1, 0, 0, 0, 0,
     0},
    {"Monarch (64 blocks)", "O(n√n)", "~90% (block GEMMs)", LC_FORMAT_MONARCH, 0.1, 0, 0, 0, 0, 64},
};
enum { NFAMILY = sizeof families / sizeof families[0] };

int tool_report_structure(const tool_mm_opts *base, FILE *jf) {
    tool_mm_result res[NFAMILY];
    for (int f = 0; f < NFAMILY; f++) {
        const family *fa = &families[f];
        tool_mm_opts o = *base;
        o.n = 256;
        o.format = o.rnd.format = fa->format;
        o.rnd.density = fa->density;
        o.rnd.block_rows = o.rnd.block_cols = fa->block;
        o.rnd.nm_n = fa->nm_n, o.rnd.nm_m = fa->nm_m;
        o.rnd.rank = fa->rank;
        // 64 blocks need 64 | M and K; smaller report sizes take the default block count.
        o.rnd.monarch_blocks = o.rnd.m % 64 == 0 && o.rnd.k % 64 == 0 ? fa->monarch_blocks : 0;
        o.optimize = fa->format == LC_FORMAT_CSR;
        fprintf(stderr, "report: %s, n = 256 ...\n", fa->name);
        if (!tool_mm_run(&o, &res[f])) return 1;
        if (jf && !tool_mm_json(&o, &res[f], jf)) return tool_error("report: cannot write JSON"), 1;
    }
    printf("\n## When structure beats sparsity (chapter section 10.6.3) on this machine\n\n");
    printf("%lld x %lld, n = 256, vectors as columns, %d threads; speedup = CBLAS dense time / "
           "lacuna time in the same run; efficiency = speedup / theoretical.\n\n",
           (long long)base->rnd.m, (long long)base->rnd.k, res[0].threads);
    printf("| family | stored | chapter: storage | theoretical | measured speedup | "
           "efficiency | chapter: efficiency |\n|---|---:|---|---:|---:|---:|---|\n");
    for (int f = 0; f < NFAMILY; f++) {
        const tool_mm_result *r = &res[f];
        double mk = (double)r->m * (double)r->k, sp = tool_mm_speedup(r);
        double th = tool_mm_theoretical(r);
        printf("| %s | %.4g·n² | %s | %.3g× | %.3g× | %.0f%% | %s |\n", families[f].name,
               (double)r->info.stored / mk, families[f].chapter_storage, th, sp, 100 * sp / th,
               families[f].chapter_efficiency);
    }
    return 0;
}

// The chapter's four patterns at its sparsities, one shot (no fine-tuning).
static const char *const patterns[] = {"unstructured:0.9", "block16:0.75", "block64:0.5", "nm:2:4"};
static const char *const claims[] = {"1–2%", "1–2%", "1–2%", "<1%"};
static const char *const models[] = {"mnist-mlp", "lenet5"};

int tool_report_accuracy(int threads) {
    const char *data = tool_data_dir(NULL);
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/mnist_dataset/t10k-labels-idx1-ubyte.gz", data);
    FILE *f = fopen(probe, "rb");
    if (!f) {
        printf("\n(The accuracy table needs the data directory %s; set LACUNA_DATA.)\n", data);
        return 0;
    }
    fclose(f);
    printf("\n## The accuracy cost of pruning (chapter section 10.3.3) on real models\n\n");
    printf("Each weight layer pruned on its own by magnitude, one shot, no retraining "
           "(`lacuna prune-eval`; fine-tuned figures in docs/benchmarks.md). Chapter: "
           "ResNet-50 after retraining.\n\n");
    printf("| pattern | chapter drop | mnist-mlp | lenet5 |\n|---|---:|---:|---:|\n");
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        char cell[2][64];
        for (int m = 0; m < 2; m++) {
            tool_eval_opts o = {.model = models[m],
                                .pattern = patterns[p],
                                .layers = "all",
                                .data = data,
                                .threads = threads,
                                .reps = 1};
            tool_prune_pattern pat;
            tool_eval_result r;
            fprintf(stderr, "report: %s %s ...\n", models[m], patterns[p]);
            if (!tool_prune_pattern_parse(patterns[p], 0, &pat) ||
                tool_prune_eval_run(&o, &pat, &r))
                return 1;
            snprintf(cell[m], sizeof cell[m], "%.2f%% → %.2f%% (−%.2f pp)", 100 * r.dense.value,
                     100 * r.pruned.value, 100 * (r.dense.value - r.pruned.value));
        }
        printf("| `%s` | %s | %s | %s |\n", patterns[p], claims[p], cell[0], cell[1]);
    }
    return 0;
}
