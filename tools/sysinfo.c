// sysinfo.c: the machine a measurement ran on: CPU model, processor count, and the thread
// setup of lacuna, OpenMP and the BLAS, checked at run time.
#include "tool.h"

#include <cblas.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

const char *tool_cpu_name(void) {
    static char name[128];
    if (name[0]) return name;
    strcpy(name, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return name;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        const char *v = strchr(line, ':');
        if (!v) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        size_t len = strcspn(v, "\n");
        while (len > 0 && v[len - 1] == ' ') len--;
        if (len >= sizeof name) len = sizeof name - 1;
        if (len > 0) {
            memcpy(name, v, len);
            name[len] = '\0';
        }
        break;
    }
    fclose(f);
    return name;
}

int tool_cpu_count(void) {
#ifdef _OPENMP
    int n = omp_get_num_procs();
    return n > 0 ? n : 1;
#else
    return 1;
#endif
}

#ifdef OPENBLAS_VERSION
// "OpenBLAS 0.3.21" from the runtime configuration string (the library actually loaded).
static void openblas_version(char *buf, size_t size) {
    const char *cfg = openblas_get_config();
    size_t len = 0;
    int words = 0;
    if (cfg)
        while (cfg[len] && !(cfg[len] == ' ' && ++words == 2)) len++;
    if (!cfg || len == 0 || strncmp(cfg, "OpenBLAS", 8) != 0) {
        snprintf(buf, size, "OpenBLAS");
        return;
    }
    snprintf(buf, size, "%.*s", (int)len, cfg);
}
#endif

bool tool_threads_apply(int threads, char *blas, size_t size) {
    if (threads < 1) {
        tool_error("threads = %d: must be at least 1", threads);
        return false;
    }
    // OpenBLAS's OpenMP build also sets the OpenMP default when told its count, so set it
    // first and OpenMP's after: both end at `threads`.
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(threads);
#endif
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    lc_status st = lc_threads_set(threads);
    if (st) {
        tool_lib_error("lc_threads_set", st);
        return false;
    }
#ifdef OPENBLAS_VERSION
    char version[64];
    openblas_version(version, sizeof version);
    int parallel = openblas_get_parallel(); // 0 sequential, 1 pthreads, 2 OpenMP
    int got = openblas_get_num_threads();
    const char *kind = parallel == 2 ? "OpenMP" : parallel == 1 ? "pthreads" : "sequential";
    const char *core = openblas_get_corename();
    snprintf(blas, size, "%s %s threads=%d core=%s", version, kind, got, core ? core : "?");
    if (parallel != 2)
        fprintf(stderr,
                "lacuna: warning: OpenBLAS is its %s build, not the OpenMP one: its threads "
                "compete with lacuna's (select libopenblas-openmp with update-alternatives)\n",
                kind);
    if (got != threads && !(parallel == 0 && got == 1))
        fprintf(stderr, "lacuna: warning: OpenBLAS runs %d threads, %d asked\n", got, threads);
#else
    snprintf(blas, size, "CBLAS (not OpenBLAS: thread count not checked)");
#endif
    return true;
}
