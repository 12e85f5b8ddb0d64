# lacuna: the commands that do everything on a fresh Debian machine.
#   make          build (Release) into build/release
#   make test     Release suite + AddressSanitizer/UBSan suite + bounded fuzz runs
#   make report   the main job: measure on this machine, print the tables
#   make fuzz     the fuzzers, longer
# Every target first runs scripts/deps.sh (installs missing Debian packages when root).

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 600
CMAKE_FLAGS ?=

.PHONY: all deps build test test-release test-asan test-fuzz report fuzz install format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD)/release -j$(JOBS)

test: test-release test-asan test-fuzz
	@echo "make test: all suites passed"

test-release: build
	cd $(BUILD)/release && ctest --output-on-failure -j$(JOBS)

test-asan: deps
	cmake -S . -B $(BUILD)/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DLC_SANITIZE=address,undefined $(CMAKE_FLAGS)
	cmake --build $(BUILD)/asan -j$(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j$(JOBS)

test-fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS) $(BUILD)/fuzz

report: build
	$(BUILD)/release/tools/lacuna report

fuzz: deps
	scripts/fuzz.sh $(FUZZ_LONG_SECONDS) $(BUILD)/fuzz

install: build
	cmake --install $(BUILD)/release $(if $(PREFIX),--prefix $(PREFIX))

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# make peers: lacuna beside scipy.sparse, Eigen, librsb and dense OpenBLAS on the issue-8 cases
# (bench/peers.sh, about 11 minutes on 2 cores), JSON lines and tables in $(BUILD)/peers-out.
# Installs the peers' packages first (scripts/deps.sh --bench); `make test` never needs them.
# PEERS_FLAGS: e.g. --quick, --threads 2.
PEERS_FLAGS ?=
.PHONY: peers
peers: build
	scripts/deps.sh --bench
	bench/peers.sh --lacuna $(BUILD)/release/tools/lacuna $(PEERS_FLAGS) $(BUILD)/peers-out
