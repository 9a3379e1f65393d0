"""The Python side of tests/wheel/hostile_pytest.py: every public function of
h5archive tried on the hostile upload, in this one process, which the test
runs under `strace -f -y`. Uses only the public API.

    python hostile_driver.py SPEC_JSON

SPEC: root (the staging root), npy (a .npy file to put), out (a folder for
get(..., out=)), refs (the hostile references, relative to the upload),
fifo_refs (the ones naming a FIFO), entries (entries whose archive/<e>.h5 or
.json is a symbolic link leading outside). Prints one JSON line per operation:
{"op", "ok", "value" | "error", "classes", "msg", "seconds"}, a
{"start": op} line before each (so that a hang names its operation), and
exits 0 whatever the operations did.
"""
import json
import os
import sys
import time

import numpy as np

import h5archive

UPLOAD = "up_evil"


def plain(value):
    """A JSON form of an operation's result (numpy arrays as lists)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return value if isinstance(value, (str, int, float, bool, type(None), list)) else repr(value)


def run(op, fn):
    print(json.dumps({"start": op}), flush=True)
    start = time.monotonic()
    try:
        record = {"op": op, "ok": True, "value": plain(fn())}
    except Exception as e:  # every outcome is data for the test
        record = {"op": op, "ok": False, "error": type(e).__name__,
                  "classes": [c.__name__ for c in type(e).__mro__], "msg": str(e)}
    record["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(record), flush=True)


def definition():
    return h5archive.SectionDef("Hostile").quantity(h5archive.QuantityDef.hdf5_reference("value"))


def archive_with(area, entry, ref):
    """Entry `entry` whose data/value is the reference string `ref`."""
    archive = h5archive.EntryArchive(definition(), area, UPLOAD, entry)
    archive.data.value = ref
    return archive


def read_dataset(dataset):
    try:
        return dataset[()]
    finally:
        dataset.file.close()


def reads(area, ref, tag):
    """get (whole, a selection, to a file) and the four archive reads of `ref`."""
    out = os.path.join(SPEC["out"], f"{tag}.npy")
    run(f"get {ref}", lambda: h5archive.get(area, ref, upload=UPLOAD))
    run(f"get {ref} [0]", lambda: h5archive.get(area, ref, np.s_[0], upload=UPLOAD))
    run(f"get {ref} out=", lambda: h5archive.get(area, ref, upload=UPLOAD, out=out))
    run(f"assign {ref}", lambda: archive_with(area, tag, ref).data.value)
    run(f"archive.read {ref}", lambda: archive_with(area, tag, ref).read("data/value"))
    run(f"data.read {ref} [0]",
        lambda: archive_with(area, tag, ref).data.read("value", np.s_[0]))
    run(f"data.dataset {ref}",
        lambda: read_dataset(archive_with(area, tag, ref).data.dataset("value")))
    run(f"archive.dataset {ref}",
        lambda: read_dataset(archive_with(area, tag, ref).dataset("data/value")))


def stream(area, entry):
    """Streams into `entry`, then saves its archive/<entry>.json, as a user would."""
    archive = h5archive.EntryArchive(definition(), area, UPLOAD, entry)
    with archive.data.stream("value", "f8") as w:
        w.append(np.arange(4.0))
    run(f"save {entry}", archive.save)
    return archive.data.value


def writes(area, entry):
    """put, load and stream into `entry`, whose archive/<entry>.h5 or .json
    leads outside."""
    target = f"/uploads/{UPLOAD}/archive/{entry}#/data/value"
    run(f"put {entry}", lambda: h5archive.put(area, target, SPEC["npy"]))
    run(f"load {entry}", lambda: h5archive.EntryArchive.load(area, definition(), UPLOAD, entry)
        .to_dict())
    run(f"stream {entry}", lambda: stream(area, entry))


def legitimate(area):
    """What must keep working under the same trace."""
    ok = f"/uploads/{UPLOAD}/raw/ok.h5#/d"
    out = os.path.join(SPEC["out"], "ok.npy")
    run("get ok.h5", lambda: h5archive.get(area, ok))
    run("get ok.h5 out=", lambda: (h5archive.get(area, ok, out=out), np.load(out))[1])
    run("archive.read ok.h5#/d", lambda: archive_with(area, "fine_ref", "ok.h5#/d")
        .read("data/value"))

    def assign_eye():
        archive = h5archive.EntryArchive(definition(), area, UPLOAD, "fine")
        archive.data.value = np.eye(2)
        archive.save()
        return archive.read("data/value")

    run("assign eye", assign_eye)


def main():
    area = h5archive.StagingArea(SPEC["root"])
    legitimate(area)
    for i, ref in enumerate(SPEC["refs"]):
        reads(area, ref, f"e{i}")
    for entry in SPEC["entries"]:
        writes(area, entry)
    # Last: a FIFO that blocked would hang the process, and the test names it.
    for i, ref in enumerate(SPEC["fifo_refs"]):
        reads(area, ref, f"f{i}")
    return 0


if __name__ == "__main__":
    SPEC = json.loads(sys.argv[1])
    sys.exit(main())
