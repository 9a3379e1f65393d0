# The README's two commands: `make demo` and `make test`. Both set up what is
# missing (tools/bootstrap.sh), configure and build, then run.
H5ARCHIVE_CACHE ?= $(HOME)/.cache/h5archive
H5ARCHIVE_HDF5_PREFIX ?= $(H5ARCHIVE_CACHE)/hdf5-1.14.5
H5ARCHIVE_VENV ?= $(H5ARCHIVE_CACHE)/venv-hdf5-1.14.5
H5ARCHIVE_HDF5_2_HEADERS ?= $(H5ARCHIVE_CACHE)/hdf5-headers-2.2.0
BUILD ?= build
JOBS ?= 2
WERROR ?= ON
export H5ARCHIVE_CACHE H5ARCHIVE_HDF5_PREFIX H5ARCHIVE_VENV H5ARCHIVE_HDF5_2_HEADERS

.PHONY: all setup configure build test demo bench apitests format clean test-asan fuzz wheel

all: build

setup:
	@tools/bootstrap.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_PREFIX_PATH="$(H5ARCHIVE_HDF5_PREFIX)" \
	  -DH5ARCHIVE_PYTHON="$(H5ARCHIVE_VENV)/bin/python" \
	  -DH5ARCHIVE_WERROR=$(WERROR) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@rm -rf $(BUILD)/demo
	$(BUILD)/bin/h5archive --root $(BUILD)/demo/staging demo
	$(H5ARCHIVE_HDF5_PREFIX)/bin/h5dump $(BUILD)/demo/staging/te/test_upload/archive/test_entry.h5
	@echo "In H5Web: $(BUILD)/bin/h5archive --root $(BUILD)/demo/staging serve   # then open"
	@echo "http://127.0.0.1:8080/?file=/uploads/test_upload/archive/test_entry&path=/data/value"

# Benchmarks, never tests: one table of figures, how to read it in
# docs/benchmarks.md. BENCH_ARGS shrinks it, e.g. BENCH_ARGS="--size-mib 64 --reps 3".
BENCH_ARGS ?=
# Then Python streaming (tools/bench/bench_python_stream.py) with the wheel's
# venv that `make test` prepares; PYBENCH_ARGS shrinks it ("--size-mib 256").
H5ARCHIVE_WHEEL_PYTHON ?= $(BUILD)/wheel-h5py-3.16.0/venv/bin/python
PYBENCH_ARGS ?=
bench: build
	$(BUILD)/bin/bench $(BENCH_ARGS)
	@python3 tools/bench/bench_python_stream.py --python "$(H5ARCHIVE_WHEEL_PYTHON)" $(PYBENCH_ARGS)

# The Python wheel for PyPI's h5py (docs/python.md): build/wheel/dist/*.whl.
wheel: setup
	@tools/wheel.sh $(BUILD)/wheel

format:
	@git ls-files '*.cpp' '*.hpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

apitests: build
	@tools/api_tests.sh $(BUILD)

# AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan, every test
# (docs/reliability.md). Unit tests run with leak checks; e2e tests drive
# uninstrumented programs (h5dump, python, bash) that load the instrumented
# connector, so libasan is preloaded for them and leak checks are off there.
ASAN_BUILD ?= build-asan
# libstdc++ is preloaded too: ASan's __cxa_throw interceptor needs the real
# one at start-up, which python (a C program) would otherwise load too late.
ASAN_LIB = $(shell $(CXX) -print-file-name=libasan.so) $(shell $(CXX) -print-file-name=libstdc++.so.6)
test-asan: setup
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DH5ARCHIVE_SANITIZE=ON \
	  -DCMAKE_PREFIX_PATH="$(H5ARCHIVE_HDF5_PREFIX)" \
	  -DH5ARCHIVE_PYTHON="$(H5ARCHIVE_VENV)/bin/python" \
	  -DH5ARCHIVE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^e2e\.'
	@cd $(ASAN_BUILD) && LD_PRELOAD="$(ASAN_LIB)" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  H5ARCHIVE_UNDER_ASAN=1 ctest --output-on-failure -j $(JOBS) -R '^e2e\.'

# libFuzzer targets (fuzz/, docs/reliability.md "Fuzzing"), clang only, in
# build-fuzz: only fuzz_all is built (the regular targets need gcc). A
# regression pass over each seed corpus fuzz/corpus/<target>/, then
# FUZZ_SECONDS of fuzzing per target on a copy of it (fuzz/run.sh); crash
# inputs land in $(FUZZ_BUILD)/artifacts/. E.g. `make fuzz FUZZ_SECONDS=120`.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 10
fuzz: setup
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DH5ARCHIVE_FUZZ=ON -DH5ARCHIVE_BUILD_TESTS=OFF \
	  -DCMAKE_PREFIX_PATH="$(H5ARCHIVE_HDF5_PREFIX)" \
	  -DH5ARCHIVE_PYTHON="$(H5ARCHIVE_VENV)/bin/python" \
	  -DH5ARCHIVE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all
	@fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
