"""Hostile *files* in a staging area: what strangers upload into raw/ (and
what an attacker who can write there does while others read) must never make
h5archive read, create, change, truncate or delete anything outside the
staging root (issue 10).

Layout: <tmp>/outside/ holds the secrets (secret.h5 with dataset /x, whose
values 271828 must never be printed; secret.bin, raw float64 bytes 314159)
and the files an attack would overwrite or delete; <tmp>/staging/up/up_evil/
{raw,archive} is the hostile upload. Cases, each run through the CLI
(`h5archive get/info/ls/put/link/check`), h5dump and h5py with the VOL
connector (HDF5_VOL_CONNECTOR="h5archive root=<root>"):

  a. symbolic links with `..` after a symbolic link (raw/s -> ., raw/esc ->
     s/s/s/s/../../../.., raw/esc_root climbing to /): read, create ('w'),
     truncate ('w' over the secret), delete (H5Fdelete, through ctypes) and
     `link` through them;
  b. an uploaded file with an external link to an absolute path outside, to
     a relative `../../../../outside/secret.h5`, to a bare name found through
     HDF5_EXT_PREFIX, and to a bare name found in the working directory;
  c. a virtual dataset whose source file is outside (absolute, relative, and
     a bare name found through HDF5_VDS_PREFIX);
  d. a dataset with external raw storage (H5Pset_external) naming
     outside/secret.bin (absolute, and a bare name with
     HDF5_EXTFILE_PREFIX): reading is refused with "external storage";
     creating such a dataset through the connector creates nothing outside;
  e. archive/<e>.h5 or archive/<e>.json as a symbolic link to an outside
     file: `put` and `link` refuse, the outside file keeps its bytes and
     mtime;
  f. a FIFO (and a socket, and a character device when run as root) in raw/
     and as an archive file: every tool fails at once (HANG_TIMEOUT) with
     "not a regular file"; and missing files, uploads and entries:
     FileNotFoundError in h5py;
  g. an archive entry made with `h5archive link` whose raw file was then
     replaced by case b's (a chained escape);
  h. 'w' (create with truncation) over an existing entry archive file
     through the connector is refused; 'a' and 'r+' work;
  i. a race: a swapper process flips raw/a.h5 between a regular file (value
     1) and a symbolic link to an outside file (value 2) with rename() while
     h5py opens it 1,000 times and the CLI 100 times: 0 outside reads.

For every refused operation the test asserts the exit status (CLI: 1) or the
Python exception (FileNotFoundError for a missing file, PermissionError for
an escape, OSError otherwise; an error inside an open file, such as following
a link, surfaces as KeyError or OSError since h5py picks the class from
HDF5's outermost error code), that the message names the culprit, that no
secret value appears in any output and that the outside folder is unchanged.
The key proof is strace: every process runs under `strace -f -y` and no
successful system call may hold a descriptor, or name a path, inside
<tmp>/outside (see `outside_touches`). A few legitimate operations (a link
that stays inside, 'a'/'r+' on an entry, H5Fdelete of a raw file) must keep
working, so a fix cannot simply refuse everything.

The CLI runs without HDF5_VOL_CONNECTOR (it uses the library); h5dump and
h5py with it. HOSTILE_FILES_KEEP=1 keeps the temporary folder (with every
strace log in traces/); HOSTILE_FILES_ONLY=abc runs only those cases.
"""
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

# The programs this test runs. Unset is allowed at import: serve_hostile_test.py
# and tests/wheel/hostile_pytest.py import only the layout and strace helpers
# (the wheel's environment has no HDF5_BIN); main() requires all three.
TOOL_VARS = ("H5ARCHIVE_BIN", "HDF5_BIN", "H5ARCHIVE_PLUGINS")
CLI = os.path.join(os.environ.get("H5ARCHIVE_BIN", ""), "h5archive")
H5DUMP = os.path.join(os.environ.get("HDF5_BIN", ""), "h5dump")
PLUGINS = os.environ.get("H5ARCHIVE_PLUGINS")
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
TIMEOUT = 60
# A FIFO must fail at once; a process still running after this is a hang.
HANG_TIMEOUT = 10
UPLOAD = "up_evil"
SECRET_H5_VALUE = 271828.0
SECRET_BIN_VALUE = 314159.0
# The secret values as any of our tools would print them.
SECRET_MARKERS = ("271828", "314159")
ONLY = os.environ.get("HOSTILE_FILES_ONLY", "abcdefghi")
FAILURES = []
FAILED_CASES = {}

STRACE = ["strace", "-f", "-y", "-qq", "--seccomp-bpf", "-s", "32", "-e",
          "trace=open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,"
          "truncate,ftruncate,read,pread64,write,pwrite64,mkdir,mkdirat"]


def check(condition, case, what):
    """Records a failed assertion (printed at once); passing ones are
    summarised per operation by `passed`."""
    if not condition:
        print(f"FAIL [{case}] {what}", flush=True)
        FAILURES.append(f"[{case}] {what}")
        FAILED_CASES[case] = FAILED_CASES.get(case, 0) + 1
    return condition


def passed(case, what, failures_before):
    """Prints one ok line for an operation none of whose checks failed."""
    if len(FAILURES) == failures_before:
        print(f"ok   [{case}] {what}", flush=True)


def short(text, n=300):
    text = " | ".join(line.strip() for line in str(text).splitlines() if line.strip())
    return text if len(text) <= n else text[:n] + "..."


# ---------------------------------------------------------------------------
# strace -y logs: which successful system calls reached a folder.

LINE = re.compile(r"^(\d+)\s+(.*)$")
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
# "name(args) = ret" plus strace -y's "<path>" after a returned descriptor.
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)(?:<(.*)>)?(?:\s+.*)?$", re.S)
# Position of (directory descriptor or None, path) arguments, and whether the
# call follows a symbolic link in the last component.
PATH_ARGS = {
    "open": ([(None, 0)], True), "creat": ([(None, 0)], True),
    "truncate": ([(None, 0)], True), "mkdir": ([(None, 0)], False),
    "unlink": ([(None, 0)], False), "rename": ([(None, 0), (None, 1)], False),
    "openat": ([(0, 1)], True), "openat2": ([(0, 1)], True),
    "mkdirat": ([(0, 1)], False), "unlinkat": ([(0, 1)], False),
    "renameat": ([(0, 1), (2, 3)], False), "renameat2": ([(0, 1), (2, 3)], False),
}
OPENS = ("open", "openat", "openat2", "creat")
FD_CALLS = ("read", "pread64", "write", "pwrite64", "ftruncate")


def split_args(text):
    """Top-level arguments of an strace call: commas inside quotes, braces,
    brackets and -y's <path> annotations do not split."""
    args, depth, cur, i = [], 0, [], 0
    quote = angle = False
    while i < len(text):
        c = text[i]
        cur.append(c)
        if quote:
            if c == "\\":
                cur.append(text[i + 1])
                i += 1
            elif c == '"':
                quote = False
        elif angle:
            angle = c != ">"
        elif c == '"':
            quote = True
        elif c == "<":
            angle = True
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
        elif c == "," and depth == 0:
            cur.pop()
            args.append("".join(cur).strip())
            cur = []
        i += 1
    if cur:
        args.append("".join(cur).strip())
    return args


def c_string(arg):
    """The bytes of a quoted strace argument (C escapes), or None."""
    m = re.match(r'^"((?:[^"\\]|\\.)*)"', arg, re.S)
    if not m:
        return None
    return m.group(1).encode("latin-1").decode("unicode_escape").encode("latin-1")


def fd_path(arg):
    """The path strace -y shows after a descriptor (`3</x>`, `AT_FDCWD</x>`)."""
    m = re.match(r"^(?:\d+|AT_FDCWD)<(.*)>$", arg, re.S)
    if not m:
        return None
    path = m.group(1)
    return path[: -len(" (deleted)")] if path.endswith(" (deleted)") else path


def where(base, path, follow):
    """Where the kernel puts `path` (relative to folder `base`), given the
    symbolic links that exist now: every folder component resolved, the last
    one only if the call follows it."""
    full = os.path.join(base, path)
    head, tail = os.path.split(full.rstrip("/"))
    if follow or tail in ("", ".", ".."):
        return os.path.realpath(full)
    return os.path.join(os.path.realpath(head), tail)


def is_inside(path, folders):
    norm = os.path.normpath(path)
    return any(norm == f or norm.startswith(f + "/") for f in folders)


def outside_touches(log, cwd, folder):
    """Successful system calls in strace log `log` that reached `folder`: a
    descriptor (argument or result) that strace -y shows inside it, or a path
    argument that lies inside it, textually or once resolved by the kernel's
    rules. An open is judged by its result only (the path may have changed
    since, e.g. in the race test). `cwd` is the traced process's working
    folder (no traced program changes it)."""
    if not os.path.exists(log) or os.path.getsize(log) == 0:
        return [f"no strace log {log}: the process was not traced"]
    folders = {folder, os.path.realpath(folder)}
    pending, hits = {}, []
    with open(log, encoding="latin-1") as f:
        for raw_line in f:
            m = LINE.match(raw_line.rstrip("\n"))
            if not m:
                continue
            pid, text = m.groups()
            if text.endswith(UNFINISHED):
                pending[pid] = text[: -len(UNFINISHED)]
                continue
            resumed = RESUMED.match(text)
            if resumed:
                text = pending.pop(pid, resumed.group(1) + "(") + resumed.group(2)
            call = CALL.match(text)
            if not call:
                continue
            name, args_text, ret, ret_path = call.groups()
            if ret in ("?",) or ret.startswith("-"):
                continue
            args = split_args(args_text)
            reached = []
            if ret_path:
                reached.append(ret_path)
            if name in FD_CALLS and args:
                reached.append(fd_path(args[0]) or "")
            if name in PATH_ARGS and name not in OPENS:
                positions, follow = PATH_ARGS[name]
                for dir_pos, path_pos in positions:
                    if path_pos >= len(args):
                        continue
                    path = c_string(args[path_pos])
                    if path is None:
                        continue
                    path = path.decode("latin-1")
                    base = cwd if dir_pos is None else (fd_path(args[dir_pos]) or cwd)
                    reached += [os.path.join(base, path), where(base, path, follow)]
            if any(p.startswith("/") and is_inside(p, folders) for p in reached):
                hits.append(f"{name}({short(args_text, 160)}) = {ret}" +
                            (f"<{ret_path}>" if ret_path else ""))
    return hits


# ---------------------------------------------------------------------------
# Running the tools.

class Run:
    """One finished (or killed) process: output, status, and what its
    successful system calls reached outside."""

    def __init__(self, cmd, returncode, stdout, stderr, seconds, timed_out, touches):
        self.cmd, self.returncode, self.stdout, self.stderr = cmd, returncode, stdout, stderr
        self.seconds, self.timed_out, self.touches = seconds, timed_out, touches
        self.result = None  # the h5py helper's JSON answer
        self.before = self.after = None  # outside/ snapshots around the run

    @property
    def text(self):
        return self.stdout + "\n" + self.stderr + "\n" + json.dumps(self.result or {})


class Layout:
    def __init__(self, tmp):
        self.tmp = tmp
        self.root = os.path.join(tmp, "staging")
        self.outside = os.path.join(tmp, "outside")
        self.pristine = os.path.join(tmp, "outside-copy")
        self.upload = os.path.join(self.root, UPLOAD[:2], UPLOAD)
        self.raw = os.path.join(self.upload, "raw")
        self.archive = os.path.join(self.upload, "archive")
        self.cwd = os.path.join(tmp, "cwd")
        self.traces = os.path.join(tmp, "traces")
        self.count = 0

    def secret(self):
        return os.path.join(self.outside, "secret.h5")

    def name(self, rel):
        """The /uploads/ name of a path below the hostile upload."""
        return f"/uploads/{UPLOAD}/{rel}"

    def env(self, connector=True, **extra):
        env = {k: v for k, v in os.environ.items() if k not in (
            "H5ARCHIVE_ROOT", "HDF5_VOL_CONNECTOR", "HDF5_EXT_PREFIX", "HDF5_VDS_PREFIX",
            "HDF5_EXTFILE_PREFIX")}
        if connector:
            env["HDF5_PLUGIN_PATH"] = PLUGINS
            env["HDF5_VOL_CONNECTOR"] = f"h5archive root={self.root}"
        env.update(extra)
        return env

    def run(self, cmd, env, cwd=None, timeout=TIMEOUT):
        """Runs cmd under strace in its own session (so a hang is killed
        whole, tracer and tracee)."""
        self.count += 1
        before = self.before()
        cwd = cwd or self.cwd
        log = os.path.join(self.traces, f"{self.count}.strace")
        start = time.monotonic()
        p = subprocess.Popen(STRACE + ["-o", log] + cmd, env=env, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        timed_out = False
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        seconds = time.monotonic() - start
        r = Run(cmd, p.returncode, out.decode(errors="replace"), err.decode(errors="replace"),
                seconds, timed_out, outside_touches(log, cwd, self.outside))
        r.before, r.after = before, self.snapshot()
        return r

    def cli(self, *args, env=None, cwd=None, timeout=TIMEOUT):
        return self.run([CLI, "--root", self.root, *args], env or self.env(connector=False),
                        cwd, timeout)

    def h5dump(self, name, dataset=None, env=None, cwd=None, timeout=TIMEOUT):
        cmd = [H5DUMP, "--enable-error-stack=2"] + (["-d", dataset] if dataset else ["-H"])
        return self.run(cmd + [name], env or self.env(), cwd, timeout)

    def h5py(self, op, name, env=None, cwd=None, timeout=TIMEOUT, **spec):
        """One h5py operation in its own traced process (H5PY_OP below)."""
        result = os.path.join(self.tmp, "result.json")
        if os.path.exists(result):
            os.unlink(result)
        spec = dict(spec, op=op, name=name, result=result)
        r = self.run([PYTHON, os.path.join(self.tmp, "h5py_op.py"), json.dumps(spec)],
                     env or self.env(), cwd, timeout)
        if os.path.exists(result):
            with open(result) as f:
                r.result = json.load(f)
        return r

    def snapshot(self, folder=None):
        """Every entry of outside/: kind, bytes and mtime."""
        folder = folder or self.outside
        snap = {}
        for dirpath, dirnames, filenames in os.walk(folder):
            for n in dirnames + filenames:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                data = None
                if stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        data = f.read()
                snap[os.path.relpath(p, folder)] = (st.st_mode, st.st_mtime_ns, data)
        return snap

    def seal(self):
        """Keeps a copy of outside/ as it is now (after a case's set-up)."""
        shutil.rmtree(self.pristine, ignore_errors=True)
        shutil.copytree(self.outside, self.pristine, symlinks=True)

    def before(self):
        """The outside/ snapshot an operation is judged against. An attack
        that succeeded (on code without the fix) may have changed outside/:
        it is put back first, so that each operation is judged on its own."""
        snap = self.snapshot()
        if snap != self.snapshot(self.pristine):
            shutil.rmtree(self.outside)
            shutil.copytree(self.pristine, self.outside, symlinks=True)
            snap = self.snapshot()
        return snap


# The h5py side: one operation, its outcome as JSON in spec["result"].
H5PY_OP = r'''
import ctypes, json, sys
import h5py
import numpy as np

spec = json.loads(sys.argv[1])
name, op = spec["name"], spec["op"]
out = {"ok": True}
try:
    if op == "read":
        with h5py.File(name, spec.get("mode", "r")) as f:
            out["value"] = np.asarray(f[spec["dataset"]][()]).tolist()
    elif op == "open":
        h5py.File(name, spec["mode"]).close()
    elif op == "write":
        with h5py.File(name, spec["mode"]) as f:
            kw = {}
            if "external" in spec:
                kw["external"] = [(spec["external"], 0, h5py.h5f.UNLIMITED)]
            d = f.create_dataset(spec["dataset"], shape=(8,), dtype="f8", **kw)
            d[...] = np.full(8, 7.0)
    elif op == "is_hdf5":
        out["value"] = bool(h5py.h5f.is_hdf5(name.encode()))
    elif op == "delete":
        # h5py has no H5Fdelete: call the libhdf5 h5py itself loaded.
        lib = next(l.split()[-1] for l in open("/proc/self/maps") if "/libhdf5.so" in l)
        hdf5 = ctypes.CDLL(lib)
        hdf5.H5Fdelete.argtypes = [ctypes.c_char_p, ctypes.c_int64]
        hdf5.H5Eprint2.argtypes = [ctypes.c_int64, ctypes.c_void_p]
        if hdf5.H5Fdelete(name.encode(), 0) < 0:  # H5P_DEFAULT
            sys.stderr.flush()
            hdf5.H5Eprint2(0, None)  # H5E_DEFAULT to stderr: the message
            out = {"ok": False, "error": "H5Fdelete failed", "msg": ""}
    elif op == "race":
        counts, errors = {}, {}
        for _ in range(spec["opens"]):
            try:
                with h5py.File(name, "r") as f:
                    v = str(float(f["d"][0]))
                counts[v] = counts.get(v, 0) + 1
            except Exception as e:
                key = type(e).__name__
                errors.setdefault(key, []).append(str(e))
        out["counts"] = counts
        out["errors"] = {k: [len(v)] + v[:2] for k, v in errors.items()}
    else:
        raise SystemExit("unknown op " + op)
except Exception as e:
    out = {"ok": False, "error": type(e).__name__, "msg": str(e)}
with open(spec["result"], "w") as f:
    json.dump(out, f)
'''

# Flips raw/a.h5 between a hard link of an inside file and a symbolic link to
# an outside file, with rename() so that the name always exists. Each state
# lasts about SPIN seconds plus one system call, so that opens meet both.
SWAPPER = r'''
import os, signal, sys, time
raw, outside_file, master, count_file = sys.argv[1:]
SPIN = 100e-6
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
a, tmp_link, tmp_file = (os.path.join(raw, n) for n in ("a.h5", "swap_link", "swap_file.h5"))


def spin():
    end = time.perf_counter() + SPIN
    while time.perf_counter() < end:
        pass


n = 0
while not stop:
    os.symlink(outside_file, tmp_link)
    os.rename(tmp_link, a)  # a.h5 leads outside
    os.link(master, tmp_file)
    spin()
    os.rename(tmp_file, a)  # a.h5 is the inside file again
    spin()
    n += 1
with open(count_file, "w") as f:
    f.write(str(n))
'''


# ---------------------------------------------------------------------------
# Assertions shared by the cases. Each runs one process and prints one ok
# line, or a FAIL line per broken assertion.

def clean(case, what, r):
    """What holds for every process, refused or not: it finished, was not
    killed by a signal, printed no secret, touched nothing outside, and the
    outside folder is as it was."""
    check(not r.timed_out, case, f"{what}: finishes (no hang; killed after {r.seconds:.1f} s)")
    check(r.timed_out or r.returncode >= 0, case,
          f"{what}: no crash (status {r.returncode}) {short(r.stderr)}")
    leaked = [m for m in SECRET_MARKERS if m in r.text]
    check(not leaked, case, f"{what}: no secret value in the output {leaked} {short(r.stdout)}")
    check(not r.touches, case, f"{what}: strace: no successful system call reached outside/ "
                               f"({len(r.touches)}: {r.touches[:3]})")
    changed = sorted(k for k in set(r.before) | set(r.after) if r.before.get(k) != r.after.get(k))
    check(not changed, case, f"{what}: outside/ unchanged, nothing created {changed}")


def has_all(text, parts):
    return all(p in text for p in parts)


def refuse_cli(lay, case, what, args, culprits, **run):
    """`h5archive ARGS` fails with exit 1 and a message naming every culprit."""
    n, what = len(FAILURES), f"{args[0]} {what}"
    r = lay.cli(*args, **run)
    clean(case, what, r)
    check(r.returncode == 1 and "h5archive: error:" in r.stderr and has_all(r.stderr, culprits),
          case, f"{what}: exit 1 naming {culprits} (status {r.returncode}: {short(r.stderr)})")
    passed(case, what, n)
    return r


def allow_cli_get(lay, case, what, ref, value, **run):
    """`h5archive get REF` prints `value` (what must keep working)."""
    n, what = len(FAILURES), f"get {what}"
    r = lay.cli("get", ref, "--format", "json", **run)
    clean(case, what, r)
    check(r.returncode == 0 and r.stdout.strip() and json.loads(r.stdout) == value, case,
          f"{what}: reads {value} ({short(r.stdout + r.stderr)})")
    passed(case, what, n)


def refuse_h5dump(lay, case, what, name, dataset, link=False, **run):
    """h5dump -d DATASET NAME fails. h5dump prints only "unable to open
    file" for a file it cannot open (it silences HDF5's error stack and
    retries with other drivers), so its message is not asserted. For an
    external link (`link`), h5dump prints the link itself and exits 0 when
    its target cannot be opened, as it does natively for a dangling link:
    then only what clean() checks holds (no secret printed, nothing
    outside touched) and the link must be shown unfollowed."""
    n, what = len(FAILURES), f"h5dump {what}"
    r = lay.h5dump(name, dataset, **run)
    clean(case, what, r)
    if link:
        check(r.returncode is not None and "EXTERNAL_LINK" in r.stdout, case,
              f"{what}: shows the link, unfollowed ({short(r.stdout + r.stderr, 200)})")
    else:
        check(r.returncode not in (0, None), case,
              f"{what}: fails (status {r.returncode}: {short(r.stdout + r.stderr, 200)})")
    passed(case, what, n)


# Exception classes h5py raises: from the errno in HDF5's innermost message
# for a file operation; from HDF5's outermost error code for an error inside
# an open file (KeyError for an object open, OSError for a read, ValueError
# for a create), which the connector cannot choose.
KINDS = {
    "missing": ("FileNotFoundError",),
    "escape": ("PermissionError",),
    "other": ("OSError",),
    "refused": ("OSError", "PermissionError"),
    "object": ("KeyError", "OSError", "PermissionError", "ValueError"),
    "any": None,
}


def refuse_h5py(lay, case, what, op, name, kind, culprits, **spec):
    """An h5py operation (H5PY_OP) raises KINDS[kind] naming every culprit."""
    n, what = len(FAILURES), f"h5py {op}{' ' + repr(spec['mode']) if 'mode' in spec else ''} {what}"
    r = lay.h5py(op, name, **spec)
    clean(case, what, r)
    res, classes = r.result or {}, KINDS[kind]
    got = res.get("error")
    msg = res.get("msg", "") + "\n" + r.stderr
    check(res.get("ok") is False and (classes is None or got in classes) and has_all(msg, culprits),
          case, f"{what}: {'/'.join(classes or ['an error'])} naming {culprits} "
                f"(got {got}: {short(res.get('msg') or res or r.stderr)})")
    passed(case, what, n)
    return r


def allow_h5py(lay, case, what, op, name, value=None, **spec):
    """An h5py operation works (and reads `value`)."""
    n, what = len(FAILURES), f"h5py {op}{' ' + repr(spec['mode']) if 'mode' in spec else ''} {what}"
    r = lay.h5py(op, name, **spec)
    clean(case, what, r)
    res = r.result or {}
    check(res.get("ok") is True and (value is None or res.get("value") == value), case,
          f"{what}: works{' and reads ' + str(value) if value is not None else ''} "
          f"({short(res or r.stderr)})")
    passed(case, what, n)
    return r


# ---------------------------------------------------------------------------
# Files.

def write_h5(path, **datasets):
    with h5py.File(path, "w") as f:
        for k, v in datasets.items():
            f[k] = np.asarray(v, dtype="f8")


def make_hostile_upload(tmp):
    """The hostile upload the server and the Python bindings are tried with
    (serve_hostile_test.py, tests/wheel/hostile_pytest.py): <tmp>/outside/
    holds secret.h5 (/x) and secret.bin; <tmp>/staging/up/up_evil/raw/ holds
    ok.h5 (/d = 1, 2, 3), evil_link.h5 (a symbolic link to the secret),
    s -> ., ext_abs.h5 and ext_rel.h5 (/evil_link, an external link to the
    secret, absolute and relative), vds.h5 (/vds, a virtual dataset of it),
    extstore.h5 (/ext_data, stored in secret.bin), fifo.h5, folder.h5 (a
    folder) and text.h5 (not HDF5); archive/ is empty. Returns (root, outside)."""
    root = os.path.join(tmp, "staging")
    outside = os.path.join(tmp, "outside")
    raw = os.path.join(root, UPLOAD[:2], UPLOAD, "raw")
    os.makedirs(outside)
    os.makedirs(raw)
    os.makedirs(os.path.join(root, UPLOAD[:2], UPLOAD, "archive"))
    secret = os.path.join(outside, "secret.h5")
    write_h5(secret, x=[SECRET_H5_VALUE] * 3)
    np.full(8, SECRET_BIN_VALUE).tofile(os.path.join(outside, "secret.bin"))
    write_h5(os.path.join(raw, "ok.h5"), d=[1.0, 2.0, 3.0])
    os.symlink("../../../../outside/secret.h5", os.path.join(raw, "evil_link.h5"))
    os.symlink(".", os.path.join(raw, "s"))
    make_ext_link_file(os.path.join(raw, "ext_abs.h5"), secret)
    make_ext_link_file(os.path.join(raw, "ext_rel.h5"), "../../../../outside/secret.h5")
    make_vds_file(os.path.join(raw, "vds.h5"), secret)
    with h5py.File(os.path.join(raw, "extstore.h5"), "w") as f:
        f.create_dataset("ext_data", shape=(8,), dtype="f8",
                         external=[(os.path.join(outside, "secret.bin"), 0, 64)])
    os.mkfifo(os.path.join(raw, "fifo.h5"))
    os.mkdir(os.path.join(raw, "folder.h5"))
    with open(os.path.join(raw, "text.h5"), "w") as f:
        f.write("not HDF5")
    return root, outside


def make_layout(lay):
    for d in (lay.outside, lay.raw, lay.archive, lay.cwd, lay.traces):
        os.makedirs(d)
    write_h5(lay.secret(), x=[SECRET_H5_VALUE] * 3)
    np.full(8, SECRET_BIN_VALUE).tofile(os.path.join(lay.outside, "secret.bin"))
    write_h5(os.path.join(lay.raw, "ok.h5"), d=[1.0, 2.0, 3.0])
    os.makedirs(os.path.join(lay.raw, "sub"))
    write_h5(os.path.join(lay.raw, "sub", "ok.h5"), d=[1.0, 2.0, 3.0])
    with open(os.path.join(lay.tmp, "h5py_op.py"), "w") as f:
        f.write(H5PY_OP)


# ---------------------------------------------------------------------------
# a. Symbolic links with `..` after a symbolic link.

def case_a(lay):
    c = "a"
    # Normalised as text, s/s/s/s/../../../.. is "." (raw/ itself); the
    # kernel follows s -> . first and then climbs 4 folders: raw -> up_evil
    # -> up -> staging -> <tmp>. esc_root climbs to / the same way.
    os.symlink(".", os.path.join(lay.raw, "s"))
    os.symlink("s/s/s/s/../../../..", os.path.join(lay.raw, "esc"))
    depth = len([p for p in lay.raw.split("/") if p]) + 2
    os.symlink("/".join(["s"] * depth + [".."] * depth), os.path.join(lay.raw, "esc_root"))
    os.symlink("sub", os.path.join(lay.raw, "inside"))
    write_h5(os.path.join(lay.outside, "victim_a.h5"), x=[SECRET_H5_VALUE])
    write_h5(os.path.join(lay.raw, "deleteme.h5"), d=[1.0])
    lay.seal()
    for rel, culprit in (("raw/esc/outside/secret.h5", "esc/outside/secret.h5"),
                         ("raw/esc_root" + lay.secret(), "esc_root")):
        name = lay.name(rel)
        what = "through " + ("esc/" if culprit != "esc_root" else "esc_root/ (to /)")
        refuse_cli(lay, c, what, ["get", name + "#/x", "--format", "json"], [culprit])
        refuse_cli(lay, c, what, ["info", name + "#/x"], [culprit])
        refuse_cli(lay, c, what, ["ls", name], [culprit])
        refuse_h5dump(lay, c, what, name, "/x")
        refuse_h5py(lay, c, what, "read", name, "escape", [culprit], dataset="x")
        refuse_h5py(lay, c, what + " (truncates the secret)", "write", name, "escape", [culprit],
                    mode="w", dataset="d")
        refuse_h5py(lay, c, what, "write", name, "escape", [culprit], mode="a", dataset="d")
        refuse_h5py(lay, c, what + " (H5Fis_accessible)", "is_hdf5", name, "any", [culprit])
    refuse_cli(lay, c, "to esc/outside/secret.h5#/x",
               ["link", UPLOAD, "via_esc", "/data/value", "esc/outside/secret.h5#/x"],
               ["esc/outside/secret.h5"])
    refuse_h5py(lay, c, "creating outside/created_a.h5 through esc/", "write",
                lay.name("raw/esc/outside/created_a.h5"), "escape", ["esc/outside/created_a.h5"],
                mode="w", dataset="d")
    refuse_h5py(lay, c, "(H5Fdelete) outside/victim_a.h5 through esc/", "delete",
                lay.name("raw/esc/outside/victim_a.h5"), "any", ["esc/outside/victim_a.h5"])
    # What must keep working: links that stay inside the upload.
    for rel in ("raw/inside/ok.h5", "raw/s/s/ok.h5"):
        allow_h5py(lay, c, f"{rel} (a link inside)", "read", lay.name(rel), [1.0, 2.0, 3.0],
                   dataset="d")
        allow_cli_get(lay, c, f"{rel} (a link inside)", lay.name(rel) + "#/d", [1.0, 2.0, 3.0])
    allow_h5py(lay, c, "(H5Fdelete) raw/deleteme.h5", "delete", lay.name("raw/deleteme.h5"))
    check(not os.path.exists(os.path.join(lay.raw, "deleteme.h5")), c,
          "H5Fdelete raw/deleteme.h5: the file is gone")


# ---------------------------------------------------------------------------
# b. External links out of an uploaded file; g. an entry chained to one.

def make_ext_link_file(path, target_file, target_path="/x"):
    with h5py.File(path, "w") as f:
        f["evil_link"] = h5py.ExternalLink(target_file, target_path)
        f["fine"] = np.array([1.0])


def case_b(lay):
    c = "b"
    variants = [
        ("ext_abs.h5", lay.secret(), {}, None),
        ("ext_rel.h5", "../../../../outside/secret.h5", {}, None),
        ("ext_prefix.h5", "secret.h5", {"HDF5_EXT_PREFIX": lay.outside}, None),
        # No prefix: HDF5 tries the parent file's folder, then the working one.
        ("ext_cwd.h5", "secret.h5", {}, lay.outside),
    ]
    for fname, target, extra, cwd in variants:
        make_ext_link_file(os.path.join(lay.raw, fname), target)
    lay.seal()
    for fname, target, extra, cwd in variants:
        name = lay.name("raw/" + fname)
        culprits = ["evil_link", os.path.basename(target)]
        what = fname + (" with HDF5_EXT_PREFIX" if extra else "") + (" in cwd outside/" if cwd else "")
        cli_env = lay.env(connector=False, **extra)
        refuse_cli(lay, c, what, ["get", name + "#/evil_link", "--format", "json"], culprits,
                   env=cli_env, cwd=cwd)
        refuse_cli(lay, c, what, ["info", name + "#/evil_link"], culprits, env=cli_env, cwd=cwd)
        n = len(FAILURES)
        r = lay.cli("ls", name, env=cli_env, cwd=cwd)
        clean(c, f"ls {what}", r)
        line = next((l for l in r.stdout.splitlines() if "evil_link" in l), "")
        check(r.returncode == 0 and "(broken:" in line and os.path.basename(target) in line, c,
              f"ls {what}: lists the link as broken, naming the target ({short(r.stdout)} "
              f"{short(r.stderr)})")
        passed(c, f"ls {what}", n)
        refuse_h5dump(lay, c, what, name, "/evil_link", link=True, env=lay.env(**extra), cwd=cwd)
        refuse_h5py(lay, c, what, "read", name, "object", culprits, dataset="evil_link",
                    env=lay.env(**extra), cwd=cwd)
        # The rest of the file stays readable.
        allow_h5py(lay, c, what + " /fine", "read", name, [1.0], dataset="fine",
                   env=lay.env(**extra), cwd=cwd)


def case_g(lay):
    c = "g"
    # The entry is made by the CLI while the raw file is harmless; the
    # attacker then replaces the raw file with one whose /evil_link leads out.
    raw_file = os.path.join(lay.raw, "chain.h5")
    write_h5(raw_file, evil_link=[1.0])
    r = subprocess.run([CLI, "--root", lay.root, "link", UPLOAD, "chained", "/data/value",
                        "chain.h5#/evil_link"], capture_output=True, text=True, timeout=TIMEOUT)
    if not check(r.returncode == 0, c, f"set-up: link made the entry ({short(r.stderr)})"):
        return
    make_ext_link_file(raw_file + ".new", lay.secret())
    os.rename(raw_file + ".new", raw_file)
    lay.seal()
    entry = lay.name("archive/chained")
    ref = entry + "#/data/value"
    what = "archive/chained#/data/value -> raw/chain.h5#/evil_link -> outside"
    refuse_cli(lay, c, what, ["get", ref, "--format", "json"], ["secret.h5"])
    refuse_cli(lay, c, what, ["info", ref], ["secret.h5"])
    n = len(FAILURES)
    r = lay.cli("check", UPLOAD, "chained")
    clean(c, "check chained", r)
    check(r.returncode == 1 and "/data/value" in r.stderr and "secret.h5" in r.stderr
          and "1 broken" in r.stdout, c,
          f"check chained: exit 1, the reference broken, naming the target "
          f"({short(r.stdout + r.stderr)})")
    passed(c, "check chained", n)
    refuse_h5dump(lay, c, what, entry, "/data/value", link=True)
    for name in (entry, ref):
        refuse_h5py(lay, c, f"{name} /data/value", "read", name, "object", ["secret.h5"],
                    dataset="data/value")


# ---------------------------------------------------------------------------
# c. Virtual datasets with an outside source; d. external raw storage.

def make_vds_file(path, source):
    layout = h5py.VirtualLayout(shape=(3,), dtype="f8")
    layout[:] = h5py.VirtualSource(source, "x", shape=(3,))
    with h5py.File(path, "w") as f:
        f.create_virtual_dataset("vds", layout, fillvalue=-1.0)
        f["fine"] = np.array([1.0])


def case_c(lay):
    c = "c"
    variants = [
        ("vds_abs.h5", lay.secret(), {}),
        ("vds_rel.h5", "../../../../outside/secret.h5", {}),
        ("vds_prefix.h5", "secret.h5", {"HDF5_VDS_PREFIX": lay.outside}),
    ]
    for fname, source, extra in variants:
        make_vds_file(os.path.join(lay.raw, fname), source)
    lay.seal()
    for fname, source, extra in variants:
        name = lay.name("raw/" + fname)
        what = fname + (" with HDF5_VDS_PREFIX" if extra else "")
        # HDF5 fills a virtual dataset whose source it cannot open with the
        # fill value, silently: refusing must be an error naming the source.
        culprits = [os.path.basename(source)]
        refuse_cli(lay, c, what, ["get", name + "#/vds", "--format", "json"], culprits,
                   env=lay.env(connector=False, **extra))
        n = len(FAILURES)
        r = lay.cli("ls", name, env=lay.env(connector=False, **extra))
        clean(c, f"ls {what}", r)
        check(r.returncode == 0, c, f"ls {what}: lists the file ({short(r.stderr)})")
        passed(c, f"ls {what}", n)
        refuse_h5dump(lay, c, what, name, "/vds", env=lay.env(**extra))
        refuse_h5py(lay, c, what, "read", name, "object", culprits, dataset="vds",
                    env=lay.env(**extra))


def case_d(lay):
    c = "d"
    secret_bin = os.path.join(lay.outside, "secret.bin")
    variants = [("extstore_abs.h5", secret_bin, {}),
                ("extstore_prefix.h5", "secret.bin", {"HDF5_EXTFILE_PREFIX": lay.outside})]
    for fname, ext, extra in variants:
        with h5py.File(os.path.join(lay.raw, fname), "w") as f:
            f.create_dataset("ext_data", shape=(8,), dtype="f8", external=[(ext, 0, 64)])
            f["fine"] = np.array([1.0])
    write_h5(os.path.join(lay.raw, "existing.h5"), d=[1.0])
    lay.seal()
    for fname, ext, extra in variants:
        name = lay.name("raw/" + fname)
        what = fname + (" with HDF5_EXTFILE_PREFIX" if extra else "")
        cli_env = lay.env(connector=False, **extra)
        refuse_cli(lay, c, what, ["get", name + "#/ext_data", "--format", "json"],
                   ["external storage", "ext_data"], env=cli_env)
        refuse_cli(lay, c, what, ["info", name + "#/ext_data"], ["external storage", "ext_data"],
                   env=cli_env)
        refuse_h5dump(lay, c, what, name, "/ext_data", env=lay.env(**extra))
        refuse_h5py(lay, c, what, "read", name, "object", ["external storage"], dataset="ext_data",
                    env=lay.env(**extra))
        allow_h5py(lay, c, what + " /fine", "read", name, [1.0], dataset="fine",
                   env=lay.env(**extra))
    # Writing: a dataset with external storage created through the connector
    # in a new and in an existing uploaded file.
    for rel, mode, ext in (("raw/new_ext.h5", "w", os.path.join(lay.outside, "created.bin")),
                           ("raw/existing.h5", "a", os.path.join(lay.outside, "created2.bin")),
                           ("raw/new_ext2.h5", "w", "../../../../outside/created3.bin")):
        refuse_h5py(lay, c, f"{rel} creating a dataset stored in {ext}", "write", lay.name(rel),
                    "any", ["external storage"], mode=mode, dataset="ext_out", external=ext,
                    env=lay.env(HDF5_EXTFILE_PREFIX=lay.raw))


# ---------------------------------------------------------------------------
# e. archive/<e>.h5 or .json as a symbolic link outside.

def case_e(lay):
    c = "e"
    npy = os.path.join(lay.tmp, "value.npy")
    np.save(npy, np.arange(4.0))
    write_h5(os.path.join(lay.outside, "victim.h5"), keep=[SECRET_H5_VALUE])
    with open(os.path.join(lay.outside, "victim.json"), "w") as f:
        json.dump({"data": {"keep": 1}}, f)
    os.symlink(os.path.join(lay.outside, "victim.h5"), os.path.join(lay.archive, "e_h5.h5"))
    os.symlink(os.path.join(lay.outside, "victim.json"), os.path.join(lay.archive, "e_json.json"))
    # Dangling: creating through them would make outside/new_victim.*.
    os.symlink(os.path.join(lay.outside, "new_victim.h5"), os.path.join(lay.archive, "e_new.h5"))
    os.symlink(os.path.join(lay.outside, "new_victim.json"),
               os.path.join(lay.archive, "e_newj.json"))
    lay.seal()
    for entry, culprit in (("e_h5", "e_h5.h5"), ("e_json", "e_json.json"),
                           ("e_new", "e_new.h5"), ("e_newj", "e_newj.json")):
        what = f"into archive/{culprit} (a link outside)"
        refuse_cli(lay, c, what, ["put", UPLOAD, entry, "/data/value", npy, "--no-progress"],
                   [culprit])
        refuse_cli(lay, c, what, ["link", UPLOAD, entry, "/data/other", "ok.h5#/d"], [culprit])
    for entry in ("e_h5", "e_new"):
        for mode in ("a", "r+", "w"):
            refuse_h5py(lay, c, f"archive/{entry} (a link outside)", "write",
                        lay.name("archive/" + entry), "escape", [entry], mode=mode,
                        dataset="added")


# ---------------------------------------------------------------------------
# f. Not regular files.

def case_f(lay):
    c = "f"
    specials = [("raw/pipe.h5", "FIFO"), ("archive/pipe_entry", "FIFO"),
                ("raw/sock.h5", "socket")]
    os.mkfifo(os.path.join(lay.raw, "pipe.h5"))
    os.mkfifo(os.path.join(lay.archive, "pipe_entry.h5"))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(os.path.join(lay.raw, "sock.h5"))
    if os.geteuid() == 0:
        os.mknod(os.path.join(lay.raw, "null.h5"), stat.S_IFCHR | 0o666, os.makedev(1, 3))
        specials.append(("raw/null.h5", "character device"))
    else:
        print("note [f] not root: no character device case")
    lay.seal()
    culprit = "not a regular file"
    try:
        for rel, kind in specials:
            name = lay.name(rel)
            what = f"{rel} ({kind})"
            for args in (["get", name + "#/x", "--format", "json"], ["info", name + "#/x"],
                         ["ls", name]):
                refuse_cli(lay, c, what, args, [culprit, rel.split("/")[-1]],
                           timeout=HANG_TIMEOUT)
            refuse_h5dump(lay, c, what, name, "/x", timeout=HANG_TIMEOUT)
            for mode in ("r", "r+"):
                refuse_h5py(lay, c, what, "open", name, "other", [culprit], mode=mode,
                            timeout=HANG_TIMEOUT)
            refuse_h5py(lay, c, what + " (H5Fis_accessible)", "is_hdf5", name, "any", [culprit],
                        timeout=HANG_TIMEOUT)
    finally:
        sock.close()
    # Missing files: FileNotFoundError, as the native driver gives.
    os.symlink("missing_inside.h5", os.path.join(lay.raw, "dangling_inside.h5"))
    for rel in ("up_evil/raw/missing.h5", "up_evil/raw/dangling_inside.h5",
                "up_evil/archive/missing_entry", "no_upload/raw/x.h5"):
        name = "/uploads/" + rel
        culprit = rel.split("/")[-1] if not rel.startswith("no_upload") else "no_upload"
        refuse_cli(lay, c, f"{rel} (missing)", ["get", name + "#/x", "--format", "json"],
                   [culprit])
        refuse_h5py(lay, c, f"{rel} (missing)", "open", name, "missing", [culprit], mode="r")
    refuse_h5py(lay, c, "no_upload/raw/new.h5 (missing upload)", "open",
                "/uploads/no_upload/raw/new.h5", "missing", ["no_upload"], mode="a")


# ---------------------------------------------------------------------------
# h. 'w' over an existing entry archive file.

def case_h(lay):
    c = "h"
    npy = os.path.join(lay.tmp, "kept.npy")
    np.save(npy, np.array([1.0, 2.0, 3.0]))
    r = subprocess.run([CLI, "--root", lay.root, "put", UPLOAD, "kept", "/data/value", npy,
                        "--no-progress"], capture_output=True, text=True, timeout=TIMEOUT)
    if not check(r.returncode == 0, c, f"set-up: put made the entry ({short(r.stderr)})"):
        return
    lay.seal()
    entry_file = os.path.join(lay.archive, "kept.h5")
    with open(entry_file, "rb") as f:
        original = f.read()
    entry = lay.name("archive/kept")
    for name in (entry, entry + "#/data/value"):
        refuse_h5py(lay, c, name, "write", name, "refused", ["kept"], mode="w", dataset="d")
        with open(entry_file, "rb") as f:
            unchanged = f.read() == original
        if not check(unchanged, c, f"h5py 'w' {name}: the entry file is unchanged"):
            with open(entry_file, "wb") as f:  # so that what follows is judged on its own
                f.write(original)
    allow_h5py(lay, c, entry + " (adds a dataset)", "write", entry, mode="a", dataset="added")
    allow_h5py(lay, c, entry, "read", entry, [1.0, 2.0, 3.0], mode="r+", dataset="data/value")
    allow_cli_get(lay, c, "of the entry after the refused 'w'", entry + "#/data/value",
                  [1.0, 2.0, 3.0])


# ---------------------------------------------------------------------------
# i. The race.

RACE_OPENS = 1000
RACE_CLI_GETS = 100


def case_i(lay):
    c = "i"
    n = len(FAILURES)
    race_secret = os.path.join(lay.outside, "race_secret.h5")
    write_h5(race_secret, d=[2.0])
    master = os.path.join(lay.raw, "master.h5")
    write_h5(master, d=[1.0])
    os.link(master, os.path.join(lay.raw, "a.h5"))
    lay.seal()
    before = lay.before()
    count_file = os.path.join(lay.tmp, "swaps")
    script = os.path.join(lay.tmp, "swapper.py")
    with open(script, "w") as f:
        f.write(SWAPPER)
    name = lay.name("raw/a.h5")
    start = time.monotonic()
    swapper = subprocess.Popen([PYTHON, script, lay.raw, race_secret, master, count_file])
    try:
        time.sleep(0.2)
        r = lay.h5py("race", name, opens=RACE_OPENS, timeout=300)
        h5py_seconds = time.monotonic() - start
        cli_values, cli_errors, cli_touches = {}, 0, []
        for _ in range(RACE_CLI_GETS):
            rc = lay.cli("get", name + "#/d", "--format", "json")
            cli_touches += rc.touches
            if rc.returncode == 0:
                v = str(json.loads(rc.stdout)[0])
                cli_values[v] = cli_values.get(v, 0) + 1
            else:
                cli_errors += 1
    finally:
        swapper.send_signal(signal.SIGTERM)
        swapper.wait(timeout=30)
    seconds = time.monotonic() - start
    with open(count_file) as f:
        swaps = int(f.read())
    res = r.result or {}
    counts = res.get("counts", {})
    errors = res.get("errors", {})
    failed = sum(v[0] for v in errors.values())
    print(f"note [i] {seconds:.1f} s ({h5py_seconds:.1f} s h5py), {swaps} swaps; h5py: "
          f"{counts} read, {failed} refused {({k: v[0] for k, v in errors.items()})} e.g. "
          f"{short(json.dumps(errors), 400)}; CLI get: {cli_values} read, {cli_errors} refused")
    check(not r.timed_out and res.get("ok") is True, c,
          f"h5py race process ran ({short(r.stderr)})")
    check(swaps >= 100, c, f"the swapper flipped the file {swaps} times")
    check(sum(counts.values()) + failed == RACE_OPENS, c,
          f"h5py: {RACE_OPENS} opens accounted for")
    check(counts.get("2.0", 0) == 0, c,
          f"h5py: 0 of {RACE_OPENS} opens read the outside file ({counts.get('2.0', 0)} did)")
    check(counts.get("1.0", 0) > 0, c, "h5py: some opens read the inside file (the race ran)")
    check(not r.touches, c, f"h5py: strace: no successful system call reached outside/ "
                            f"({len(r.touches)}: {r.touches[:3]})")
    check(cli_values.get("2.0", 0) == 0, c, f"CLI get: 0 of {RACE_CLI_GETS} reads of the "
                                            f"outside file ({cli_values.get('2.0', 0)} did)")
    check(not cli_touches, c, f"CLI get: strace: no successful system call reached outside/ "
                              f"({len(cli_touches)}: {cli_touches[:3]})")
    check(lay.snapshot() == before, c, "outside/ unchanged, nothing created")
    passed(c, f"race: {RACE_OPENS} h5py opens and {RACE_CLI_GETS} CLI gets, 0 outside", n)


CASES = {"a": case_a, "b": case_b, "c": case_c, "d": case_d, "e": case_e, "f": case_f,
         "g": case_g, "h": case_h, "i": case_i}


def self_test_parser(tmp):
    """The strace parser must see what it is there to see: a program that
    reads a file outside through a symbolic link, unlinks one through a
    `..`-after-link path and makes a folder there, traced like the cases."""
    lay = Layout(os.path.join(tmp, "selftest"))
    for d in (lay.outside, lay.raw, lay.cwd, lay.traces):
        os.makedirs(d)
    for n in ("read_me", "unlink_me"):
        with open(os.path.join(lay.outside, n), "w") as f:
            f.write("x")
    lay.seal()
    os.symlink(".", os.path.join(lay.raw, "s"))
    os.symlink("s/s/s/s/../../../..", os.path.join(lay.raw, "esc"))
    os.symlink(os.path.join(lay.outside, "read_me"), os.path.join(lay.raw, "link"))
    code = ("import os\n"
            f"raw = {lay.raw!r}\n"
            "os.read(os.open(os.path.join(raw, 'link'), os.O_RDONLY), 1)\n"
            "os.unlink(os.path.join(raw, 'esc/outside/unlink_me'))\n"
            "os.mkdir(os.path.join(raw, 'esc/outside/made'))\n"
            "try:\n    os.open(os.path.join(raw, 'esc/outside/missing'), os.O_RDONLY)\n"
            "except OSError:\n    pass\n")
    n = len(FAILURES)
    r = lay.run([PYTHON, "-c", code], os.environ)
    # unlink or unlinkat, mkdir or mkdirat, open or openat: as libc chooses.
    kinds = sorted({re.sub(r"at2?$", "", t.split("(")[0]) for t in r.touches})
    ok = r.returncode == 0 and kinds == ["mkdir", "open", "read", "unlink"] and len(r.touches) == 4
    check(ok, "parser", f"the strace parser sees an open, a read, an unlink and a mkdir outside, "
                        f"and not the failed open ({r.touches} {short(r.stderr)})")
    passed("parser", "the strace parser sees what reaches outside/", n)
    return ok


def main():
    missing = [v for v in TOOL_VARS if not os.environ.get(v)]
    if missing:
        print(f"FAIL {', '.join(missing)} not set (run by ctest: tests/e2e/CMakeLists.txt)")
        return 1
    if shutil.which("strace") is None:
        print("FAIL strace is not installed (tools/bootstrap.sh installs it)")
        return 1
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    tmp = os.path.realpath(tempfile.mkdtemp(dir=base, prefix="hostile_files-"))
    keep = os.environ.get("HOSTILE_FILES_KEEP") == "1"
    try:
        if self_test_parser(tmp):
            lay = Layout(tmp)
            make_layout(lay)
            for letter in ONLY:
                start = time.monotonic()
                print(f"--- case {letter}", flush=True)
                CASES[letter](lay)
                print(f"--- case {letter}: {time.monotonic() - start:.1f} s", flush=True)
    finally:
        if keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(FAILURES)} failures; by case: {dict(sorted(FAILED_CASES.items()))}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
