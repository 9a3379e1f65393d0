"""The h5py side of `bench`'s write comparison, driven over stdin/stdout.

    python bench_h5py.py ROWS COLUMNS

Builds the same float64 array the C++ side writes (element i = i * 0.5,
ROWS x COLUMNS), prints "ready <h5py version> <HDF5 version>", then for each
line read from stdin (a file path) writes the array there the way NOMAD writes
an assigned quantity (file opened in append mode, require_group,
require_dataset: contiguous, no compression, fill value 0; then
`dataset[...] = value`) and prints the seconds from opening the file to
closing it, timed in this process so that Python's start-up and the array's
construction are not counted. The caller removes the file.
"""

import sys
import time

import h5py
import numpy as np


def write(path, value):
    start = time.perf_counter()
    with h5py.File(path, "a") as f:
        group = f.require_group("data")
        dataset = group.require_dataset("value", shape=value.shape, dtype=value.dtype)
        dataset[...] = value
    return time.perf_counter() - start


def main():
    rows, columns = int(sys.argv[1]), int(sys.argv[2])
    value = np.arange(rows * columns, dtype="<f8").reshape(rows, columns)
    value *= 0.5
    print("ready", h5py.__version__, h5py.version.hdf5_version, flush=True)
    for line in sys.stdin:
        path = line.strip()
        if path:
            print(f"{write(path, value):.9f}", flush=True)


if __name__ == "__main__":
    main()
