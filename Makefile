# The README's two commands: `make demo` and `make test`. Both set up what is
# missing (tools/bootstrap.sh), configure and build, then run.
H5ARCHIVE_CACHE ?= $(HOME)/.cache/h5archive
H5ARCHIVE_HDF5_PREFIX ?= $(H5ARCHIVE_CACHE)/hdf5-1.14.5
H5ARCHIVE_VENV ?= $(H5ARCHIVE_CACHE)/venv-hdf5-1.14.5
BUILD ?= build
JOBS ?= 2
WERROR ?= ON
export H5ARCHIVE_CACHE H5ARCHIVE_HDF5_PREFIX H5ARCHIVE_VENV

.PHONY: all setup configure build test demo bench apitests format clean

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

# Benchmarks, never tests: figures and how to read them in docs/benchmarks.md.
bench: build
	$(BUILD)/bin/bench_write
	$(BUILD)/bin/bench_connector

format:
	@git ls-files '*.cpp' '*.hpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

apitests: build
	@tools/api_tests.sh $(BUILD)
