// tool.h: what the subcommands of the lacuna tool share: option parsing, error lines, JSON
// output, the machine description (CPU, BLAS, threads) and the `bench mm` engine.
#ifndef LACUNA_TOOL_H
#define LACUNA_TOOL_H

#include "lacuna.h"
#include "core/internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

// ---- errors (args.c): one line on stderr, "lacuna: ..." ----
void tool_error(const char *fmt, ...) LCI_PRINTF(1, 2);
// "lacuna: <what>: <lc_last_error()> (<status>)"; returns the exit status to use (1).
int tool_lib_error(const char *what, lc_status st);

// ---- option parsing (args.c) ----
// A cursor over argv[first..argc): options are "--name value" or "--name=value".
typedef struct tool_args {
    int argc;
    char **argv;
    int i;            // next argument to read
    const char *name; // the option being read (without its value)
    const char *val;  // its inline "=value", or NULL
} tool_args;

void tool_args_init(tool_args *a, int argc, char **argv, int first);
// Next option: true and a->name set, or false at the end. A non-option argument is returned
// with name set to it as well (callers check for the "--" prefix).
bool tool_args_next(tool_args *a);
// True when the current option is `name` (compared without any "=value").
bool tool_args_is(const tool_args *a, const char *name);
// The value of the current option; prints an error and returns NULL when it is missing.
const char *tool_args_value(tool_args *a);
// Values parsed in full and range-checked; on failure print an error naming the option and
// return false.
bool tool_args_int(tool_args *a, int64_t lo, int64_t hi, int64_t *out);
bool tool_args_double(tool_args *a, double *out);
bool tool_args_u64(tool_args *a, uint64_t *out);
// For an option without value ("--json"): false, after an error, when given "--json=...".
bool tool_args_flag(const tool_args *a);
// Rejects the current option as unknown (prints the error); returns the exit status (2).
int tool_args_unknown(const tool_args *a, const char *command);

// ---- JSON lines (json.c): one object built in memory, printed as one line ----
typedef struct tool_json {
    char *buf;
    size_t len, cap;
    int depth;  // open objects
    bool first; // no member yet in the innermost object
    bool oom;
} tool_json;

void tool_json_begin(tool_json *j);
void tool_json_str(tool_json *j, const char *key, const char *val);
// Finite numbers as %.6g; NaN and infinities as null.
void tool_json_num(tool_json *j, const char *key, double val);
void tool_json_int(tool_json *j, const char *key, int64_t val);
void tool_json_u64(tool_json *j, const char *key, uint64_t val);
void tool_json_bool(tool_json *j, const char *key, bool val);
void tool_json_null(tool_json *j, const char *key);
void tool_json_open(tool_json *j, const char *key); // a nested object
void tool_json_close(tool_json *j);
// Closes every open object, writes the line and a newline to f, frees the buffer. Returns
// false when memory ran out or the write failed.
bool tool_json_end(tool_json *j, FILE *f);

// ---- the machine (sysinfo.c) ----
// Model name from /proc/cpuinfo ("unknown" if absent).
const char *tool_cpu_name(void);
// Processors available to this process (OpenMP's count; 1 without OpenMP).
int tool_cpu_count(void);
// Sets `threads` for lacuna (lc_threads_set), OpenMP and the BLAS; checks at run time that the
// BLAS is OpenBLAS's OpenMP build and runs `threads` threads, warning on stderr otherwise.
// Describes what was found in blas[size], e.g. "OpenBLAS 0.3.21 OpenMP threads=2
// core=Cooperlake". Returns false (after an error line) when threads is invalid.
bool tool_threads_apply(int threads, char *blas, size_t size);

// ---- random matrices (gen.c), shared by bench mm and gen ----
// How row lengths are drawn: evenly spread (lci_random_csr) or by a Zipf-like law over the rows
// (lci_random_csr_powerlaw).
typedef enum tool_pattern { TOOL_PATTERN_UNIFORM, TOOL_PATTERN_POWERLAW } tool_pattern;

typedef struct tool_random_spec {
    tool_pattern pattern;
    int64_t m, k;
    double density;  // in (0, 1]; for --format bsr the fraction of tiles kept
    double exponent; // of the power law (LCI_POWERLAW_EXPONENT by default)
    uint64_t seed;
    // The structure of the formats that have one (lc_mat_params' fields; 0: default):
    // --block B or BHxBW (bsr), --nm N:M and --nm-rows V (nm). A random bsr or nm matrix is
    // generated in that format directly (lci_bsr_random, lci_nm_random).
    lc_format format;
    int32_t block_rows, block_cols, nm_n, nm_m, nm_rows;
    // circulant (square: K = M) and toeplitz: first column (and row) uniform in [-1, 1).
    // --rank R (lowrank, sum; default 32): a random lowrank matrix has U and V uniform in
    // [-1, 1)/sqrt(R); a random sum is a uniform CSR at --density plus such a lowrank (the
    // LoRA / Scatterbrain case).
    int32_t rank;
    // --blocks B (monarch; default: lc_monarch_project's): a random Monarch matrix has B blocks,
    // q = min(M, K)/B, R uniform in [-1, 1)/sqrt(K/B) and L in [-1, 1)/sqrt(q).
    int32_t monarch_blocks;
} tool_random_spec;

// Defaults: uniform, 4096×4096, density 0.1, exponent LCI_POWERLAW_EXPONENT, seed 1.
void tool_random_defaults(tool_random_spec *s);
// True when the current option is one of the spec's: --density, --m, --k, --pattern, --exponent,
// --block, --nm, --nm-rows, --rank, --blocks.
bool tool_random_is(const tool_args *a);
// Reads one of those options (tool_random_is): false, after an error line, when its value is
// bad; sets *given, and *exponent_given for --exponent.
bool tool_random_option(tool_args *a, tool_random_spec *s, bool *given, bool *exponent_given);
const char *tool_pattern_name(tool_pattern p);
// False, after an error line, for an unknown name.
bool tool_pattern_parse(const char *s, tool_pattern *p);
// The matrix `bench mm` and `gen` build from a spec (same spec, same matrix).
lc_status tool_random_matrix(const tool_random_spec *s, lc_mat **out);
// The spec's structure as lc_mat_params (for conversions to its format).
lc_mat_params tool_random_params(const tool_random_spec *s);
// A matrix's name in JSON lines and file names: "uniform-4096x4096-d0.05-s1",
// "powerlaw-4096x4096-d0.05-a1.2-s1" (numbers as %g); for a file, its base name without
// ".gz" and ".mtx" ("MIT8" for .../MIT8.mtx.gz). bench/peer_* name a file the same way.
void tool_random_name(const tool_random_spec *s, char *buf, size_t size);
void tool_file_name(const char *path, char *buf, size_t size);

// ---- bench mm (bench_mm.c) ----
typedef struct tool_mm_opts {
    lc_format format;
    tool_random_spec rnd; // the random matrix (shape, density, pattern, seed)
    int64_t n;
    lc_layout layout;
    int threads;     // >= 1
    int reps;        // 0: chosen per side from a probe run (10; 3..9 when slow, up to 50 when fast)
    int warmup;      // >= 0
    bool cold;       // evict the caches before each repetition
    bool optimize;   // lc_mat_optimize(A, n) once before timing (on a copy of the source)
    int isa;         // lc_isa, or -1 for the level in force
    const char *mtx; // a Matrix Market file instead of a random matrix
} tool_mm_opts;

typedef struct tool_mm_result {
    int64_t m, k, n;
    struct lc_mat_info info; // of the matrix in the benchmarked format (after optimizing)
    // What a product in the benchmarked activation layout reads of A (info's bytes and layout,
    // or bytes_rows and layout_rows: one vector is a rows-layout product in either).
    int64_t a_bytes;
    const char *a_layout;
    double optimize_s; // wall time of lc_mat_optimize (with opts.optimize)
    char matrix[160];  // the matrix's name (tool_random_name, tool_file_name)
    int threads, reps, dense_reps, warmup;
    int64_t monarch_blocks; // b of a Monarch matrix (0 for other formats)
    char isa[16], kernel[64], blas[128];
    lci_timing t;             // lacuna
    bool has_dense;           // false when the dense peer was skipped (array above 4 GiB)
    lci_timing dense_t;       // CBLAS on the dense copy
    double max_rel_err;       // lacuna against the double-precision reference
    double dense_max_rel_err; // the dense peer against the same reference
    int64_t err_vectors;      // vectors the reference covered (n when all)
    // Circulant and Toeplitz: the FFT length and the raw FFTW peer (bench_mm_fft.c), timed on
    // the same X with the same repetitions, one thread.
    int64_t fft_len;
    bool has_fft_peer;
    lci_timing fft_peer_t;
} tool_mm_result;

// Defaults: csr, uniform density 0.1, 4096×4096, n 256, cols, all cores, automatic reps,
// 2 warm-ups, seed 1, not optimized.
void tool_mm_defaults(tool_mm_opts *o);
// Builds the matrix and operands, times lacuna and the dense peer, checks the error. On failure
// prints the error line and returns false.
bool tool_mm_run(const tool_mm_opts *o, tool_mm_result *r);
// The lacuna-bench/1 object of one run, as one line.
bool tool_mm_json(const tool_mm_opts *o, const tool_mm_result *r, FILE *f);
// Derived figures (NAN where undefined: no dense peer, no flops).
double tool_mm_speedup(const tool_mm_result *r);
double tool_mm_theoretical(const tool_mm_result *r);

// ---- bench mm pieces (bench_mm_ref.c) ----
// The dense peer's product: Y = A·X by CBLAS with A dense row-major M×K (lda = K).
void tool_dense_mm(lc_layout layout, int64_t m, int64_t k, int64_t n, const float *a,
                   const float *x, float *y);
// max|Y − Y_ref| / max|Y_ref| over all rows and `nv` evenly spaced vectors of n (j = t·n/nv),
// Y_ref computed in double from the matrix's stored entries. Y is M×n (cols) or n×M (rows).
// Two outputs y1 and y2 (y2 may be NULL) are checked against the same reference.
lc_status tool_ref_error(const lc_mat *a, lc_layout layout, int64_t n, int64_t nv, const float *x,
                         const float *y1, const float *y2, double *err1, double *err2);

// ---- bench mm pieces for circulant and Toeplitz (bench_mm_fft.c) ----
// The raw FFTW peer: per vector, r2c, the pointwise product with the spectrum and c2r, written
// directly against FFTW (own FFTW_ESTIMATE plans of the matrix's length, own buffers), on one
// thread; Y is its own. False after an error line.
bool tool_fft_peer(const lc_mat *a, lc_layout layout, int64_t n, const float *x, int warmup,
                   int reps, bool cold, lci_timing *t);
// tool_ref_error for an FFT-based matrix by the direct sum from its circulant column (no M·K
// view is built).
lc_status tool_fft_ref_error(const lc_mat *a, lc_layout layout, int64_t n, int64_t nv,
                             const float *x, const float *y1, const float *y2, double *err1,
                             double *err2);

// ---- models (generate.c) ----
// The data directory of the models: `given` (--data), else $LACUNA_DATA, else
// ../shared/data/nn (relative to the current directory, i.e. run from the repository).
const char *tool_data_dir(const char *given);

// ---- pruning patterns (prune_pattern.c), shared by prune-eval and generate ----
typedef struct tool_prune_pattern {
    char text[96];      // the pattern as run ("nm:1:4" when --budget chose it)
    double budget;      // (0, 1]: fraction of each layer's weights kept; 0: none
    bool projection;    // lowrank / monarch: a projection of each matrix, no mask
    lc_format format;   // the projection's format
    int32_t rank;       // lowrank:R (0 with a budget: chosen per layer)
    int32_t blocks;     // monarch:B (0 with a budget: chosen per layer)
    lc_prune_spec spec; // mask patterns
} tool_prune_pattern;
// Parses a pattern (with budget > 0, a family: unstructured, unstructured-rows, block<B>, nm,
// rows, lowrank, monarch). False, after an error line, when it is invalid.
bool tool_prune_pattern_parse(const char *text, double budget, tool_prune_pattern *p);
// The projection of one rows × cols matrix for a projection pattern.
lc_status tool_prune_project(const tool_prune_pattern *p, const float *w, int64_t rows,
                             int64_t cols, lc_mat **out);
// The Monarch block count that keeps about a fraction `budget` of a rows × cols matrix.
int32_t tool_monarch_blocks_for(int64_t rows, int64_t cols, double budget);

// ---- prune-eval (prune_eval.c), also used by report ----
typedef struct tool_eval_opts {
    const char *model, *pattern, *layers, *data; // layers "all" or NAME,...; data the data dir
    bool finetune, json;
    double budget;     // --budget F (0: none)
    int threads, reps; // reps: timed evaluations of each model (the median is reported)
} tool_eval_opts;

// What prune-eval measured (its JSON object's fields).
typedef struct tool_eval_result {
    lc_model_score dense, pruned;
    lc_model_score dense_tuned;  // --finetune: the dense model fine-tuned the same way
    double dense_s, pruned_s;    // one timed evaluation each (median of reps)
    double wall_s;               // the whole run: load, prune, (fine-tune), score twice
    int64_t pruned_params;       // weights of the pruned layers
    int64_t pruned_kept;         // of those, kept by the masks (or stored by a projection)
    int64_t params, params_kept; // nonzero weights of the whole model, dense and as pruned
    int64_t bytes, dense_bytes;  // bytes of every weight as stored, pruned and dense
    char layers[512];            // the layers pruned, comma-separated
    char pattern[96];            // the pattern as run (with --budget: the one it implies)
} tool_eval_result;

// Loads o->model, prunes it to `pat`, scores it before and after. Returns 0, or the exit status
// after an error line.
int tool_prune_eval_run(const tool_eval_opts *o, const tool_prune_pattern *pat,
                        tool_eval_result *r);

// ---- subcommands ----
int tool_bench_mm(int argc, char **argv);     // bench_mm.c
int tool_bench_ffn(int argc, char **argv);    // bench_ffn.c
int tool_bench_stream(int argc, char **argv); // bench_stream.c
int tool_convert(int argc, char **argv);      // convert.c
int tool_gen(int argc, char **argv);          // gen.c
int tool_generate(int argc, char **argv);     // generate.c
int tool_report(int argc, char **argv);       // report.c
// report_more.c: the structured-families table (its bench mm lines also to jf when not NULL) and
// the accuracy table of the chapter's pruning patterns; 0 or an exit status after an error line.
int tool_report_structure(const tool_mm_opts *base, FILE *jf);
int tool_report_accuracy(int threads);
int tool_prune_eval(int argc, char **argv); // prune_eval.c

#endif
