// bench_mm.c: `lacuna bench mm`: options, then one measurement (bench_mm_run.c) printed as a
// lacuna-bench/1 JSON line or as a readable summary.
#include "tool.h"

#include <math.h>
#include <string.h>

static const char *const isa_names[] = {"generic", "avx2", "avx512"};

bool tool_mm_json(const tool_mm_opts *o, const tool_mm_result *r, FILE *f) {
    const struct lc_mat_info *in = &r->info;
    double mk = (double)r->m * (double)r->k, n = (double)r->n, t = r->t.median_s;
    double speedup = tool_mm_speedup(r), theory = tool_mm_theoretical(r);
    // Bytes of one apply: A as executed (after lc_mat_optimize when it ran), X read, Y written
    // (beta = 0: Y is not read).
    double bytes = (double)r->a_bytes + ((double)r->k + (double)r->m) * n * sizeof(float);
    tool_json j;
    tool_json_begin(&j);
    tool_json_str(&j, "schema", "lacuna-bench/1");
    tool_json_str(&j, "op", "mm");
    tool_json_str(&j, "format", lc_format_name(in->format));
    tool_json_open(&j, "params");
    lc_mat_params sp = tool_random_params(&o->rnd);
    if (in->format == LC_FORMAT_BSR) {
        tool_json_int(&j, "block_rows", sp.block_rows ? sp.block_rows : 16);
        tool_json_int(&j, "block_cols",
                      sp.block_cols   ? sp.block_cols
                      : sp.block_rows ? sp.block_rows
                                      : 16);
    } else if (in->format == LC_FORMAT_NM) {
        int32_t nm_m = sp.nm_m ? sp.nm_m : 4;
        tool_json_int(&j, "nm_n", sp.nm_n ? sp.nm_n : nm_m / 2);
        tool_json_int(&j, "nm_m", nm_m);
        tool_json_int(&j, "nm_rows", sp.nm_rows ? sp.nm_rows : 1);
    } else if (in->format == LC_FORMAT_LOWRANK || in->format == LC_FORMAT_SUM) {
        tool_json_int(&j, "rank", sp.rank);
    } else if (r->has_fft_peer) {
        tool_json_int(&j, "fft_len", r->fft_len);
    } else if (in->format == LC_FORMAT_MONARCH) {
        // b = M / (rows of an L block); q from the stored count q·(M + K)
        tool_json_int(&j, "blocks", r->monarch_blocks);
        tool_json_int(&j, "q", in->stored / (r->m + r->k));
    }
    if (o->mtx) {
        tool_json_str(&j, "mtx", o->mtx);
    } else {
        tool_json_str(&j, "pattern", tool_pattern_name(o->rnd.pattern));
        tool_json_num(&j, "density", o->rnd.density);
        if (o->rnd.pattern == TOOL_PATTERN_POWERLAW) tool_json_num(&j, "exponent", o->rnd.exponent);
        tool_json_u64(&j, "seed", o->rnd.seed);
    }
    tool_json_close(&j);
    tool_json_str(&j, "matrix", r->matrix);
    tool_json_int(&j, "m", r->m);
    tool_json_int(&j, "k", r->k);
    tool_json_int(&j, "n", r->n);
    tool_json_str(&j, "layout", o->layout == LC_LAYOUT_COLS ? "cols" : "rows");
    tool_json_num(&j, "density", (double)in->stored / mk);
    tool_json_num(&j, "sparsity", 1.0 - (double)in->stored / mk);
    tool_json_int(&j, "nnz", in->stored);
    tool_json_int(&j, "threads", r->threads);
    tool_json_str(&j, "isa", r->isa);
    tool_json_str(&j, "kernel", r->kernel);
    tool_json_str(&j, "blas", r->blas);
    tool_json_str(&j, "cpu", tool_cpu_name());
    tool_json_str(&j, "storage", r->a_layout); // the internal layout lc_mat_info reports
    tool_json_int(&j, "reps", r->reps);
    if (r->has_dense) tool_json_int(&j, "dense_reps", r->dense_reps);
    tool_json_int(&j, "warmup", r->warmup);
    tool_json_bool(&j, "cold", o->cold);
    tool_json_num(&j, "beta", 0.0);
    tool_json_num(&j, "time_s", t);
    tool_json_num(&j, "time_min_s", r->t.min_s);
    tool_json_num(&j, "time_p90_s", r->t.p90_s);
    tool_json_bool(&j, "optimized", o->optimize);
    if (o->optimize) tool_json_num(&j, "optimize_s", r->optimize_s);
    tool_json_int(&j, "bytes", r->a_bytes);
    tool_json_int(&j, "extra_bytes", in->extra_bytes);
    tool_json_num(&j, "dense_time_s", r->has_dense ? r->dense_t.median_s : NAN);
    tool_json_num(&j, "speedup", speedup);
    tool_json_num(&j, "theoretical_speedup", theory);
    tool_json_num(&j, "efficiency", speedup / theory);
    tool_json_num(&j, "gflops", in->flops_per_col * n / t * 1e-9);
    tool_json_num(&j, "executed_gflops", in->exec_flops_per_col * n / t * 1e-9);
    tool_json_num(&j, "gbytes_per_s", bytes / t * 1e-9);
    tool_json_num(&j, "max_rel_err", r->max_rel_err);
    tool_json_num(&j, "dense_max_rel_err", r->dense_max_rel_err);
    tool_json_int(&j, "err_vectors", r->err_vectors);
    if (r->has_fft_peer) {
        // The raw FFTW peer (bench_mm_fft.c): fft_peer_ratio = time_s / fft_peer_time_s.
        tool_json_num(&j, "fft_peer_time_s", r->fft_peer_t.median_s);
        tool_json_num(&j, "fft_peer_ratio", t / r->fft_peer_t.median_s);
    }
    return tool_json_end(&j, f);
}

static void print_summary(const tool_mm_opts *o, const tool_mm_result *r) {
    const struct lc_mat_info *in = &r->info;
    double mk = (double)r->m * (double)r->k, n = (double)r->n, t = r->t.median_s;
    double bytes = (double)r->a_bytes + ((double)r->k + (double)r->m) * n * sizeof(float);
    printf("bench mm: %s %lld x %lld, %lld stored (density %.4g), n = %lld, %s layout\n",
           lc_format_name(in->format), (long long)r->m, (long long)r->k, (long long)in->stored,
           (double)in->stored / mk, (long long)r->n, o->layout == LC_LAYOUT_COLS ? "cols" : "rows");
    if (o->mtx)
        printf("  matrix    %s\n", o->mtx);
    else
        printf("  matrix    random %s (%s)\n", tool_pattern_name(o->rnd.pattern), r->matrix);
    if (o->optimize)
        printf("  optimize  lc_mat_optimize(A, %lld): %.4g ms, %lld extra bytes; A reads %lld "
               "bytes per apply\n",
               (long long)r->n, r->optimize_s * 1e3, (long long)in->extra_bytes,
               (long long)r->a_bytes);
    printf("  machine   %s, %d threads, isa %s (%s)\n", tool_cpu_name(), r->threads, r->isa,
           r->kernel);
    printf("  blas      %s\n", r->blas);
    printf("  lacuna    %.4g ms median (min %.4g, p90 %.4g; %d reps, %s)  %.3g GFLOP/s  "
           "%.3g GB/s\n",
           t * 1e3, r->t.min_s * 1e3, r->t.p90_s * 1e3, r->reps, o->cold ? "cold" : "warm",
           in->flops_per_col * n / t * 1e-9, bytes / t * 1e-9);
    double theory = tool_mm_theoretical(r);
    if (r->has_dense) {
        double s = tool_mm_speedup(r);
        printf("  dense     %.4g ms median (min %.4g, p90 %.4g)  CBLAS %s\n",
               r->dense_t.median_s * 1e3, r->dense_t.min_s * 1e3, r->dense_t.p90_s * 1e3,
               r->n == 1 ? "sgemv" : "sgemm");
        printf("  speedup   %.3gx (theoretical %.3gx, efficiency %.3g)\n", s, theory, s / theory);
    } else {
        printf("  dense     skipped (the dense array would exceed 4 GiB); theoretical "
               "speedup %.3gx\n",
               theory);
    }
    if (r->has_fft_peer)
        printf("  raw fftw  %.4g ms median (FFT length %lld, one thread): lacuna takes %.3gx its "
               "time\n",
               r->fft_peer_t.median_s * 1e3, (long long)r->fft_len, t / r->fft_peer_t.median_s);
    printf("  error     max_rel_err %.2g", r->max_rel_err);
    if (r->has_dense) printf(" (dense peer %.2g)", r->dense_max_rel_err);
    printf(", reference on %lld of %lld vectors\n", (long long)r->err_vectors, (long long)r->n);
}

static bool parse_isa(const char *s, int *isa) {
    for (int i = 0; i < 3; i++)
        if (strcmp(s, isa_names[i]) == 0) return (*isa = i), true;
    tool_error("bench mm: unknown isa '%s' (generic, avx2 or avx512)", s);
    return false;
}

// Parses argv[2..] (after "bench mm") into *o; prints the error and returns false on bad input.
static bool parse(int argc, char **argv, tool_mm_opts *o, bool *json) {
    tool_args a;
    const char *s;
    int64_t v;
    bool shape = false, exponent = false;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--format")) {
            if (!(s = tool_args_value(&a))) return false;
            if (lc_format_parse(s, &o->format)) {
                tool_error("bench mm: unknown format '%s' (dense, coo, csr, bsr, nm, lowrank, "
                           "monarch, sum, butterfly, circulant, toeplitz)",
                           s);
                return false;
            }
            o->rnd.format = o->format; // bsr and nm matrices are generated in their format
        } else if (tool_random_is(&a)) {
            if (!tool_random_option(&a, &o->rnd, &shape, &exponent)) return false;
        } else if (tool_args_is(&a, "--n")) {
            if (!tool_args_int(&a, 1, INT32_MAX, &v)) return false;
            o->n = v;
        } else if (tool_args_is(&a, "--layout")) {
            if (!(s = tool_args_value(&a))) return false;
            if (strcmp(s, "cols") == 0)
                o->layout = LC_LAYOUT_COLS;
            else if (strcmp(s, "rows") == 0)
                o->layout = LC_LAYOUT_ROWS;
            else {
                tool_error("bench mm: unknown layout '%s' (cols or rows)", s);
                return false;
            }
        } else if (tool_args_is(&a, "--threads")) {
            if (!tool_args_int(&a, 1, 1024, &v)) return false;
            o->threads = (int)v;
        } else if (tool_args_is(&a, "--reps")) {
            if (!tool_args_int(&a, 1, 1000000, &v)) return false;
            o->reps = (int)v;
        } else if (tool_args_is(&a, "--warmup")) {
            if (!tool_args_int(&a, 0, 1000000, &v)) return false;
            o->warmup = (int)v;
        } else if (tool_args_is(&a, "--cold")) {
            if (!tool_args_flag(&a)) return false;
            o->cold = true;
        } else if (tool_args_is(&a, "--seed")) {
            if (!tool_args_u64(&a, &o->rnd.seed)) return false;
        } else if (tool_args_is(&a, "--optimize")) {
            if (!tool_args_flag(&a)) return false;
            o->optimize = true;
        } else if (tool_args_is(&a, "--isa")) {
            if (!(s = tool_args_value(&a)) || !parse_isa(s, &o->isa)) return false;
        } else if (tool_args_is(&a, "--mtx")) {
            if (!(o->mtx = tool_args_value(&a))) return false;
        } else if (tool_args_is(&a, "--json")) {
            if (!tool_args_flag(&a)) return false;
            *json = true;
        } else {
            tool_args_unknown(&a, "bench mm");
            return false;
        }
    }
    if (o->mtx && shape) {
        tool_error("bench mm: --mtx gives the matrix; --m, --k, --density, --pattern and "
                   "--exponent do not apply");
        return false;
    }
    if (o->format == LC_FORMAT_CIRCULANT && !o->mtx && o->rnd.k != o->rnd.m) {
        tool_error("bench mm: a circulant is square: --k must equal --m");
        return false;
    }
    if (exponent && o->rnd.pattern != TOOL_PATTERN_POWERLAW) {
        tool_error("bench mm: --exponent applies to --pattern powerlaw only");
        return false;
    }
    if (!lc_format_supports(o->format, o->layout)) {
        tool_error("bench mm: format %s is not available in this build for the %s layout",
                   lc_format_name(o->format), o->layout == LC_LAYOUT_COLS ? "cols" : "rows");
        return false;
    }
    return true;
}

int tool_bench_mm(int argc, char **argv) {
    tool_mm_opts o;
    tool_mm_result r;
    bool json = false;
    tool_mm_defaults(&o);
    if (!parse(argc, argv, &o, &json)) return 2;
    if (!tool_mm_run(&o, &r)) return 1;
    if (json) {
        if (!tool_mm_json(&o, &r, stdout)) {
            tool_error("bench mm: cannot write the JSON line");
            return 1;
        }
    } else {
        print_summary(&o, &r);
    }
    return 0;
}
