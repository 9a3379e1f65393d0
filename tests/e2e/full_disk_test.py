"""Full disk: a write that runs out of space fails with exit code 1 and a
clear message, leaves the previous value, its statistics and the archive JSON
exactly as they were, and the process ends normally (no signal, no abort).

Two ways to run out, each through `h5archive put` (a reassignment that needs
room for the old and the new value at once) and through a streaming writer of
the library (tests/e2e/crash_writer.cpp in stream mode, adding 1 MiB steps
until the disk is full):
- a real full disk: a 4 MiB (put) and an 8 MiB (stream) tmpfs mounted in a
  temporary folder (needs root, as CI has; skipped with a note otherwise);
- the process's file-size limit: RLIMIT_FSIZE set in the child (SIGXFSZ
  ignored, so that writes fail with EFBIG instead of killing it).
Afterwards, with room again, the same put succeeds: the file is intact.
"""

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from checks import check, finish

BIN = os.environ["H5ARCHIVE_BIN"]
CLI = os.path.join(BIN, "h5archive")
WRITER = os.path.join(BIN, "crash_writer")
ROWS = 150000  # 1.2 MB of float64: two 1 MiB chunks on disk


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def make_upload(root, upload):
    for sub in ("raw", "archive"):
        os.makedirs(os.path.join(root, upload[:2], upload, sub), exist_ok=True)


def archive_file(root, upload, entry, ext):
    return os.path.join(root, upload[:2], upload, "archive", entry + ext)


def snapshot(root):
    """The value, its attributes (units, statistics) and the JSON's bytes."""
    with h5py.File(archive_file(root, "full", "e", ".h5"), "r") as f:
        d = f["/data/value"]
        return d[()].tobytes(), {k: np.asarray(v).tolist() for k, v in d.attrs.items()}, \
            sha256(archive_file(root, "full", "e", ".json"))


def file_size_limit(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def check_put(root, work, how, preexec=None, reason=""):
    """put a.npy, then b.npy (same shape) where the room runs out."""
    np.save(os.path.join(work, "a.npy"), np.arange(ROWS, dtype="f8"))
    np.save(os.path.join(work, "b.npy"), -np.arange(ROWS, dtype="f8"))
    make_upload(root, "full")
    r = subprocess.run([CLI, "--root", root, "put", "full", "e", "/data/value",
                        os.path.join(work, "a.npy"), "--unit", "m"], capture_output=True, text=True)
    if not check(r.returncode == 0, f"{how}: the first put succeeds: {r.stderr}"):
        return
    before = snapshot(root)
    check(before[1].get("h5archive_max") == ROWS - 1 and before[1].get("units") == "m",
          f"{how}: the first put's statistics and unit: {before[1]}")
    limit = preexec(os.path.getsize(archive_file(root, "full", "e", ".h5"))) if preexec else None
    r = subprocess.run([CLI, "--root", root, "put", "full", "e", "/data/value",
                        os.path.join(work, "b.npy"), "--unit", "s"],
                       capture_output=True, text=True, preexec_fn=limit)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1, f"{how}: put exits 1, not {r.returncode} (negative: a signal)")
    check(len(lines) == 1 and lines[0].startswith("h5archive: error: Not enough space to write "
                                                  "dataset /data/value in ")
          and reason in lines[0], f"{how}: one clear error line naming the reason: {r.stderr!r}")
    check(snapshot(root) == before,
          f"{how}: the old value, its statistics and the JSON are unchanged")
    r = subprocess.run([CLI, "--root", root, "get", "/uploads/full/archive/e#/data/value",
                        "--slice", f"{ROWS - 2}:"], capture_output=True, text=True)
    check(r.returncode == 0 and json.loads(r.stdout) == [ROWS - 2, ROWS - 1],
          f"{how}: get reads the old value: {r.stdout} {r.stderr}")
    print(f"full disk ({how}): put failed cleanly: {lines[0] if lines else ''}")


def check_stream(root, work, how, preexec=None, reason=""):
    """The library's streaming writer adds 1 MiB steps until the room runs out."""
    log = os.path.join(work, "log." + how)
    limit = preexec(16 << 20) if preexec else None
    r = subprocess.run([WRITER, root, log, "stream", "s"], capture_output=True, text=True,
                       preexec_fn=limit, timeout=300)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1, f"{how}: the streaming writer exits 1, not {r.returncode}: {r.stderr}")
    check(len(lines) == 1 and lines[0].startswith("crash_writer: error: ") and reason in lines[0],
          f"{how}: the streaming writer says why: {r.stderr!r}")
    with open(log) as f:
        committed = [int(line.split()[1]) for line in f if line.startswith("commit ")]
    check(len(committed) >= 1, f"{how}: at least one step was committed before the disk was full")
    with open(archive_file(root, "crash", "s", ".json")) as f:
        steps = json.load(f)["data"]["steps"]
    check(len(steps) == len(committed), f"{how}: the JSON holds the {len(committed)} committed "
          f"steps, not {len(steps)}")
    with h5py.File(archive_file(root, "crash", "s", ".h5"), "r") as f:
        for n in committed:
            want = np.float64(n) * 1048576.0 + np.arange(64 * 2048, dtype="f8") + 0.25
            check(f[f"/streams/{n}"][()].tobytes() == want.tobytes(),
                  f"{how}: committed step {n} reads back bit-exact")
            check(f[f"/streams/{n}"].attrs["h5archive_count"] == 64 * 2048,
                  f"{how}: committed step {n} has its statistics")
        check(f"/streams/{len(committed)}" not in f,
              f"{how}: the step that ran out of room left nothing at its path")
    print(f"full disk ({how}): streaming writer stopped cleanly after {len(committed)} steps: "
          f"{lines[0] if lines else ''}")


def with_tmpfs(work, size, body):
    mount = os.path.join(work, f"tmpfs-{size}")
    os.makedirs(mount)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mount],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"full disk: NOTE: cannot mount a tmpfs ({r.stderr.strip()}): the real full-disk "
              "cases need root and were not run")
        return False
    try:
        body(os.path.join(mount, "staging"))
    finally:
        subprocess.run(["umount", mount], check=True)
    return True


def main():
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="full_disk_test.", dir=base)
    try:
        enospc = "No space left on device"
        ran = with_tmpfs(work, "4m", lambda root: check_put(root, work, "tmpfs", reason=enospc))
        if ran:
            def stream_then_room(root):
                # The put's entry takes 2 MiB, the stream fills the rest; then,
                # with room again, the same file takes the new value.
                make_upload(root, "full")
                r = subprocess.run([CLI, "--root", root, "put", "full", "e", "/data/value",
                                    os.path.join(work, "a.npy"), "--unit", "m"],
                                   capture_output=True, text=True)
                check(r.returncode == 0, f"tmpfs 8m: the first put succeeds: {r.stderr}")
                check_stream(root, work, "tmpfs stream", reason=enospc)
                shutil.rmtree(os.path.join(root, "cr"))
                r = subprocess.run([CLI, "--root", root, "put", "full", "e", "/data/value",
                                    os.path.join(work, "b.npy")], capture_output=True, text=True)
                check(r.returncode == 0, f"tmpfs: put succeeds once there is room: {r.stderr}")
                with h5py.File(archive_file(root, "full", "e", ".h5"), "r") as f:
                    d = f["/data/value"]
                    check(d[-1] == -(ROWS - 1) and d.attrs["h5archive_min"] == -(ROWS - 1)
                          and d.attrs["units"] == "m", "tmpfs: the new value and statistics, "
                          "the unit kept")
            with_tmpfs(work, "8m", stream_then_room)

        fsize = "file-size limit (ulimit -f)"
        check_put(os.path.join(work, "limited"), work, "RLIMIT_FSIZE",
                  preexec=lambda size: file_size_limit(size + 500000), reason=fsize)
        check_stream(os.path.join(work, "limited"), work, "RLIMIT_FSIZE stream",
                     preexec=file_size_limit, reason=fsize)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
