"""The h5py side of `bench`'s streaming comparison: one run per process.

    python bench_h5py_stream.py MIB BLOCK_FILE COLUMNS CHUNK_ROWS LEVEL PATH

Reads the float64 block the C++ side appends (BLOCK_FILE, rows of COLUMNS
values), then appends it, block after block, until MIB MiB are written, the
way NOMAD users grow a quantity: a resizable dataset (maxshape=None on the
first axis) of CHUNK_ROWS-row chunks, `resize` then slice assignment per
block; with deflate level LEVEL and shuffle when LEVEL >= 0. Prints
"<seconds> <peak RSS KiB> <file bytes>", the seconds from creating the file
to closing it (Python's start-up and reading the block are not counted).
"""

import os
import resource
import sys
import time

import h5py
import numpy as np


def stream(path, block, rows, chunk_rows, level):
    filters = {} if level < 0 else {"compression": "gzip", "compression_opts": level, "shuffle": True}
    columns = block.shape[1]
    start = time.perf_counter()
    with h5py.File(path, "w") as f:
        dataset = f.create_dataset(
            "data/value",
            shape=(0, columns),
            maxshape=(None, columns),
            chunks=(chunk_rows, columns),
            dtype="<f8",
            **filters,
        )
        done = 0
        while done < rows:
            n = min(len(block), rows - done)  # a last block may be short
            dataset.resize(done + n, axis=0)
            dataset[done : done + n] = block[:n]
            done += n
    return time.perf_counter() - start


def main():
    mib, block_file, columns = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    chunk_rows, level, path = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    block = np.fromfile(block_file, dtype="<f8").reshape(-1, columns)
    rows = mib * (1 << 20) // (8 * columns)
    seconds = stream(path, block, rows, chunk_rows, level)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"{seconds:.6f} {peak} {os.path.getsize(path)}", flush=True)


if __name__ == "__main__":
    main()
