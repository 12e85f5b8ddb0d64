// lacuna.c: the command-line tool's entry point: dispatches to one file per subcommand.
#include "tool.h"
#include "core/mat.h"

#include <string.h>

static void usage(FILE *f) {
    fprintf(
        f,
        "usage: lacuna <command> [options]\n"
        "commands:\n"
        "  bench mm       time Y = A·X (beta = 0) in one format against the same product "
        "by dense CBLAS\n"
        "                 --format dense|coo|csr|bsr|nm|lowrank|monarch|sum|butterfly|\n"
        "                 circulant|toeplitz  --density D (0,1]  --m M --k K --n N\n"
        "                 lowrank: --rank R (default 32; random U, V; the dense peer\n"
        "                 multiplies U·Vᵀ materialised)  sum: a uniform CSR at --density plus\n"
        "                 a lowrank of --rank (W + U·Vᵀ, the LoRA / Scatterbrain case)\n"
        "                 butterfly: random orthogonal factors from --seed, size the power of\n"
        "                 two holding M and K (the M x K corner); the dense peer multiplies\n"
        "                 the materialised matrix\n"
        "                 circulant (--k = --m), toeplitz: random first column (and row)\n"
        "                 from --seed, applied by FFTW; the dense peer multiplies the\n"
        "                 materialised matrix, and a raw FFTW peer (same transforms, one\n"
        "                 thread) gives fft_peer_time_s and fft_peer_ratio\n"
        "                 monarch: --blocks B (default: the largest divisor of gcd(M, K) up\n"
        "                 to sqrt(min(M, K)); random factors, q = min(M, K)/B)\n"
        "                 bsr: --block B or BHxBW (tile, default 16; --density is the fraction\n"
        "                 of tiles kept, random tile pattern)\n"
        "                 nm: --nm N:M (default 2:4)  --nm-rows V (rows sharing a pattern,\n"
        "                 default 1); values random, pattern by magnitude\n"
        "                 --pattern uniform|powerlaw (row lengths: even, or Zipf-like with\n"
        "                 weight (rank+1)^-A, --exponent A, default 1.2)\n"
        "                 --mtx FILE (a Matrix Market matrix instead of a random one)\n"
        "                 --optimize (lc_mat_optimize(A, n) once before timing; reports\n"
        "                 optimize_s and extra_bytes)\n"
        "                 --layout cols|rows  --threads T  --reps R  --warmup W  --cold\n"
        "                 --seed S  --isa generic|avx2|avx512  --json\n"
        "                 defaults: csr, uniform, density 0.1, 4096 x 4096, n 256, cols, all\n"
        "                 cores, 10 reps per side (3..9 when slow, up to 50 when fast), 2 "
        "warm-ups, seed 1\n"
        "  bench ffn      the Monarch FFN (up d -> 4d, GELU, down 4d -> d, Monarch weights) "
        "against\n"
        "                 the dense FFN of the same weights, both by lc_ffn_forward, timed\n"
        "                 alternately: --d D (default 1024)  --n N (rows, default 256)\n"
        "                 --format monarch  --blocks B (default 4)  --act gelu-tanh|gelu-erf\n"
        "                 --threads T  --reps R (default 20)  --warmup W  --seed S  --json\n"
        "                 (one lacuna-bench-ffn/1 object)\n"
        "  bench stream   read bandwidth: --threads T  --size-mb S (default 1024)  --reps R  "
        "--json\n"
        "  convert IN OUT between .mtx (.mtx.gz) and .npy (2-D float arrays); "
        "--format dense|coo|csr\n"
        "                 picks what a .mtx output stores (dense: array, else coordinate)\n"
        "  gen OUT        writes the random matrix bench mm would use (same options, same\n"
        "                 seed) as Matrix Market: --m --k --density --pattern --exponent --seed;\n"
        "                 OUT is a .mtx file, or a directory that receives NAME.mtx (NAME as\n"
        "                 in bench mm's \"matrix\" field); prints the path written\n"
        "  generate stories260k  greedy text from the TinyStories Llama (BOS, then the prompt)\n"
        "                 and the tokens/s of the generation alone: --prompt TEXT  --tokens N\n"
        "                 (default 256; stops earlier at the end of a story or of the 512-token\n"
        "                 context)  --threads T (default 1)  --data DIR (default $LACUNA_DATA,\n"
        "                 else ../shared/data/nn from the current directory)\n"
        "                 --pattern P (prune every weight but the embedding first, as\n"
        "                 prune-eval's patterns)  --format F (every weight converted, nothing\n"
        "                 pruned)  --json (one lacuna-generate/1 object instead of the text)\n"
        "  report         the sparsity-paradox table (CSR 4096 x 4096, 50..99%%, n = 256 and "
        "1),\n"
        "                 the structured families (n = 256) and the accuracy cost of the\n"
        "                 chapter's pruning patterns on the MNIST models ($LACUNA_DATA)\n"
        "                 --quick (3 reps)  --json FILE (every measurement)  --threads T\n"
        "                 --size S (M = K = S instead of 4096, for quick checks)\n"
        "  prune-eval MODEL  prune a real model's weights by magnitude and score it before and\n"
        "                 after: MODEL mnist-mlp|lenet5|stories260k; --pattern dense|\n"
        "                 unstructured:S|unstructured-rows:S|block<B>:S|block<BH>x<BW>:S|\n"
        "                 nm:N:M[:vV]|rows:S (S = fraction removed; block<B>-l1:S ranks by L1)\n"
        "                 or a projection of each matrix: lowrank:R (truncated SVD, rank R)|\n"
        "                 monarch:B (B blocks)\n"
        "                 --budget F (keep F of each layer's weights: --pattern is then a family,\n"
        "                 unstructured|unstructured-rows|block<B>|nm|rows|lowrank|monarch)\n"
        "                 --layers all|NAME,... (as the .npy files; all = every weight but the\n"
        "                 token embedding, and for rows: also not the output layer)\n"
        "                 --finetune (MNIST: train kept weights on test images 0..4999, score\n"
        "                 on 5000..9999)  --data DIR (default $LACUNA_DATA or ../shared/data/nn)\n"
        "                 --threads T  --reps R (timed evaluations, median; default 1)  --json\n"
        "  version        the library version and the kernels in use\n"
        "  help           this text\n"
        "JSON lines follow the lacuna-bench/1 schema (DESIGN.md, docs/benchmarks.md).\n");
}

static int bench(int argc, char **argv) {
    if (argc < 3) {
        tool_error("bench: which benchmark? (mm, stream or ffn)");
        return 2;
    }
    if (strcmp(argv[2], "mm") == 0) return tool_bench_mm(argc - 1, argv + 1);
    if (strcmp(argv[2], "stream") == 0) return tool_bench_stream(argc - 1, argv + 1);
    if (strcmp(argv[2], "ffn") == 0) return tool_bench_ffn(argc - 1, argv + 1);
    tool_error("bench: unknown benchmark '%s' (mm, stream or ffn)", argv[2]);
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        tool_error("no command given (lacuna help lists them)");
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "bench") == 0) return bench(argc, argv);
    if (strcmp(cmd, "convert") == 0) return tool_convert(argc, argv);
    if (strcmp(cmd, "gen") == 0) return tool_gen(argc, argv);
    if (strcmp(cmd, "generate") == 0) return tool_generate(argc, argv);
    if (strcmp(cmd, "report") == 0) return tool_report(argc, argv);
    if (strcmp(cmd, "prune-eval") == 0) return tool_prune_eval(argc, argv);
    if (strcmp(cmd, "version") == 0) {
        printf("lacuna %s (isa %s, csr kernels %s / %s)\n", lc_version(), lc_isa_name(lc_isa_get()),
               lci_kernel_name(LCI_KERNEL_CSR_MM), lci_kernel_name(LCI_KERNEL_CSR_MV));
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    tool_error("unknown command '%s' (lacuna help lists them)", cmd);
    return 2;
}
