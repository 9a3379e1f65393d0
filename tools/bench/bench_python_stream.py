"""`make bench`'s Python streaming rows: an EntryArchive quantity streamed from
Python (``with entry.data.stream(...) as w: w.append(block)``) against h5py
appending the same numpy blocks to a resizable dataset
(bench_h5py_stream.py's loop), each side in its own process.

    python3 bench_python_stream.py [--python PY] [--size-mib 4096] [--block-mib 16]
                                   [--reps 3] [--dir DIR]

PY is a Python whose environment has the h5archive wheel (and so h5py and
numpy): `make test` prepares one in build/wheel-h5py-3.16.0/venv. This script
itself needs only the standard library. Prints one table (the columns of
`bench`'s) with the throughput of both sides and the peak resident set size of
each process above its baseline (VmHWM at the end minus VmRSS after the
imports, so the 16 MiB block itself counts); goal: at most 100 MiB for
h5archive. The sides alternate for --reps rounds: throughput is the median,
RSS the largest. Without PY's h5archive the rows say why and how to get it.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COLUMNS = 1024  # float64 values per row: 8 KiB rows
CHUNK_ROWS = 128  # 1 MiB chunks on both sides
GOAL_MIB = 100


def proc_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(side, mib, block_mib, folder):
    import h5py
    import numpy as np

    import h5archive

    baseline = proc_kib("VmRSS")
    rows_per_block = max(1, block_mib * (1 << 20) // (8 * COLUMNS))
    block = np.random.default_rng(0).random((rows_per_block, COLUMNS))
    rows = mib * (1 << 20) // (8 * COLUMNS)
    if side == "h5py":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bench_h5py_stream import stream

        path = os.path.join(folder, "h5py.h5")
        seconds = stream(path, block, rows, CHUNK_ROWS, -1)
    else:
        area = h5archive.StagingArea(os.path.join(folder, "staging"))
        area.create_upload("bench")
        definition = h5archive.SectionDef("Bench").quantity(
            h5archive.QuantityDef.hdf5_reference("value"))
        entry = h5archive.EntryArchive(definition, area, "bench", "stream")
        start = time.perf_counter()
        with entry.data.stream("value", "float64", chunks=(CHUNK_ROWS, COLUMNS)) as w:
            done = 0
            while done < rows:
                n = min(rows_per_block, rows - done)
                w.append(block if n == rows_per_block else block[:n])
                done += n
        seconds = time.perf_counter() - start
        path = entry.hdf5_file
        last = entry.read("data/value", np.s_[-1, :4])  # the stream's last row, read back
        assert last.tolist() == block[(rows - 1) % rows_per_block, :4].tolist()
    versions = f"h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version})"
    print(f"{seconds:.6f} {proc_kib('VmHWM') - baseline} {os.path.getsize(path)} {versions}")


def run_side(python, side, args, folder):
    # (seconds, peak RSS above the baseline in MiB, versions) of one round.
    sub = os.path.join(folder, side)
    os.makedirs(sub)
    out = subprocess.run([python, os.path.abspath(__file__), "--child", side, "--size-mib",
                          str(args.size_mib), "--block-mib", str(args.block_mib), "--dir", sub],
                         check=True, capture_output=True, text=True).stdout.split(maxsplit=3)
    shutil.rmtree(sub)
    return float(out[0]), int(out[1]) / 1024, out[3].strip()


def print_table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for i, r in enumerate(rows):
        print("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:4], widths[1:4])]
                        + [r[4].ljust(widths[4]), r[5]]).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths[:5]) + "  ---")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable,
                        help="Python with the h5archive wheel (default: this one)")
    parser.add_argument("--size-mib", type=int, default=4096, help="MiB streamed per side")
    parser.add_argument("--block-mib", type=int, default=16, help="MiB per numpy block")
    parser.add_argument("--reps", type=int, default=3, help="rounds per side (median)")
    parser.add_argument("--dir", help="folder for the files (default: a temporary one)")
    parser.add_argument("--child", choices=["h5archive", "h5py"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.size_mib, args.block_mib, args.reps) <= 0:
        parser.error("--size-mib, --block-mib and --reps must be positive")
    if args.child:
        return child(args.child, args.size_mib, args.block_mib, args.dir)

    what = f"python stream {args.size_mib} MiB, {args.block_mib} MiB blocks"
    header = ("measurement", "h5archive", "baseline", "ratio", "goal", "met")
    print(f"\nh5archive bench, Python streaming: {args.python}")
    probe = None
    if os.path.exists(args.python):
        probe = subprocess.run([args.python, "-c", "import h5archive"], capture_output=True,
                               text=True)
    if probe is None or probe.returncode != 0:
        why = f"no {args.python}" if probe is None else f"{args.python} cannot import h5archive"
        print(f"  not measured ({why}): run `make test` (its wheel tests prepare "
              "build/wheel-h5py-3.16.0/venv), or give a venv holding the wheel of `make wheel`: "
              "H5ARCHIVE_WHEEL_PYTHON=<venv>/bin/python make bench")
        print_table([header, (f"{what}: peak RSS above baseline", "not measured", "-", "-",
                              f"<= {GOAL_MIB} MiB", "NO")])
        return 0
    runs = {"h5archive": [], "h5py": []}
    with tempfile.TemporaryDirectory(prefix="h5archive-pybench-", dir=args.dir) as folder:
        for rep in range(args.reps):
            for side in ("h5archive", "h5py") if rep % 2 == 0 else ("h5py", "h5archive"):
                runs[side].append(run_side(args.python, side, args, folder))
    versions = runs["h5py"][0][2]
    print(f"  h5py side: {versions}, resizable dataset, resize + slice assignment per block")
    print(f"  {args.reps} rounds per side, alternating; throughput: median, RSS: largest")
    ours_rate, h5py_rate = (args.size_mib / statistics.median(r[0] for r in runs[side])
                            for side in ("h5archive", "h5py"))
    ours_rss, h5py_rss = (max(r[1] for r in runs[side]) for side in ("h5archive", "h5py"))
    print_table([
        header,
        (f"{what}: throughput vs h5py", f"{ours_rate:.0f} MiB/s", f"{h5py_rate:.0f} MiB/s",
         f"{ours_rate / h5py_rate:.2f}", "-", "-"),
        (f"{what}: peak RSS above baseline", f"+{ours_rss:.1f} MiB", f"+{h5py_rss:.1f} MiB",
         f"{ours_rss / h5py_rss:.2f}" if h5py_rss > 0 else "-", f"<= {GOAL_MIB} MiB",
         "yes" if ours_rss <= GOAL_MIB else "NO"),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
