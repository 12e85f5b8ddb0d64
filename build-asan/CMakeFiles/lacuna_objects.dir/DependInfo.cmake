
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-lowrank/src/core/alloc.c" "CMakeFiles/lacuna_objects.dir/src/core/alloc.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/alloc.c.o.d"
  "/work/wt-lowrank/src/core/apply.c" "CMakeFiles/lacuna_objects.dir/src/core/apply.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/apply.c.o.d"
  "/work/wt-lowrank/src/core/canon.c" "CMakeFiles/lacuna_objects.dir/src/core/canon.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/canon.c.o.d"
  "/work/wt-lowrank/src/core/copy.c" "CMakeFiles/lacuna_objects.dir/src/core/copy.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/copy.c.o.d"
  "/work/wt-lowrank/src/core/cpu.c" "CMakeFiles/lacuna_objects.dir/src/core/cpu.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/cpu.c.o.d"
  "/work/wt-lowrank/src/core/kernels.c" "CMakeFiles/lacuna_objects.dir/src/core/kernels.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/kernels.c.o.d"
  "/work/wt-lowrank/src/core/mat.c" "CMakeFiles/lacuna_objects.dir/src/core/mat.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/mat.c.o.d"
  "/work/wt-lowrank/src/core/pack.c" "CMakeFiles/lacuna_objects.dir/src/core/pack.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/pack.c.o.d"
  "/work/wt-lowrank/src/core/partition.c" "CMakeFiles/lacuna_objects.dir/src/core/partition.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/partition.c.o.d"
  "/work/wt-lowrank/src/core/random_mat.c" "CMakeFiles/lacuna_objects.dir/src/core/random_mat.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/random_mat.c.o.d"
  "/work/wt-lowrank/src/core/rng.c" "CMakeFiles/lacuna_objects.dir/src/core/rng.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/rng.c.o.d"
  "/work/wt-lowrank/src/core/select.c" "CMakeFiles/lacuna_objects.dir/src/core/select.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/select.c.o.d"
  "/work/wt-lowrank/src/core/status.c" "CMakeFiles/lacuna_objects.dir/src/core/status.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/status.c.o.d"
  "/work/wt-lowrank/src/core/stream_avx2.c" "CMakeFiles/lacuna_objects.dir/src/core/stream_avx2.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/stream_avx2.c.o.d"
  "/work/wt-lowrank/src/core/stream_avx512.c" "CMakeFiles/lacuna_objects.dir/src/core/stream_avx512.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/stream_avx512.c.o.d"
  "/work/wt-lowrank/src/core/stream_ref.c" "CMakeFiles/lacuna_objects.dir/src/core/stream_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/stream_ref.c.o.d"
  "/work/wt-lowrank/src/core/threads.c" "CMakeFiles/lacuna_objects.dir/src/core/threads.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/threads.c.o.d"
  "/work/wt-lowrank/src/core/timing.c" "CMakeFiles/lacuna_objects.dir/src/core/timing.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/core/timing.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_avx2.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_avx2.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_avx2.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_avx512.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_avx512.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_avx512.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_convert.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_convert.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_convert.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_mm.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_random.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_random.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_random.c.o.d"
  "/work/wt-lowrank/src/formats/bsr/bsr_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/bsr/bsr_ref.c.o.d"
  "/work/wt-lowrank/src/formats/coo/coo.c" "CMakeFiles/lacuna_objects.dir/src/formats/coo/coo.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/coo/coo.c.o.d"
  "/work/wt-lowrank/src/formats/coo/coo_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/coo/coo_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/coo/coo_ref.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_avx2.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_avx2.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_avx2.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_avx512.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_avx512.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_avx512.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_mm.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_optimize.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_optimize.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_optimize.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_ref.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_sell.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_sell.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_sell.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_sell_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_sell_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_sell_mm.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_tiles.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_tiles.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_tiles.c.o.d"
  "/work/wt-lowrank/src/formats/csr/csr_tiles_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_tiles_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/csr/csr_tiles_mm.c.o.d"
  "/work/wt-lowrank/src/formats/dense/dense.c" "CMakeFiles/lacuna_objects.dir/src/formats/dense/dense.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/dense/dense.c.o.d"
  "/work/wt-lowrank/src/formats/dense/dense_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/dense/dense_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/dense/dense_ref.c.o.d"
  "/work/wt-lowrank/src/formats/lowrank/lowrank.c" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank.c.o.d"
  "/work/wt-lowrank/src/formats/lowrank/lowrank_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_mm.c.o.d"
  "/work/wt-lowrank/src/formats/lowrank/lowrank_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_ref.c.o.d"
  "/work/wt-lowrank/src/formats/lowrank/lowrank_svd.c" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_svd.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/lowrank/lowrank_svd.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm_avx2.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_avx2.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_avx2.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm_avx512.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_avx512.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_avx512.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm_convert.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_convert.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_convert.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm_mm.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_mm.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_mm.c.o.d"
  "/work/wt-lowrank/src/formats/nm/nm_ref.c" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_ref.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/nm/nm_ref.c.o.d"
  "/work/wt-lowrank/src/formats/sum/sum.c" "CMakeFiles/lacuna_objects.dir/src/formats/sum/sum.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/formats/sum/sum.c.o.d"
  "/work/wt-lowrank/src/io/array.c" "CMakeFiles/lacuna_objects.dir/src/io/array.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/array.c.o.d"
  "/work/wt-lowrank/src/io/input.c" "CMakeFiles/lacuna_objects.dir/src/io/input.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/input.c.o.d"
  "/work/wt-lowrank/src/io/mtx_header.c" "CMakeFiles/lacuna_objects.dir/src/io/mtx_header.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/mtx_header.c.o.d"
  "/work/wt-lowrank/src/io/mtx_read.c" "CMakeFiles/lacuna_objects.dir/src/io/mtx_read.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/mtx_read.c.o.d"
  "/work/wt-lowrank/src/io/mtx_write.c" "CMakeFiles/lacuna_objects.dir/src/io/mtx_write.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/mtx_write.c.o.d"
  "/work/wt-lowrank/src/io/npy_header.c" "CMakeFiles/lacuna_objects.dir/src/io/npy_header.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/npy_header.c.o.d"
  "/work/wt-lowrank/src/io/npy_read.c" "CMakeFiles/lacuna_objects.dir/src/io/npy_read.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/npy_read.c.o.d"
  "/work/wt-lowrank/src/io/npy_write.c" "CMakeFiles/lacuna_objects.dir/src/io/npy_write.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/npy_write.c.o.d"
  "/work/wt-lowrank/src/io/text.c" "CMakeFiles/lacuna_objects.dir/src/io/text.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/io/text.c.o.d"
  "/work/wt-lowrank/src/models/lenet5.c" "CMakeFiles/lacuna_objects.dir/src/models/lenet5.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/models/lenet5.c.o.d"
  "/work/wt-lowrank/src/models/mnist_mlp.c" "CMakeFiles/lacuna_objects.dir/src/models/mnist_mlp.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/models/mnist_mlp.c.o.d"
  "/work/wt-lowrank/src/models/model.c" "CMakeFiles/lacuna_objects.dir/src/models/model.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/models/model.c.o.d"
  "/work/wt-lowrank/src/models/stories260k.c" "CMakeFiles/lacuna_objects.dir/src/models/stories260k.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/models/stories260k.c.o.d"
  "/work/wt-lowrank/src/nn/activation.c" "CMakeFiles/lacuna_objects.dir/src/nn/activation.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/nn/activation.c.o.d"
  "/work/wt-lowrank/src/nn/ffn.c" "CMakeFiles/lacuna_objects.dir/src/nn/ffn.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/nn/ffn.c.o.d"
  "/work/wt-lowrank/src/nn/linear.c" "CMakeFiles/lacuna_objects.dir/src/nn/linear.c.o" "gcc" "CMakeFiles/lacuna_objects.dir/src/nn/linear.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
