// bench_stream.c: `lacuna bench stream`: read bandwidth = bytes / time of summing a buffer
// (default 1 GiB) split among all threads, each first-touched by the thread that reads it,
// with the widest read kernel of the registry; the median of several passes.
#include "tool.h"
#include "core/mat.h"

#include <string.h>

typedef struct stream_job {
    float *buf;
    size_t per; // floats per part, a multiple of 64
    int parts;
    lci_stream_fn kernel;
    float sums[LCI_MAX_PARTS][16]; // one cache line per part
    volatile float sink;
} stream_job;

// First touch: each part's pages are placed by the thread that will read them.
static void touch_part(void *vjob, int part) {
    stream_job *j = vjob;
    float *p = j->buf + (size_t)part * j->per;
    for (size_t i = 0; i < j->per; i++) p[i] = (float)(i & 7);
}

static void read_part(void *vjob, int part) {
    stream_job *j = vjob;
    j->sums[part][0] = j->kernel(j->buf + (size_t)part * j->per, j->per);
}

static lc_status one_pass(void *vjob) {
    stream_job *j = vjob;
    lci_parallel(j->parts, read_part, j);
    float s = 0;
    for (int p = 0; p < j->parts; p++) s += j->sums[p][0];
    j->sink = s; // the sums are used, so the reads cannot be dropped
    return LC_OK;
}

int tool_bench_stream(int argc, char **argv) {
    int64_t size_mb = 1024, reps = 20, threads = tool_cpu_count(), v;
    bool json = false;
    tool_args a;
    tool_args_init(&a, argc, argv, 2);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--threads")) {
            if (!tool_args_int(&a, 1, LCI_MAX_PARTS, &threads)) return 2;
        } else if (tool_args_is(&a, "--size-mb")) {
            if (!tool_args_int(&a, 1, 1 << 20, &size_mb)) return 2;
        } else if (tool_args_is(&a, "--reps")) {
            if (!tool_args_int(&a, 1, 100000, &v)) return 2;
            reps = v;
        } else if (tool_args_is(&a, "--json")) {
            if (!tool_args_flag(&a)) return 2;
            json = true;
        } else {
            return tool_args_unknown(&a, "bench stream");
        }
    }
    char blas[128];
    if (!tool_threads_apply((int)threads, blas, sizeof blas)) return 2;
    stream_job *j = lci_calloc(1, sizeof *j);
    if (!j) {
        tool_error("bench stream: out of memory");
        return 1;
    }
    j->parts = (int)threads;
    j->kernel = (lci_stream_fn)lci_kernel_get(LCI_KERNEL_STREAM);
    // Whole 64-float blocks per part (the kernels' unit), so every part starts 256-byte aligned.
    size_t blocks = ((size_t)size_mb << 20) / (64 * sizeof(float)) / (size_t)j->parts;
    if (blocks == 0) blocks = 1;
    j->per = blocks * 64;
    size_t bytes = j->per * (size_t)j->parts * sizeof(float);
    int rc = 1;
    lci_timing t;
    lc_status st;
    if ((st = lci_alloc_array((void **)&j->buf, bytes, 1, "stream buffer"))) {
        rc = tool_lib_error("bench stream", st);
        goto done;
    }
    lci_parallel(j->parts, touch_part, j);
    if ((st = lci_time(one_pass, j, 2, (int)reps, false, &t))) {
        rc = tool_lib_error("bench stream", st);
        goto done;
    }
    double gbs = (double)bytes / t.median_s * 1e-9;
    const char *kernel = lci_kernel_name(LCI_KERNEL_STREAM);
    if (json) {
        tool_json js;
        tool_json_begin(&js);
        tool_json_str(&js, "schema", "lacuna-bench/1");
        tool_json_str(&js, "op", "stream");
        tool_json_open(&js, "params");
        tool_json_int(&js, "size_mb", size_mb);
        tool_json_close(&js);
        tool_json_int(&js, "bytes", (int64_t)bytes);
        tool_json_int(&js, "threads", j->parts);
        tool_json_str(&js, "isa", lc_isa_name(lc_isa_get()));
        tool_json_str(&js, "kernel", kernel);
        tool_json_str(&js, "cpu", tool_cpu_name());
        tool_json_int(&js, "reps", reps);
        tool_json_num(&js, "time_s", t.median_s);
        tool_json_num(&js, "time_min_s", t.min_s);
        tool_json_num(&js, "time_p90_s", t.p90_s);
        tool_json_num(&js, "gbytes_per_s", gbs);
        tool_json_num(&js, "max_gbytes_per_s", (double)bytes / t.min_s * 1e-9);
        if (!tool_json_end(&js, stdout)) {
            tool_error("bench stream: cannot write the JSON line");
            goto done;
        }
    } else {
        printf("bench stream: %.1f MiB read by %d threads, isa %s (%s), %s\n",
               (double)bytes / (1 << 20), j->parts, lc_isa_name(lc_isa_get()), kernel,
               tool_cpu_name());
        printf("  %.2f GB/s (median of %lld passes, %.4g ms; best %.2f GB/s)\n", gbs,
               (long long)reps, t.median_s * 1e3, (double)bytes / t.min_s * 1e-9);
    }
    rc = 0;
done:
    lci_free(j->buf);
    lci_free(j);
    return rc;
}
