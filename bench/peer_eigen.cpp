// peer_eigen.cpp: the Eigen peer of bench/peers.sh: Y = A·X with A an
// Eigen::SparseMatrix<float, RowMajor> and X a K×n row-major dense matrix (a VectorXf when
// n = 1), Y overwritten (beta = 0), at the requested thread count; one lacuna-bench/1 line
// (op "peer") per n.
//
// Build: g++ -O3 -march=native -fopenmp -DNDEBUG -I/usr/include/eigen3 peer_eigen.cpp
// peer_common.c -lz. With OpenMP, Eigen's sparse × dense product splits the rows of A among
// Eigen::nbThreads() threads (schedule dynamic), but only when nnz·n > 20000 (nnz > 20000 for
// a vector): smaller products run on one thread, which threads_used shows.
#include "peer_common.h"

#include <Eigen/Sparse>
#include <omp.h>

#include <cstdlib>
#include <string>

namespace {

using SpMat = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;
using DenseRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Case {
    const SpMat *a;
    int64_t n;
    const float *x;
    float *y;
};

bool run(void *vctx) {
    const Case *c = static_cast<const Case *>(vctx);
    const SpMat &a = *c->a;
    if (c->n == 1) {
        Eigen::Map<const Eigen::VectorXf> x(c->x, a.cols());
        Eigen::Map<Eigen::VectorXf> y(c->y, a.rows());
        y.noalias() = a * x;
    } else {
        Eigen::Map<const DenseRM> x(c->x, a.cols(), c->n);
        Eigen::Map<DenseRM> y(c->y, a.rows(), c->n);
        y.noalias() = a * x;
    }
    return true;
}

// One case: check against the reference, time, count the threads, print the line.
bool measure(const peer_opts &o, const peer_csr &csr, const SpMat &a, const std::string &version,
             int64_t n, const float *x, float *y) {
    Case c{&a, n, x, y};
    double err = 0;
    peer_timing t;
    if (!run(&c) || !peer_check(&csr, n, x, y, o.err_vectors, &err) ||
        !peer_time(run, &c, o.warmup, o.reps, &t))
        return false;
    int used;
    double util;
    peer_threads_used(run, &c, 0.1, &used, &util);
    peer_json j;
    peer_json_begin(&j, "eigen", &o, &csr, n, o.threads);
    peer_json_str(&j, "version", ("Eigen " + version).c_str());
    peer_json_str(&j, "routine",
                  n == 1 ? "SparseMatrix<float,RowMajor> * VectorXf"
                         : "SparseMatrix<float,RowMajor> * Matrix<float,Dynamic,Dynamic,RowMajor>");
    peer_json_str(&j, "simd", Eigen::SimdInstructionSetsInUse());
    peer_json_int(&j, "lib_threads", Eigen::nbThreads());
    peer_json_int(&j, "threads_used", used);
    peer_json_num(&j, "cpu_util", util);
    peer_json_end(&j, &csr, n, &t, err, o.err_vectors);
    return true;
}

} // namespace

int main(int argc, char **argv) {
    peer_opts o;
    if (!peer_parse("eigen", argc, argv, &o)) return 2;
    if (!peer_pin_threads(o.threads, argv)) return 1;
    omp_set_num_threads(o.threads);
    Eigen::setNbThreads(o.threads);
    peer_csr csr;
    if (!peer_mtx_read(o.path, &csr)) return 1;
    // The CSR arrays viewed by Eigen, then copied into a SparseMatrix of its own (compressed).
    SpMat a = Eigen::Map<const SpMat>(csr.m, csr.k, csr.nnz, csr.ptr, csr.col, csr.val);
    a.makeCompressed();
    const std::string version = std::to_string(EIGEN_WORLD_VERSION) + "." +
                                std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                std::to_string(EIGEN_MINOR_VERSION);
    int rc = 0;
    for (int in = 0; in < o.nn && rc == 0; in++) {
        int64_t n = o.n[in];
        float *x = peer_alloc((int64_t)csr.k * n), *y = peer_alloc((int64_t)csr.m * n);
        if (x && y) {
            peer_fill(x, (int64_t)csr.k * n, o.seed + (uint64_t)n);
            rc = measure(o, csr, a, version, n, x, y) ? 0 : 1;
        } else {
            rc = 1;
        }
        std::free(x);
        std::free(y);
    }
    peer_csr_free(&csr);
    return rc;
}
