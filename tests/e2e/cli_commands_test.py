"""End-to-end: every `h5archive` subcommand, its output, its files and its exit
codes (0 ok, 1 error, 2 usage), checked with h5py, numpy and h5dump."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from checks import check, finish

CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
H5DUMP = os.path.join(os.environ["HDF5_BIN"], "h5dump")


def run(*args, env=None, **kwargs):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, **kwargs)


def test_help():
    r = run("--help")
    check(r.returncode == 0, "--help exits 0")
    for command in ("demo", "resolve", "ls", "info", "get", "put", "link", "check", "env"):
        check(command in r.stdout, f"--help lists {command}")
        sub = run(command, "--help")
        check(sub.returncode == 0 and "Usage" in sub.stdout, f"{command} --help exits 0 with usage")
    # The registry's texts: one summary line per command in --help, the whole
    # description (not in --help) in the command's own help.
    summary = "Stream a .npy file into an entry's archive as a quantity"
    check(["put", summary] in [line.split(None, 1) for line in r.stdout.splitlines()],
          f"--help lists put with its one-line summary: {r.stdout}")
    check("NOMAD's reassignment rules" not in r.stdout, "--help shows summaries, not descriptions")
    put_help = run("put", "--help").stdout
    check(put_help.startswith(summary + "\n")
          and "NOMAD's reassignment rules" in put_help, f"put --help: summary, then description: {put_help}")
    for option in ("--unit", "--chunk", "--compress", "--progress", "--no-progress"):
        check(option in put_help, f"put --help documents {option}")
    get_help = run("get", "--help").stdout
    for option in ("--slice", "--format", "-o"):
        check(option in get_help, f"get --help documents {option}")
    r = run("frobnicate")
    check(r.returncode == 2, f"unknown subcommand exits 2, not {r.returncode}")
    r = run("get")
    check(r.returncode == 2 and "REF" in r.stderr, "get without REF exits 2 naming REF")


def test_ls_info_get(root):
    entry = "/uploads/test_upload/archive/test_entry"
    r = run("--root", root, "ls", entry)
    check(r.returncode == 0, f"ls exits 0: {r.stderr}")
    check("value  (5, 5) float64" in r.stdout, f"ls shows value with shape and dtype: {r.stdout}")
    check("value_external" in r.stdout and "external.h5" in r.stdout,
          f"ls shows the external link: {r.stdout}")

    r = run("--root", root, "info", entry + "#/data/value", "--json")
    check(r.returncode == 0, f"info --json exits 0: {r.stderr}")
    info = json.loads(r.stdout)
    check(info["shape"] == [5, 5] and info["dtype"] == "float64", f"info shape/dtype: {info}")
    stats = info.get("statistics", {})
    check(stats.get("count") == 25 and stats.get("min") == 0 and stats.get("max") == 1
          and abs(stats.get("mean", -1) - 0.2) < 1e-12, f"info statistics of eye(5): {stats}")
    r = run("--root", root, "info", entry + "#/data/value")
    check(r.returncode == 0 and "dtype        float64" in r.stdout, f"info text: {r.stdout}")

    r = run("--root", root, "get", entry + "#/data/value", "--format", "json")
    check(r.returncode == 0 and json.loads(r.stdout) == np.eye(5).tolist(),
          f"get --format json gives eye(5): {r.stdout} {r.stderr}")
    r = run("--root", root, "get", entry + "#/data/value", "--slice", "1:4:2, 1", "--format", "csv")
    check(r.returncode == 0 and [float(x) for x in r.stdout.split()] == [1.0, 0.0],
          f"get --slice '1:4:2, 1' as csv: {r.stdout!r} {r.stderr}")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "value.npy")
        r = run("--root", root, "get", entry + "#/data/value", "--slice", "2:", "-o", out)
        check(r.returncode == 0, f"get -o FILE exits 0: {r.stderr}")
        check(np.array_equal(np.load(out), np.eye(5)[2:]), "get -o writes .npy of the slice")
        check(not [n for n in os.listdir(tmp) if ".tmp-" in n], "get -o leaves no temporary")
        # .npy to standard output goes through a private mkdtemp folder in
        # $TMPDIR (never a predictable /tmp name), removed afterwards.
        private_tmp = os.path.join(tmp, "tmpdir")
        os.makedirs(private_tmp)
        env = dict(os.environ, TMPDIR=private_tmp)
        r = subprocess.run([CLI, "--root", root, "get", entry + "#/data/value", "--format", "npy"],
                           capture_output=True, env=env)
        check(r.returncode == 0, f"get --format npy to a pipe exits 0: {r.stderr}")
        with open(os.path.join(tmp, "piped.npy"), "wb") as f:
            f.write(r.stdout)
        check(np.array_equal(np.load(os.path.join(tmp, "piped.npy")), np.eye(5)),
              "get --format npy to a pipe writes the .npy")
        check(os.listdir(private_tmp) == [], f"get to a pipe leaves nothing in TMPDIR: "
              f"{os.listdir(private_tmp)}")
    r = run("--root", root, "get", entry + "#/data/value", "--slice", "0:2, 7")
    check(r.returncode == 1 and "7" in r.stderr, f"out-of-range slice exits 1 naming it: {r.stderr}")
    r = run("--root", root, "get", entry + "#/data/value", "--slice", "a:b")
    check(r.returncode == 1 and "a:b" in r.stderr, f"unparseable slice exits 1 naming it: {r.stderr}")
    r = run("--root", root, "get", "/uploads/test_upload/archive/test_entry#/data/nothing")
    check(r.returncode == 1 and "/data/nothing" in r.stderr, f"missing dataset exits 1: {r.stderr}")
    r = run("--root", root, "get", "/uploads/no_such_upload/raw/x.h5#/d")
    check(r.returncode == 1 and "no_such_upload" in r.stderr, f"unknown upload exits 1: {r.stderr}")
    r = run("--root", root, "get", "/uploads/test_upload/raw/../../x.h5#/d")
    check(r.returncode == 1 and "test_upload" in r.stderr, f"escape attempt exits 1: {r.stderr}")


def test_put(root, tmp):
    rng = np.random.default_rng(7)
    a = rng.normal(size=(3000, 40)).astype(np.float32)
    a[5, 3] = np.nan
    src = os.path.join(tmp, "a.npy")
    np.save(src, a)
    r = run("--root", root, "put", "test_upload", "big_entry", "/data/spectrum", src,
            "--unit", "eV", "--chunk", "500,40", "--compress", "deflate", "--block-mib", "0.1",
            "--progress")
    check(r.returncode == 0, f"put exits 0: {r.stderr}")
    check("/uploads/test_upload/archive/big_entry#/data/spectrum" in r.stdout,
          f"put prints the reference: {r.stdout}")
    check("100%" in r.stderr, f"--progress draws a bar on stderr: {r.stderr!r}")
    upload = os.path.join(root, "te", "test_upload")
    with h5py.File(os.path.join(upload, "archive", "big_entry.h5"), "r") as f:
        d = f["/data/spectrum"]
        check(d.dtype == np.float32 and d.shape == a.shape, f"put dtype/shape: {d.dtype} {d.shape}")
        check(np.array_equal(d[()], a, equal_nan=True), "put stores the values bit for bit")
        check(d.chunks == (500, 40) and d.compression == "gzip" and d.shuffle,
              f"put layout: chunks {d.chunks}, {d.compression}, shuffle {d.shuffle}")
        check(d.attrs["units"] == "eV", f"units attribute: {dict(d.attrs)}")
    with open(os.path.join(upload, "archive", "big_entry.json")) as fp:
        archive = json.load(fp)
    check(archive["data"]["spectrum"] == "/uploads/test_upload/archive/big_entry#/data/spectrum",
          f"JSON value is the reference: {archive}")
    meta = archive["data"]["m_hdf5"]["spectrum"]
    valid = a[~np.isnan(a)]
    st = meta["statistics"]
    check(meta["shape"] == [3000, 40] and meta["dtype"] == "float32" and meta["unit"] == "eV",
          f"m_hdf5 shape/dtype/unit: {meta}")
    check(st["count"] == a.size and st["nan_count"] == 1, f"m_hdf5 count/nan_count: {st}")
    check(st["min"] == float(valid.min()) and st["max"] == float(valid.max()),
          f"m_hdf5 min/max against numpy: {st}")
    check(abs(st["mean"] - float(valid.astype(np.float64).mean())) < 1e-9,
          f"m_hdf5 mean against numpy: {st['mean']} vs {valid.astype(np.float64).mean()}")

    r = run("--root", root, "put", "test_upload", "big_entry", "/data/spectrum", src, "--no-progress")
    check(r.returncode == 0 and "%" not in r.stderr, f"--no-progress prints no bar: {r.stderr!r}")

    # Reassignment rules: shape and dtype; the file and the JSON stay as they were.
    json_before = open(os.path.join(upload, "archive", "big_entry.json")).read()
    bad_shape = os.path.join(tmp, "bad_shape.npy")
    np.save(bad_shape, np.zeros((10, 40), np.float32))
    r = run("--root", root, "put", "test_upload", "big_entry", "/data/spectrum", bad_shape)
    check(r.returncode == 1 and "Shapes do not match (existing (3000, 40) vs new (10, 40))" in r.stderr,
          f"shape mismatch exits 1 with NOMAD's message: {r.stderr}")
    bad_dtype = os.path.join(tmp, "bad_dtype.npy")
    np.save(bad_dtype, np.zeros((3000, 40), np.float64))
    r = run("--root", root, "put", "test_upload", "big_entry", "/data/spectrum", bad_dtype)
    check(r.returncode == 1 and "Datatypes cannot be safely cast (existing float32 vs new float64)" in r.stderr,
          f"dtype mismatch exits 1 with NOMAD's message: {r.stderr}")
    check(open(os.path.join(upload, "archive", "big_entry.json")).read() == json_before,
          "a refused put leaves the JSON unchanged")
    with h5py.File(os.path.join(upload, "archive", "big_entry.h5"), "r") as f:
        check(np.array_equal(f["/data/spectrum"][()], a, equal_nan=True),
              "a refused put leaves the data unchanged")

    fortran = os.path.join(tmp, "fortran.npy")
    np.save(fortran, np.asfortranarray(np.zeros((3, 4))))
    r = run("--root", root, "put", "test_upload", "e2", "/data/x", fortran)
    check(r.returncode == 1 and "fortran.npy" in r.stderr and "Fortran" in r.stderr,
          f"Fortran-order .npy refused naming the file: {r.stderr}")
    r = run("--root", root, "put", "no_such_upload", "e2", "/data/x", src)
    check(r.returncode == 1 and "no_such_upload" in r.stderr, f"put into a missing upload: {r.stderr}")
    r = run("--root", root, "put", "test_upload", "e2", "/data/x", os.path.join(tmp, "missing.npy"))
    check(r.returncode == 2, f"put of a missing file is a usage error: {r.returncode} {r.stderr}")
    r = run("--root", root, "put", "test_upload", "e2", "/metadata/x", src)
    check(r.returncode == 1 and "/metadata/x" in r.stderr, f"put under metadata refused: {r.stderr}")

    # --swmr: an unlimited first axis in a 1.10-format file; an older file is
    # refused before anything is written.
    r = run("--root", root, "put", "test_upload", "swmr_entry", "/data/live", src, "--swmr",
            "--block-mib", "0.1")
    check(r.returncode == 0, f"put --swmr exits 0: {r.stderr}")
    with h5py.File(os.path.join(upload, "archive", "swmr_entry.h5"), "r") as f:
        d = f["/data/live"]
        check(d.maxshape == (None, 40) and np.array_equal(d[()], a, equal_nan=True),
              f"put --swmr stores the values with an unlimited first axis: {d.maxshape}")
        superblock = f.id.get_create_plist().get_version()[0]
        check(superblock >= 3, f"put --swmr writes HDF5 1.10's format: superblock {superblock}")
    test_entry_h5 = os.path.join(upload, "archive", "test_entry.h5")
    before = open(test_entry_h5, "rb").read()
    r = run("--root", root, "put", "test_upload", "test_entry", "/data/new", src, "--swmr")
    check(r.returncode == 1 and "older than HDF5 1.10's" in r.stderr and "test_entry.h5" in r.stderr,
          f"put --swmr into an older file is refused naming it: {r.stderr}")
    check(open(test_entry_h5, "rb").read() == before, "the refused put --swmr left the file unchanged")

    # Through the connector, h5dump reads what put wrote, by name.
    env = dict(os.environ, HDF5_VOL_CONNECTOR=f"h5archive root={root}",
               HDF5_PLUGIN_PATH=os.environ["H5ARCHIVE_PLUGINS"])
    r = subprocess.run([H5DUMP, "-H", "-d", "/data/spectrum", "/uploads/test_upload/archive/big_entry"],
                       capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "( 3000, 40 )" in r.stdout, f"h5dump by name: {r.stdout} {r.stderr}")


def test_link_check(root):
    upload = os.path.join(root, "te", "test_upload")
    r = run("--root", root, "link", "test_upload", "links", "/data/ext", "external.h5#/path/to/data")
    check(r.returncode == 0, f"link exits 0: {r.stderr}")
    with h5py.File(os.path.join(upload, "archive", "links.h5"), "r") as f:
        link = f["/data"].get("ext", getlink=True)
        check(isinstance(link, h5py.ExternalLink) and link.filename == "../raw/external.h5",
              f"link writes a relative external link: {link}")
        with h5py.File(os.path.join(upload, "raw", "external.h5"), "r") as raw:
            check(np.array_equal(f["/data/ext"][()], raw["/path/to/data"][()]),
                  "the external link reads the raw dataset")
    with open(os.path.join(upload, "archive", "links.json")) as fp:
        check(json.load(fp)["data"]["ext"] == "external.h5#/path/to/data", "link sets the JSON string")
    r = run("--root", root, "link", "test_upload", "links", "/data/bad", "not a reference")
    check(r.returncode == 1 and "not a reference" in r.stderr, f"link refuses a bad reference: {r.stderr}")
    r = run("--root", root, "link", "test_upload", "links", "/data/bad", "external.h5#/no/such")
    check(r.returncode == 1 and "/no/such" in r.stderr, f"link refuses a missing dataset: {r.stderr}")

    r = run("--root", root, "check", "test_upload")
    check(r.returncode == 0 and "0 broken" in r.stdout, f"check of a sound upload: {r.stdout} {r.stderr}")
    # Break one reference by hand: check lists it with the reason and exits 1.
    path = os.path.join(upload, "archive", "links.json")
    archive = json.load(open(path))
    archive["data"]["gone"] = "missing.h5#/x"
    json.dump(archive, open(path, "w"))
    r = run("--root", root, "check", "test_upload")
    check(r.returncode == 1 and "links /data/gone missing.h5#/x:" in r.stderr and "1 broken" in r.stdout,
          f"check lists the broken reference: {r.stdout} {r.stderr}")
    r = run("--root", root, "check", "test_upload", "test_entry")
    check(r.returncode == 0, f"check of one sound entry exits 0: {r.stderr}")
    r = run("--root", root, "check", "no_such_upload")
    check(r.returncode == 1 and "no_such_upload" in r.stderr, f"check of a missing upload: {r.stderr}")


def test_env(root):
    r = run("--root", root, "env")
    check(r.returncode == 0, f"env exits 0: {r.stderr}")
    check(f"export HDF5_VOL_CONNECTOR='h5archive root={os.path.abspath(root)}'" in r.stdout,
          f"env names the root: {r.stdout}")
    check("export HDF5_PLUGIN_PATH=" in r.stdout, f"env sets the plugin path: {r.stdout}")
    # The lines work: eval them, then h5dump opens an entry by name.
    script = f'eval "$({CLI} --root {root} env)"; "{H5DUMP}" -d /data/value /uploads/test_upload/archive/test_entry'
    env = {k: v for k, v in os.environ.items() if k not in ("HDF5_VOL_CONNECTOR", "HDF5_PLUGIN_PATH")}
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "DATASET \"/data/value\"" in r.stdout,
          f"eval of env lets h5dump read by name: {r.stdout[-300:]} {r.stderr}")
    # A root whose name holds the info string's own syntax still round-trips
    # (the connector reads what the library's StagingConfig writes).
    odd = os.path.join(os.path.dirname(os.path.abspath(root)), "odd } {root;x\\")
    if os.path.lexists(odd):
        os.unlink(odd)
    os.symlink(os.path.abspath(root), odd)
    script = (f'eval "$({CLI} --root "$ODD" env)"; '
              f'"{H5DUMP}" -d /data/value /uploads/test_upload/archive/test_entry')
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=dict(env, ODD=odd))
    check(r.returncode == 0 and "DATASET \"/data/value\"" in r.stdout,
          f"env of a root with braces, ';' and '\\' lets h5dump read: {r.stdout[-300:]} {r.stderr}")
    r = run("--root", root, "env", "--upload", "bad/id")
    check(r.returncode == 1 and "bad/id" in r.stderr, f"env refuses a bad upload id: {r.stderr}")


def main() -> int:
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="cli_commands_test.", dir=base)
    try:
        root = os.path.join(work, "staging")
        r = run("--root", root, "demo")
        check(r.returncode == 0, f"demo exits 0: {r.stderr}")
        test_help()
        test_ls_info_get(root)
        test_put(root, work)
        test_link_check(root)
        test_env(root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
