"""Crash safety: a writer killed with SIGKILL at random moments loses nothing
it had committed and tears nothing.

tests/e2e/crash_writer.cpp loops adding steps to an entry archive (array
assignment, JSON save, or QuantityWriter streaming) and logs "commit n" with
fsync after each step's save. Each trial restarts it (it continues from the
saved archive), kills it after a random delay, and checks:
- the entry archive JSON parses and is the old or the new complete version:
  steps 0..c (c = last logged commit) or 0..c+1, every value as written;
- every committed step's array reads back bit-exact from the archive HDF5 file
  (and the newest one through the connector's /uploads name);
- a bystander entry's files are byte-for-byte unchanged;
- the archive HDF5 file opens (no consistency flag to clear: the library
  writes with HDF5's default file format, whose superblock has none).

CRASH_TRIALS (default 24) and CRASH_SEED (default random, printed) can be set.
"""

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

from checks import FAILURES, check, finish

BIN = os.environ["H5ARCHIVE_BIN"]
PLUGINS = os.environ["H5ARCHIVE_PLUGINS"]
TMP = os.path.join(os.environ["E2E_TMP"], f"crash_safety-{os.getpid()}")
WRITER = os.path.join(BIN, "crash_writer")
TRIALS = int(os.environ.get("CRASH_TRIALS", "24"))
SEED = int(os.environ.get("CRASH_SEED", str(random.randrange(1 << 30))))
MODES = ["assign", "save", "stream"]
ELEMENTS = {"assign": 1 << 17, "save": 4096, "stream": 64 * 2048, "once": 128}
LIST_SIZE = {"assign": 4, "save": 8000, "stream": 4, "once": 4}



def value_of(n, count):
    """What crash_writer writes for step n (value_of in crash_writer.cpp)."""
    return np.float64(n) * 1048576.0 + np.arange(count, dtype=np.float64) + 0.25


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def archive_dir(root):
    return os.path.join(root, "cr", "crash", "archive")


def committed(log):
    """Last step logged as committed, or -1."""
    if not os.path.exists(log):
        return -1
    with open(log) as f:
        steps = [int(line.split()[1]) for line in f if line.startswith("commit ")]
    return max(steps, default=-1)


def dataset_of(mode, entry, n):
    return f"/streams/{n}" if mode == "stream" else f"/data/steps/{n}/value"


def saved_steps(root, entry):
    """How many steps the saved archive JSON of `entry` holds (0 if none)."""
    try:
        with open(os.path.join(archive_dir(root), entry + ".json")) as f:
            return len(json.load(f)["data"]["steps"])
    except (OSError, ValueError, KeyError):
        return 0


def check_entry(root, mode, entry, last, trial, saved_before=0):
    """Checks the JSON and the HDF5 file of `entry` against `last` committed
    steps; returns 'old' or 'new' (which complete version the JSON is).
    After the last logged commit at most one more save can have happened; a
    writer that logged nothing saved at most once more than the JSON it
    started from (`saved_before` steps), which may itself hold a step saved
    but not logged before an earlier kill."""
    where = f"trial {trial} ({mode})"
    json_path = os.path.join(archive_dir(root), entry + ".json")
    if last < 0 and not os.path.exists(json_path):
        return "old"
    try:
        with open(json_path) as f:
            archive = json.load(f)
    except (OSError, ValueError) as e:
        check(False, f"{where}: {json_path} is not a complete JSON file: {e}")
        return "torn"
    steps = archive.get("data", {}).get("steps", [])
    check(archive["metadata"] == {"upload_id": "crash", "entry_id": entry, "mainfile": "crash.txt"},
          f"{where}: metadata changed: {archive['metadata']}")
    check(last + 1 <= len(steps) <= max(last + 2, saved_before + 1),
          f"{where}: the JSON has {len(steps)} steps, but {last + 1} were committed (and "
          f"{saved_before} saved before)")
    for n, step in enumerate(steps):
        ref = f"/uploads/crash/archive/{entry}#{dataset_of(mode, entry, n)}"
        check(step.get("value") == ref, f"{where}: step {n} value {step.get('value')!r} != {ref!r}")
        x = step.get("x")
        check(x == value_of(n, LIST_SIZE[mode]).tolist(), f"{where}: step {n} x differs")
    h5_path = os.path.join(archive_dir(root), entry + ".h5")
    try:
        with h5py.File(h5_path, "r") as f:
            for n in range(last + 1):
                want = value_of(n, ELEMENTS[mode])
                got = f[dataset_of(mode, entry, n)][()]
                check(got.dtype == np.float64 and got.tobytes() == want.tobytes(),
                      f"{where}: committed step {n} does not read back bit-exact")
                if mode == "stream":  # the archive path is an external link to the stream
                    check(f[f"/data/steps/{n}/value"][()].tobytes() == want.tobytes(),
                          f"{where}: /data/steps/{n}/value does not follow to the stream")
    except (OSError, KeyError, RuntimeError) as e:  # h5py's classes for HDF5's errors
        check(False, f"{where}: {h5_path} does not open or read: {type(e).__name__}: {e}")
    return "new" if len(steps) == last + 2 else "old"


def read_through_connector(root, entry, dataset):
    """The dataset's float64 bytes as h5py reads them through the connector."""
    env = dict(os.environ, HDF5_PLUGIN_PATH=PLUGINS, HDF5_VOL_CONNECTOR=f"h5archive root={root}")
    code = ("import h5py,sys\n"
            f"with h5py.File('/uploads/crash/archive/{entry}', 'r') as f:\n"
            f"    sys.stdout.buffer.write(f['{dataset}'][()].tobytes())\n")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout


def half_created_case(root):
    """A writer killed after the link of its new dataset reached the file but
    before the dataset's object header did leaves an object at the path that
    HDF5 cannot read, and cannot delete. The library's writers no longer leave
    one (a new value is linked only once it is flushed), but files written
    before, or a kill in that last instant, still can: one is planted here by
    hand at the next step's /streams/<n>, which no committed archive refers
    to, every run. The restarted writer must remove it, say so on standard
    error, and commit that step."""
    entry = "e_stream"
    log = os.path.join(TMP, "log.stream")
    # The step the writer adds next: the saved archive's count (a kill may
    # have come after the save of step c + 1 but before "commit c + 1").
    n = saved_steps(root, entry)
    path = dataset_of("stream", entry, n)
    h5_path = os.path.join(archive_dir(root), entry + ".h5")
    address = None
    with h5py.File(h5_path, "a") as f:
        try:
            if path in f:  # a killed writer had finished it, but not saved the archive
                del f[path]
            address = h5py.h5o.get_info(f.create_dataset(path, data=np.zeros(3)).id).addr
        except (KeyError, OSError, ValueError):
            pass  # a kill left one already: HDF5 can neither read nor delete it
    if address is not None:
        with open(h5_path, "r+b") as f:  # the object header never written: zeros
            f.seek(address)
            f.write(bytes(16))
    with h5py.File(h5_path, "r") as f:
        try:
            f[path]
            check(False, f"half-created case: the planted {path} is still readable")
        except (KeyError, OSError):
            pass
    writer = subprocess.Popen([WRITER, root, log, "stream", entry], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while committed(log) < n and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    _, err = writer.communicate()
    err = err.decode(errors="replace")
    check(committed(log) >= n, f"half-created case: step {n} was committed over the planted "
          f"object: {err}")
    check(f"h5archive: note: removed {path} from {h5_path}: a writer that stopped before "
          "finishing left it half-created" in err, f"half-created case: the note: {err!r}")
    check_entry(root, "stream", entry, committed(log), "half-created case", n)
    print(f"crash safety: the half-created {path} was removed and step {n} committed")


def main():
    print(f"crash safety: {TRIALS} trials, CRASH_SEED={SEED}")
    rng = random.Random(SEED)
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    root = os.path.join(TMP, "staging")
    subprocess.run([WRITER, root, os.path.join(TMP, "log.bystander"), "once", "bystander"], check=True)
    bystander = {name: sha256(os.path.join(archive_dir(root), name))
                 for name in ("bystander.json", "bystander.h5")}

    outcomes = {"old": 0, "new": 0, "torn": 0}
    kills = {m: 0 for m in MODES}
    started = time.monotonic()
    for trial in range(TRIALS):
        mode = MODES[trial % len(MODES)]
        entry = "e_" + mode
        log = os.path.join(TMP, "log." + mode)
        before = committed(log)
        saved_before = saved_steps(root, entry)
        writer = subprocess.Popen([WRITER, root, log, mode, entry], stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.01, 0.4))
        writer.send_signal(signal.SIGKILL)
        _, err = writer.communicate()
        if not check(writer.returncode == -signal.SIGKILL,
                     f"trial {trial} ({mode}): the writer exited with {writer.returncode} before "
                     f"the kill: {err.decode(errors='replace')}"):
            continue
        kills[mode] += 1
        last = committed(log)
        check(last >= before, f"trial {trial}: the commit log went backwards")
        outcomes[check_entry(root, mode, entry, last, trial, saved_before)] += 1
        for name, digest in bystander.items():
            check(sha256(os.path.join(archive_dir(root), name)) == digest,
                  f"trial {trial}: the bystander entry's {name} changed")

    half_created_case(root)

    # A restarted writer can carry on, and the connector reads what survived.
    for mode in MODES:
        entry = "e_" + mode
        last = committed(os.path.join(TMP, "log." + mode))
        if last >= 0:
            got = read_through_connector(root, entry, dataset_of(mode, entry, last))
            check(got == value_of(last, ELEMENTS[mode]).tobytes(),
                  f"{mode}: step {last} differs when read through the connector")
    leftovers = [n for n in os.listdir(archive_dir(root)) if ".tmp-" in n]
    elapsed = time.monotonic() - started
    print(f"crash safety: kills {kills}; JSON after kill: {outcomes['old']} old complete, "
          f"{outcomes['new']} new complete, {outcomes['torn']} torn; steps committed "
          + ", ".join(f"{m} {committed(os.path.join(TMP, 'log.' + m)) + 1}" for m in MODES)
          + f"; leftover temporary JSON files {len(leftovers)}; {elapsed:.1f} s")
    if FAILURES:
        print(f"kept {TMP} for inspection", file=sys.stderr)
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
