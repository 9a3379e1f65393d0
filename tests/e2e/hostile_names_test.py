"""Hostile names and references through `h5archive resolve`, h5dump and h5py
(the VOL connector), each process traced with strace.

Every name is refused with a message naming the reason, or resolves inside
the staging root. strace records every file-name system call of h5dump and of
the h5py process; the test asserts that no path argument lies outside the
staging root, the HDF5 prefix, the build, the venv and the system folders,
and that the canary files outside the root (reachable only through the
symbolic links planted in raw/ and archive/) never appear at all.

Names with NUL bytes cannot pass through argv or HDF5's C strings; they are
covered by tests/unit/hostile_names_test.cpp (the library itself).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from checks import check, finish

HDF5_BIN = os.environ["HDF5_BIN"]
PLUGINS = os.environ["H5ARCHIVE_PLUGINS"]
CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
TIMEOUT = 60
LONG = "a" * 65536

# (label, input, kind, expected). kind: "ref" = /uploads/ reference (CLI and
# connector), "name" = /uploads/ name without '#' (connector only), "plain" =
# reference without prefix (CLI with --upload up_A, connector with upload=up_A).
# expected: ("legal", path relative to the root) or ("refused", message part);
# an optional fifth element is what the connector does instead.
CASES = [
    ("dotdot upload id", "/uploads/../raw/data.h5#/x", "ref", ("refused", "Invalid upload id '..'")),
    ("dotdot directory", "/uploads/up_A/../up_B/raw/data.h5#/x", "ref", ("refused", "unknown directory '..'")),
    ("dotdot upload id (name)", "/uploads/../up_A/raw/data.h5", "name", ("refused", "Invalid upload id '..'")),
    ("dot upload id (name)", "/uploads/./raw/data.h5", "name", ("refused", "Invalid upload id '.'")),
    ("dotdot directory (name)", "/uploads/up_A/../up_B/raw/data.h5", "name", ("refused", "unknown directory '..'")),
    ("dotdot raw path (name)", "/uploads/up_A/raw/../archive/e.h5", "name", ("refused", "leaves raw/")),
    ("dotdot file, no prefix", "../up_B/raw/data.h5#/x", "plain", ("refused", "leaves raw/")),
    ("dotdot to /etc", "/uploads/up_A/raw/../../../../etc/passwd#/x", "ref", ("refused", "leaves raw/")),
    ("dotdot to the canary", "/uploads/up_A/raw/../../../../outside/canary.h5#/x", "ref", ("refused", "leaves raw/")),
    ("dotdot after folder", "/uploads/up_A/raw/sub/../../x.h5#/d", "ref", ("refused", "leaves raw/")),
    ("dotdot staying inside", "/uploads/up_A/raw/sub/../data.h5#/d", "ref", ("legal", "up/up_A/raw/data.h5")),
    ("dotdot entry id", "/uploads/up_A/archive/..#/d", "ref", ("refused", "Invalid entry id '..'")),
    ("entry id climbing", "/uploads/up_A/archive/../raw/data#/d", "ref", ("refused", "Invalid entry id")),
    ("dotdot entry id (name)", "/uploads/up_A/archive/..", "name", ("refused", "Invalid entry id '..'")),
    ("entry path climbing (name)", "/uploads/up_A/archive/../../up_B/archive/e", "name", ("refused", "is not a single entry id")),
    ("dotdot dataset path", "/uploads/up_A/raw/data.h5#/../../x", "ref", ("legal", "up/up_A/raw/data.h5")),
    ("dotdot dataset path, no prefix", "data.h5#../../../etc", "plain", ("legal", "up/up_A/raw/data.h5")),
    ("percent dotdot raw", "/uploads/up_A/raw/%2e%2e/%2e%2e/x.h5#/d", "ref", ("legal", "up/up_A/raw/%2e%2e/%2e%2e/x.h5")),
    ("percent upload id", "/uploads/%2e%2e/raw/x.h5#/d", "ref", ("refused", "Invalid upload id '%2e%2e'")),
    ("percent entry id", "/uploads/up_A/archive/%2e%2e#/d", "ref", ("refused", "Invalid entry id '%2e%2e'")),
    ("percent slash (name)", "/uploads/up_A/raw/%2E%2E%2Fetc%2Fpasswd", "name", ("legal", "up/up_A/raw/%2E%2E%2Fetc%2Fpasswd")),
    ("percent, no prefix", "%2e%2e/%2e%2e/data.h5#/d", "plain", ("legal", "up/up_A/raw/%2e%2e/%2e%2e/data.h5")),
    ("empty upload id (name)", "/uploads//up_A/raw/data.h5", "name", ("refused", "must not be empty")),
    ("empty directory (name)", "/uploads/up_A//raw/data.h5", "name", ("refused", "unknown directory ''")),
    ("raw path starting with slash (name)", "/uploads/up_A/raw//data.h5", "name", ("refused", "absolute path '/data.h5' is not allowed")),
    ("doubled slashes inside", "/uploads/up_A/raw/sub//..//data.h5#/d", "ref", ("legal", "up/up_A/raw/data.h5")),
    ("doubled slash before file", "/uploads/up_A/raw//etc/passwd#/x", "ref", ("refused", "absolute path '/etc/passwd' is not allowed")),
    ("doubled slash in directory", "/uploads/up_A//raw/data.h5#/d", "ref", ("refused", "unknown directory '/raw'")),
    ("absolute canary (name)", "/uploads/up_A/raw/{OUTSIDE}/canary.h5", "name", ("refused", "is not allowed")),
    ("absolute file, no prefix", "/etc/passwd#/x", "plain", ("refused", "absolute path '/etc/passwd' is not allowed")),
    ("absolute entry id", "/uploads/up_A/archive//etc/passwd#/x", "ref", ("refused", "Invalid entry id '/etc/passwd'")),
    ("link to a folder outside the root", "/uploads/up_A/raw/out_root/canary.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("link to a file outside the root", "/uploads/up_A/raw/canary.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("link to a file outside (name)", "/uploads/up_A/raw/canary.h5", "name", ("refused", "outside upload 'up_A'")),
    ("dangling link outside", "/uploads/up_A/raw/dangling.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("link into another upload", "/uploads/up_A/raw/out_upload/data.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("relative link climbing out", "/uploads/up_A/raw/rel_out/canary.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("archive file is a link outside", "/uploads/up_A/archive/leak#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("archive file is a link outside (name)", "/uploads/up_A/archive/leak", "name", ("refused", "outside upload 'up_A'")),
    ("link to a link outside", "/uploads/up_A/raw/chain.h5#/x", "ref", ("refused", "outside upload 'up_A'")),
    ("link staying inside", "/uploads/up_A/raw/inside/x.h5#/d", "ref", ("legal", "up/up_A/raw/inside/x.h5")),
    ("link loop", "/uploads/up_A/raw/loop#/d", "ref", ("refused", "too many levels of symbolic links")),
    ("link then dotdot", "/uploads/up_A/raw/out_root/../data.h5#/d", "ref", ("legal", "up/up_A/raw/data.h5")),
    ("64 KiB raw file name", "/uploads/up_A/raw/" + LONG + "#/d", "ref", ("refused", "path component of 65536 bytes is longer than 255 bytes")),
    ("64 KiB upload id", "/uploads/" + LONG + "/raw/x#/d", "ref", ("refused", "longer than 255 characters")),
    ("64 KiB entry id (name)", "/uploads/up_A/archive/" + LONG, "name", ("refused", "longer than 255 characters")),
    ("64 KiB dataset path", "data.h5#/" + LONG, "plain", ("legal", "up/up_A/raw/data.h5")),
    # Not a reference, so the connector passes it through unchanged to native.
    ("empty file part", "#/d", "plain", ("refused", "Invalid HDF5 reference"),
     ("refused", "unable to open file")),
    ("nothing after /uploads/ (name)", "/uploads/", "name", ("refused", "must not be empty")),
    ("upload only (name)", "/uploads/up_A", "name", ("refused", "names an upload, not a file")),
    ("nothing after raw/ (name)", "/uploads/up_A/raw/", "name", ("refused", "no file path after raw/")),
    ("nothing after archive/ (name)", "/uploads/up_A/archive/", "name", ("refused", "no entry id after archive/")),
    ("raw dot", "/uploads/up_A/raw/.#/d", "ref", ("refused", "names raw/ itself")),
    ("upload id with a dot", "/uploads/up.v2/raw/data.h5#/d", "ref", ("legal", "up/up.v2/raw/data.h5")),
    ("hidden upload id", "/uploads/.hidden/raw/x#/d", "ref", ("refused", "Invalid upload id '.hidden'")),
    ("entry id with a dot", "/uploads/up_A/archive/e.v2#/d", "ref", ("legal", "up/up_A/archive/e.v2.h5")),
    ("hidden entry id", "/uploads/up_A/archive/.e#/d", "ref", ("refused", "Invalid entry id '.e'")),
    ("upload id with a slash", "/uploads/up/A/raw/x#/d", "ref", ("refused", "unknown directory 'A'")),
    ("entry id with a slash", "/uploads/up_A/archive/sub/e#/d", "ref", ("refused", "Invalid entry id 'sub/e'")),
    ("unknown upload", "/uploads/nope/raw/x#/d", "ref", ("refused", "unknown upload 'nope'")),
    ("unknown directory", "/uploads/up_A/other/x#/d", "ref", ("refused", "unknown directory 'other'")),
    ("non-UTF-8 raw file", b"/uploads/up_A/raw/\xff\xfe.h5#/d", "ref", ("legal", b"up/up_A/raw/\xff\xfe.h5")),
    ("non-UTF-8 upload id", b"/uploads/up_\xff/raw/x#/d", "ref", ("refused", "Invalid upload id")),
    ("non-UTF-8 entry id (name)", b"/uploads/up_A/archive/\xc3\x28", "name", ("refused", "Invalid entry id")),
    ("raw file is a folder", "/uploads/up_A/raw/sub#/d", "ref", ("refused", "is a folder, not a file")),
    ("raw file is a folder (name)", "/uploads/up_A/raw/sub/", "name", ("refused", "is a folder, not a file")),
    ("entry file is a folder", "/uploads/up_A/archive/dir_entry#/d", "ref", ("refused", "is a folder, not a file")),
    ("legal archive entry (name)", "/uploads/up_A/archive/e", "name", ("legal", "up/up_A/archive/e.h5")),
]


def as_bytes(s):
    return s if isinstance(s, bytes) else s.encode()


def short(b, n=120):
    text = as_bytes(b).decode(errors="replace")
    return text if len(text) <= n else text[:n] + "..."


def make_layout(tmp):
    root = os.path.join(tmp, "staging")
    outside = os.path.join(tmp, "outside")
    os.makedirs(outside)
    with h5py.File(os.path.join(outside, "canary.h5"), "w") as f:
        f["x"] = np.array([666.0])
    for up in ("up_A", "up_B", "up.v2"):
        for d in ("raw", "archive"):
            os.makedirs(os.path.join(root, "up", up, d))
        with h5py.File(os.path.join(root, "up", up, "raw", "data.h5"), "w") as f:
            f["d"] = np.array([1.0, 2.0, 3.0])
    raw = os.path.join(root, "up", "up_A", "raw")
    archive = os.path.join(root, "up", "up_A", "archive")
    with h5py.File(os.path.join(archive, "e.h5"), "w") as f:
        f["d"] = np.array([4.0])
    os.makedirs(os.path.join(raw, "sub"))
    os.makedirs(os.path.join(archive, "dir_entry.h5"))
    os.symlink(outside, os.path.join(raw, "out_root"))
    os.symlink(os.path.join(outside, "canary.h5"), os.path.join(raw, "canary.h5"))
    os.symlink(os.path.join(outside, "missing.h5"), os.path.join(raw, "dangling.h5"))
    os.symlink(os.path.join(root, "up", "up_B", "raw"), os.path.join(raw, "out_upload"))
    os.symlink("../../../../outside", os.path.join(raw, "rel_out"))
    os.symlink("canary.h5", os.path.join(raw, "chain.h5"))
    os.symlink("sub", os.path.join(raw, "inside"))
    os.symlink("loop", os.path.join(raw, "loop"))
    os.symlink(os.path.join(outside, "canary.h5"), os.path.join(archive, "leak.h5"))
    return root, outside


STRACE = ["strace", "-f", "-qq", "-y", "-s", "100000", "-e", "trace=%file"]
# -y: a returned descriptor is shown with the file it really is
# ("= 6<ROOT/up/up_A/raw/x.h5>"), whatever relative name opened it.
RETURNED_FD = re.compile(r'= \d+<((?:[^>\\]|\\.)*)>\s*$')
AT_DIR = re.compile(r'^\d+<((?:[^>\\]|\\.)*)>, "((?:[^"\\]|\\.)*)"')
PATH_ARG = re.compile(r'^(?:\[pid\s+\d+\]\s+|\d+\s+)?(\w+)\((.*)$')
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def traced_paths(trace_file):
    """The path arguments (bytes) of every file-name system call in the
    trace; execve is left out (its argv holds the names under test) and so is
    what readlink returns (the target is read, never used)."""
    paths = []
    with open(trace_file, "rb") as f:
        for line in f:
            m = PATH_ARG.match(line.decode("latin-1").strip())
            if not m or m.group(1) in ("execve", "execveat"):
                continue
            strings = QUOTED.findall(m.group(2))
            if m.group(1) in ("readlink", "readlinkat"):
                strings = strings[:1]
            fd = RETURNED_FD.search(line.decode("latin-1").strip())
            if fd:
                strings.append(fd.group(1))
            # *at calls: the name relative to its folder descriptor, joined.
            at = AT_DIR.match(m.group(2))
            if at:
                strings.append(at.group(1) + "/" + at.group(2))
            for s in strings:
                paths.append(s.encode("latin-1").decode("unicode_escape").encode("latin-1"))
    return paths


def outside_paths(paths, allowed, inputs, allowed_exact=frozenset()):
    bad = []
    for p in paths:
        if p in allowed_exact:
            continue
        if not p.startswith(b"/"):
            # Relative names resolve in the working directory, an empty
            # scratch folder (the loader tries library names there); the
            # names under test are looked up as plain files by design.
            if p not in inputs and b".." in p.split(b"/"):
                bad.append(p)
            continue
        norm = os.path.normpath(p)
        if not any(norm == a or norm.startswith(a + b"/") for a in allowed):
            bad.append(p)
    return bad


def main():
    tmp = tempfile.mkdtemp(dir=os.environ.get("E2E_TMP"), prefix="hostile_names-")
    os.makedirs(tmp, exist_ok=True)
    try:
        root, outside = make_layout(tmp)
        cwd = os.path.join(tmp, "cwd")
        os.makedirs(cwd)
        cases = []
        connector_expected = {}
        for label, name, kind, expected, *through_connector in CASES:
            name = as_bytes(name).replace(b"{OUTSIDE}", outside.encode())
            cases.append((label, name, kind, expected))
            connector_expected[label] = through_connector[0] if through_connector else expected
        check(len(cases) >= 50, f"{len(cases)} hostile names and references")
        env = dict(os.environ, HDF5_PLUGIN_PATH=PLUGINS,
                   HDF5_VOL_CONNECTOR=f"h5archive root={root};upload=up_A")
        env.pop("H5ARCHIVE_ROOT", None)
        hdf5_prefix = os.path.dirname(os.path.realpath(HDF5_BIN))
        venv = os.path.dirname(os.path.dirname(PYTHON))
        allowed = [os.path.realpath(p).encode() for p in (
            root, hdf5_prefix, venv, os.path.dirname(os.path.realpath(PLUGINS)),
            sys.base_prefix, "/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev")]
        allowed += [p.encode() for p in (root, venv, "/lib", "/lib64", "/bin", "/sbin")]
        # Canonicalizing the root looks at each folder above it (only those).
        allowed_exact = {os.path.realpath(root).encode()[:i] for i, c in
                         enumerate(os.path.realpath(root).encode()) if c == ord("/") and i > 0}
        canaries = [outside.encode()]

        # 1. h5archive resolve: exit 1 with the reason, or JSON with os_path in the root.
        for label, name, kind, (outcome, want) in cases:
            if kind == "name":
                continue
            cmd = [CLI, "--root", root, "resolve", name] + (["--upload", "up_A"] if kind == "plain" else [])
            p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
            if outcome == "legal":
                ok = p.returncode == 0
                if ok:
                    # JSON output: bytes that are not UTF-8 come out as U+FFFD.
                    os_path = json.loads(p.stdout)["os_path"]
                    ok = os_path == os.path.join(root.encode(), as_bytes(want)).decode(errors="replace")
                check(ok, f"resolve {label}: inside the root")
            else:
                check(p.returncode == 1 and as_bytes(want) in p.stderr and b"h5archive: error:" in p.stderr,
                      f"resolve {label}: exit 1, '{want}' ({short(p.stderr)})")

        # 2. h5dump through the connector, every run traced.
        trace = os.path.join(tmp, "trace.txt")
        h5dump = os.path.join(HDF5_BIN, "h5dump")
        all_paths = []
        for label, name, kind, _ in cases:
            outcome, want = connector_expected[label]
            p = subprocess.run(STRACE + ["-o", trace, h5dump, "--enable-error-stack=2", "-H", name],
                               env=env, cwd=cwd, capture_output=True, timeout=TIMEOUT)
            paths = traced_paths(trace)
            all_paths += paths
            if outcome == "legal":
                target = os.path.join(root.encode(), as_bytes(want))
                check(target in paths,
                      f"h5dump {label}: the connector opens {short(target)}")
            else:
                by_connector = connector_expected[label] == dict((c[0], c[3]) for c in cases)[label]
                check(p.returncode != 0 and as_bytes(want) in p.stderr
                      and (b"h5archive" in p.stderr or not by_connector),
                      f"h5dump {label}: refused, '{want}'")
            # After a failed open, h5dump retries the name as typed with each
            # file driver through the native connector (family, split, multi:
            # the name plus "-m.h5", "-r.h5", ...): those opens never go
            # through h5archive, so they are not names it mapped.
            # (strace shows at most PATH_MAX bytes of a path argument.)
            bad = [b for b in outside_paths(paths, allowed, [name], allowed_exact)
                   if not (b.startswith(name) or name.startswith(b[:4000]))]
            check(not bad, f"h5dump {label}: nothing outside the root touched {[short(b) for b in bad[:3]]}")

        # 3. h5py through the connector: one traced process opens every name.
        script = os.path.join(tmp, "open_all.py")
        with open(script, "w") as f:
            f.write(
                "import h5py, json, sys\n"
                "out = []\n"
                "for hexname in json.load(open(sys.argv[1])):\n"
                "    try:\n"
                "        h5py.File(bytes.fromhex(hexname), 'r').close()\n"
                "        out.append('OPENED')\n"
                "    except Exception as e:\n"
                "        out.append(type(e).__name__ + ': ' + str(e))\n"
                "json.dump(out, open(sys.argv[2], 'w'))\n")
        # What the interpreter looks at to start and import h5py, opening no
        # file at all (e.g. python311.zip beside its prefix): not our doing.
        subprocess.run(STRACE + ["-o", trace, PYTHON, "-c", "import h5py, json, sys"],
                       env=env, cwd=cwd, capture_output=True, timeout=TIMEOUT)
        python_startup = set(traced_paths(trace))
        names_file, results_file = os.path.join(tmp, "names.json"), os.path.join(tmp, "results.json")
        with open(names_file, "w") as f:
            json.dump([name.hex() for _, name, _, _ in cases], f)
        p = subprocess.run(STRACE + ["-o", trace, PYTHON, script, names_file, results_file],
                           env=env, cwd=cwd, capture_output=True, timeout=TIMEOUT * 5)
        check(p.returncode == 0, "h5py process ran " + short(p.stderr, 300))
        results = json.load(open(results_file)) if p.returncode == 0 else [""] * len(cases)
        paths = traced_paths(trace)
        all_paths += paths
        for (label, name, kind, _), result in zip(cases, results):
            outcome, want = connector_expected[label]
            if outcome == "legal":
                target = os.path.join(root.encode(), as_bytes(want))
                check(target in paths, f"h5py {label}: opens {short(target)} ({short(result)})")
            else:
                check(result.startswith(("OSError", "FileNotFoundError", "PermissionError", "IsADirectoryError")) and want in result, f"h5py {label}: OSError '{want}' ({short(result)})")
        bad = [b for b in outside_paths(paths, allowed, [name for _, name, _, _ in cases], allowed_exact)
               if b not in python_startup]
        check(not bad, f"h5py: nothing outside the root touched {[short(b) for b in bad[:5]]}")

        check(not [p for p in all_paths if p.startswith(b"/") and any(
                   os.path.normpath(p) == c or os.path.normpath(p).startswith(c + b"/") for c in canaries)],
              f"no trace names the canary folder {outside} ({len(all_paths)} path arguments traced)")
        with h5py.File(os.path.join(outside, "canary.h5"), "r") as f:
            check(list(f["x"][()]) == [666.0], "the canary is unchanged")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
