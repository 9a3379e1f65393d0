"""End-to-end: many processes reading the same entry at once through the VOL
connector.

After `demo` and `h5archive put` of a 200x1000 float64 quantity of known
random values (/data/big of test_entry), READERS h5py processes start
together (each waits for a start file after importing h5py) and each opens
the entry OPENS times by name, alternating the entry name
/uploads/test_upload/archive/test_entry and the whole-reference name
/uploads/test_upload/archive/test_entry#/data/value; every open reads
/data/value (eye(5)), /data/big and /data/value_external (the external link
into raw/, arange(12) as 3x4) and compares them with the expected values, and
checks File.filename is the name it used. Meanwhile two h5dump loops (by
name, alternating /data/value whole and a %.17g hyperslab of /data/big) and a
loop of the linked C example h5archive_read_entry run against the same entry.

Asserted: every process finishes in time and is not killed by a signal,
every reader open gets exactly the expected values, every h5dump and C run
prints exactly the expected values, the loops overlapped the readers, and the
entry file is unchanged. The counts of opens and the wall time are printed.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

from checks import check, finish

CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
READ_ENTRY = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive_read_entry")
H5DUMP = os.path.join(os.environ["HDF5_BIN"], "h5dump")
PLUGINS = os.environ["H5ARCHIVE_PLUGINS"]
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
READERS = 8
OPENS = 100
H5DUMP_LOOPS = 2
MIN_LOOP_RUNS = 5     # each loop runs at least this often, and then until the readers are done
MAX_LOOP_RUNS = 400
TIMEOUT = 30          # one process
READER_TIMEOUT = 60   # all readers, from the start signal
ENTRY = "/uploads/test_upload/archive/test_entry"
NAMES = [ENTRY, ENTRY + "#/data/value"]


def short(text, n=300):
    text = " | ".join(line for line in str(text).splitlines() if line.strip())
    return text if len(text) <= n else text[:n] + "..."


READER = r"""
import json, os, sys, time
import h5py
import numpy as np

index, ready, go, expected, opens = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
names = json.loads(sys.argv[6])
big = np.load(expected)
eye = np.eye(5)
ext = np.arange(12.0).reshape(3, 4)
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.002)
start = time.time()
t0 = time.monotonic()
out = {"index": int(index), "opens": 0, "ok": 0, "by_name": {n: 0 for n in names}, "errors": [],
       "start": start}
for i in range(opens):
    name = names[i % len(names)]
    problems = []
    try:
        with h5py.File(name, "r") as f:
            out["opens"] += 1
            if f.filename != name:
                problems.append(f"filename {f.filename!r}")
            value = f["/data/value"][()]
            if value.dtype != np.float64 or not np.array_equal(value, eye):
                problems.append(f"/data/value {value.dtype} {value.tolist()}")
            d = f["/data/big"]
            if d.shape != big.shape or d.dtype != np.float64:
                problems.append(f"/data/big {d.shape} {d.dtype}")
            else:
                data = d[()]
                if not np.array_equal(data, big):
                    bad = np.argwhere(data != big)
                    problems.append(f"/data/big: {len(bad)} values differ, first at {bad[0].tolist()}")
            linked = f["/data/value_external"][()]
            if not np.array_equal(linked, ext):
                problems.append(f"/data/value_external {linked.tolist()}")
    except Exception as e:
        problems.append(f"{type(e).__name__}: {e}")
    if problems:
        out["errors"].append({"open": i, "name": name, "problems": problems})
    else:
        out["ok"] += 1
        out["by_name"][name] += 1
out["seconds"] = time.monotonic() - t0
out["end"] = time.time()
print(json.dumps(out))
"""


def dataset_values(h5dump_stdout):
    """The numbers of the first DATA block (the dataset's, before its
    attributes), in order."""
    m = re.search(r"DATA \{(.*?)\}", h5dump_stdout, re.S)
    if not m:
        return None
    body = re.sub(r"\([0-9, ]+\):", " ", m.group(1))
    return [float(x) for x in body.replace(",", " ").split()]


def run_loop(label, make_cmd, env, stop, log):
    """Runs make_cmd(i) -> (cmd, expected-check) repeatedly until `stop` is
    set (and at least MIN_LOOP_RUNS times)."""
    i = 0
    while i < MAX_LOOP_RUNS and (i < MIN_LOOP_RUNS or not stop.is_set()):
        cmd, verify = make_cmd(i)
        started = time.time()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            check(False, f"{label} run {i}: finishes within {TIMEOUT} s: {cmd}")
            break
        log.append(started)
        check(r.returncode >= 0, f"{label} run {i}: no crash (signal {-r.returncode})")
        check(r.returncode == 0, f"{label} run {i}: exit 0, not {r.returncode}: {short(r.stderr)}")
        problem = verify(r.stdout) if r.returncode == 0 else None
        check(problem is None, f"{label} run {i}: {problem}")
        i += 1


def main() -> int:
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="concurrent_readers_test.", dir=base)
    procs = []
    try:
        root = os.path.join(work, "staging")
        r = subprocess.run([CLI, "--root", root, "demo"], capture_output=True, text=True, timeout=TIMEOUT)
        if not check(r.returncode == 0, f"demo exits 0: {r.stderr}"):
            return 1
        big = np.random.default_rng(20240611).standard_normal((200, 1000))
        npy = os.path.join(work, "big.npy")
        np.save(npy, big)
        r = subprocess.run([CLI, "--root", root, "put", "test_upload", "test_entry", "/data/big", npy,
                            "--no-progress"], capture_output=True, text=True, timeout=TIMEOUT)
        if not check(r.returncode == 0 and f"{ENTRY}#/data/big" in r.stdout, f"put exits 0: {r.stdout} {r.stderr}"):
            return 1
        entry_file = os.path.join(root, "te", "test_upload", "archive", "test_entry.h5")
        digest = hashlib.sha256(open(entry_file, "rb").read()).hexdigest()

        env = dict(os.environ, HDF5_VOL_CONNECTOR=f"h5archive root={root}", HDF5_PLUGIN_PATH=PLUGINS)
        script = os.path.join(work, "reader.py")
        with open(script, "w") as f:
            f.write(READER)
        go = os.path.join(work, "go")
        ready = [os.path.join(work, f"ready.{k}") for k in range(READERS)]
        for k in range(READERS):
            procs.append(subprocess.Popen(
                [PYTHON, script, str(k), ready[k], go, npy, str(OPENS), json.dumps(NAMES)],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        deadline = time.monotonic() + TIMEOUT
        while not all(os.path.exists(p) for p in ready) and time.monotonic() < deadline:
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.01)
        check(all(os.path.exists(p) for p in ready), "every reader imported h5py and is ready")

        # The loops: h5dump by name (through the connector) and the linked C example.
        eye = np.eye(5).ravel().tolist()

        def h5dump_cmd(k):
            def make(i):
                name = NAMES[(i + k) % 2]
                if i % 2 == 0:
                    return ([H5DUMP, "-d", "/data/value", name],
                            lambda out: None if dataset_values(out) == eye else
                            f"h5dump -d /data/value {name}: {short(out)}")
                row, col = (37 * i + 11 * k) % 200, (101 * i) % 996
                want = big[row, col:col + 4].tolist()
                return ([H5DUMP, "-m", "%.17g", "-d", "/data/big", "-s", f"{row},{col}", "-c", "1,4", name],
                        lambda out: None if dataset_values(out) == want else
                        f"h5dump /data/big[{row},{col}:{col + 4}] {name}: {dataset_values(out)} != {want}")
            return make

        c_env = {k: v for k, v in os.environ.items() if k not in ("HDF5_VOL_CONNECTOR", "HDF5_PLUGIN_PATH")}
        c_expected = "".join(" ".join("1" if i == j else "0" for j in range(5)) + "\n" for i in range(5))

        def c_cmd(i):
            return ([READ_ENTRY, root],
                    lambda out: None if out == c_expected else f"h5archive_read_entry printed {out!r}")

        stop = threading.Event()
        logs = {f"h5dump loop {k}": [] for k in range(H5DUMP_LOOPS)}
        logs["h5archive_read_entry loop"] = []
        threads = [threading.Thread(target=run_loop, args=(f"h5dump loop {k}", h5dump_cmd(k), env, stop,
                                                           logs[f"h5dump loop {k}"]))
                   for k in range(H5DUMP_LOOPS)]
        threads.append(threading.Thread(target=run_loop, args=("h5archive_read_entry loop", c_cmd, c_env, stop,
                                                               logs["h5archive_read_entry loop"])))

        open(go, "w").close()
        t0 = time.monotonic()
        go_time = time.time()
        for t in threads:
            t.start()
        results = []
        for k, p in enumerate(procs):
            left = max(1.0, READER_TIMEOUT - (time.monotonic() - t0))
            try:
                stdout, stderr = p.communicate(timeout=left)
            except subprocess.TimeoutExpired:
                p.kill()
                stdout, stderr = p.communicate()
                check(False, f"reader {k}: finishes within {READER_TIMEOUT} s (no hang)")
                continue
            check(p.returncode >= 0, f"reader {k}: no crash (signal {-p.returncode}): {short(stderr)}")
            check(p.returncode == 0, f"reader {k}: exit 0, not {p.returncode}: {short(stderr)}")
            try:
                results.append(json.loads(stdout.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                check(False, f"reader {k}: printed its result: {short(stdout)} {short(stderr)}")
        readers_wall = time.monotonic() - t0
        readers_end = time.time()
        stop.set()
        for t in threads:
            t.join(timeout=TIMEOUT * 2)
            check(not t.is_alive(), f"{t.name}: the loop ended")
        total_wall = time.monotonic() - t0

        opens = sum(r["opens"] for r in results)
        ok = sum(r["ok"] for r in results)
        for r in results:
            check(r["opens"] == OPENS and r["ok"] == OPENS and not r["errors"],
                  f"reader {r['index']}: {r['ok']}/{OPENS} opens with exactly the expected values; "
                  f"errors: {r['errors'][:3]}")
            check(all(v == OPENS // len(NAMES) for v in r["by_name"].values()),
                  f"reader {r['index']}: both name forms opened: {r['by_name']}")
        check(len(results) == READERS and ok == READERS * OPENS,
              f"{ok} of {READERS * OPENS} reader opens got exactly the expected values")
        # The readers really ran at the same time: their windows overlap.
        if results:
            latest_start = max(r["start"] for r in results)
            earliest_end = min(r["end"] for r in results)
            check(latest_start < earliest_end,
                  f"all {len(results)} readers were running together (last start {latest_start - go_time:.2f} s, "
                  f"first end {earliest_end - go_time:.2f} s after the start signal)")
        for label, log in logs.items():
            during = [t for t in log if t < readers_end]
            check(len(during) >= 3, f"{label}: ran while the readers ran ({len(during)} of {len(log)} runs)")
        check(hashlib.sha256(open(entry_file, "rb").read()).hexdigest() == digest,
              "the entry file is unchanged by the readers")

        runs = {label: len(log) for label, log in logs.items()}
        per_reader = [round(r["seconds"], 2) for r in sorted(results, key=lambda r: r["index"])]
        print(f"concurrent_readers_test.py: {READERS} h5py readers x {OPENS} opens = {opens} opens "
              f"({ok} exact) in {readers_wall:.2f} s wall ({opens / readers_wall:.0f} opens/s; "
              f"per reader {per_reader} s); loops alongside: {runs}; total {total_wall:.2f} s")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
