"""End-to-end: readers through the connector watch a quantity while a writer
streams into it in SWMR mode (WriterOptions::swmr).

The writer (tests/tools/swmr_writer.cpp) appends rows slowly; row r holds
r + 1 everywhere, so a row of zeros (HDF5's fill value) or any other value
would be data that was never written. Readers: three h5py processes opening
the entry by its /uploads name with swmr=True, refreshing and reading
everything they see; h5watch (HDF5's own SWMR tool, C) printing the rows as
they arrive. Afterwards the archive JSON and the dataset carry the final
statistics. Last, a writer killed with SIGKILL mid-stream: the next writer
clears the mark the dead one left, and says so."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from checks import check, finish

BIN = os.environ["H5ARCHIVE_BIN"]
HDF5_BIN = os.environ["HDF5_BIN"]
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
ROWS, COLUMNS, PAUSE_MS = 120, 8, 25

READER = r"""
import sys, time
import h5py, numpy as np
name, expected_rows = sys.argv[1], int(sys.argv[2])
for _ in range(200):  # the writer creates the dataset first
    try:
        f = h5py.File(name, "r", swmr=True)
        d = f["data/value"]
        break
    except (OSError, KeyError):
        time.sleep(0.02)
else:
    sys.exit("never opened " + name)
sizes, last, reads = [], -1, 0
while True:
    d.refresh()
    a = d[()]
    reads += 1
    n = a.shape[0]
    if n < last:
        sys.exit(f"shrank from {last} to {n} rows")
    want = (np.arange(n, dtype=np.float64) + 1)[:, None] * np.ones((1, a.shape[1]))
    if not np.array_equal(a, want):
        bad = np.nonzero((a != want).any(axis=1))[0]
        sys.exit(f"rows {bad[:5].tolist()} of {n} hold data never written: {a[bad[0]].tolist()}")
    if n != last:
        sizes.append(n)
    last = n
    if n == expected_rows:
        break
    time.sleep(0.01)
print(f"reads={reads} distinct_sizes={len(sizes)} first={sizes[0]} last={sizes[-1]}")
"""


def main():
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="swmr_readers.", dir=base)
    try:
        root = os.path.join(tmp, "staging")
        env = dict(os.environ, HDF5_PLUGIN_PATH=os.environ["H5ARCHIVE_PLUGINS"],
                   HDF5_VOL_CONNECTOR=f"h5archive root={root}")
        reader_py = os.path.join(tmp, "reader.py")
        with open(reader_py, "w") as f:
            f.write(READER)
        name = "/uploads/swmr_up/archive/live"

        writer = subprocess.Popen(
            [os.path.join(BIN, "swmr_writer"), root, "swmr_up", "live", str(ROWS), str(COLUMNS),
             str(PAUSE_MS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Readers start once the first row is there.
        first = writer.stdout.readline()
        check(first.startswith("rows "), f"writer started ({first.strip()})")
        readers = [subprocess.Popen([PYTHON, reader_py, name, str(ROWS)], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(3)]
        watch = subprocess.Popen([os.path.join(HDF5_BIN, "h5watch"), "--polling=1",
                                  name + "/data/value"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = writer.communicate(timeout=120)
        check(writer.returncode == 0 and out.strip().endswith("done"),
              f"writer streamed {ROWS} rows in SWMR mode and finished ({err.strip()[-300:]})")
        for i, r in enumerate(readers):
            rout, rerr = r.communicate(timeout=60)
            check(r.returncode == 0, f"h5py reader {i}: only written rows, growing ({rout.strip()} {rerr.strip()[-300:]})")
            m = re.search(r"distinct_sizes=(\d+)", rout)
            check(m is not None and int(m.group(1)) >= 2,
                  f"h5py reader {i} saw the quantity grow while it was written ({rout.strip()})")
        watch.terminate()
        wout, werr = watch.communicate(timeout=30)
        rows_seen = {int(m.group(1)): m.group(2) for m in re.finditer(r"^\s*\((\d+),0\) (.*?),?$", wout, re.M)}
        check(len(rows_seen) >= 2 and "increases" in wout,
              f"h5watch saw rows arrive through the connector ({len(rows_seen)} rows printed; {werr.strip()[-200:]})")
        wrong = [r for r, text in rows_seen.items()
                 if [float(x) for x in text.split(",") if x.strip()] != [float(r + 1)] * COLUMNS]
        check(not wrong, f"h5watch printed only written values (wrong rows: {wrong[:5]})")

        # After finish(): final statistics on the dataset and in the JSON.
        import h5py
        import numpy as np
        h5 = os.path.join(root, "sw", "swmr_up", "archive", "live.h5")
        with h5py.File(h5, "r") as f:
            d = f["data/value"]
            values = (np.arange(ROWS, dtype=np.float64) + 1)[:, None] * np.ones((1, COLUMNS))
            check(np.array_equal(d[()], values), "the stored rows are exactly the written ones")
            check(int(d.attrs["h5archive_count"]) == ROWS * COLUMNS
                  and float(d.attrs["h5archive_max"]) == ROWS
                  and float(d.attrs["h5archive_min"]) == 1.0
                  and abs(float(d.attrs["h5archive_mean"]) - values.mean()) < 1e-12,
                  f"final statistics attributes ({dict(d.attrs)})")
        with open(os.path.join(root, "sw", "swmr_up", "archive", "live.json")) as fp:
            archive = json.load(fp)
        check(archive["data"]["value"] == name + "#/data/value", "the JSON holds the reference")
        check(archive["data"]["m_hdf5"]["value"]["statistics"]["count"] == ROWS * COLUMNS,
              "the JSON holds the final statistics")

        # A SWMR writer killed mid-stream leaves the file marked "open for
        # write": HDF5 refuses every open until the mark is cleared. The
        # next writer clears it (as h5clear -s -i does), says so, and goes on.
        writer = subprocess.Popen(
            [os.path.join(BIN, "swmr_writer"), root, "swmr_up", "killed", "100000", str(COLUMNS),
             "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(10):
            writer.stdout.readline()
        writer.kill()
        writer.wait(timeout=30)
        killed = os.path.join(root, "sw", "swmr_up", "archive", "killed.h5")
        r = subprocess.run([PYTHON, "-c", f"import h5py; h5py.File({killed!r}, 'r')"],
                           capture_output=True, text=True)
        check(r.returncode != 0 and "h5clear" in r.stderr,
              f"after SIGKILL, HDF5 refuses the marked file and names h5clear ({r.stderr.strip()[-200:]})")
        r = subprocess.run([os.path.join(BIN, "swmr_writer"), root, "swmr_up", "killed", "7",
                            str(COLUMNS), "0"], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and "was marked open for write by a writer that stopped" in r.stderr
              and "cleared" in r.stderr,
              f"the next writer clears the mark and says so ({r.stderr.strip()[-300:]})")
        with h5py.File(killed, "r") as f:
            values = (np.arange(7, dtype=np.float64) + 1)[:, None] * np.ones((1, COLUMNS))
            check(np.array_equal(f["data/value"][()], values),
                  "after the repair the file opens and holds the new writer's rows")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
