"""`h5archive serve` at the trust boundary, and its operational basics
(issue 14).

Hostile requests - `..`, percent-encoded %2e%2e and %2f, absolute paths, NUL,
overlong names and ids, request paths climbing out, and the hostile files of
hostile_files_test.py (a symbolic link out of raw/, an external link, a
virtual dataset and external raw storage leading to <tmp>/outside, a FIFO) -
are answered with a 4xx (an unresolved external link is described, 200, as
h5grove does, but never followed), no secret value appears in any answer,
and the server, run under `strace -f -y`, reaches nothing in <tmp>/outside.

Then: the limits answer 413 with a message naming them, one log line per
request (method, target, status, bytes, ms), SIGINT and SIGTERM stop the
server cleanly (exit 0), and --help tells the options and their defaults.
Runs with pytest (`python serve_hostile_test.py` calls it).
"""
import concurrent.futures
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import h5py
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_files_test as hostile  # noqa: E402
from serve_support import get, start_serve  # noqa: E402

CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
RAW = "/uploads/up_evil/raw/"


@pytest.fixture(scope="module")
def layout():
    base = os.environ.get("E2E_TMP")
    if base:
        os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="serve_hostile_", dir=base)
    root, outside = hostile.make_hostile_upload(tmp)
    yield tmp, root, outside
    shutil.rmtree(tmp, ignore_errors=True)


def q(**params):
    return urllib.parse.urlencode(params)


# (endpoint, raw query, expected status): raw queries keep their encoding.
HOSTILE = [
    ("meta", q(file=RAW + "../../../../outside/secret.h5"), 403),
    ("meta", "file=%2Fuploads%2Fup_evil%2Fraw%2F%2e%2e%2F%2e%2e%2F%2e%2e%2F%2e%2e%2Foutside"
             "%2Fsecret.h5", 403),
    ("meta", "file=/uploads/up_evil/raw/..%2f..%2f..%2f..%2foutside%2fsecret.h5", 403),
    ("meta", "file=/uploads/%2e%2e/outside/secret.h5", 422),
    ("meta", "file=/uploads/up_evil/%2e%2e/%2e%2e/outside/secret.h5", 422),
    ("meta", q(file="/etc/passwd"), 422),
    ("meta", q(file="{outside}/secret.h5"), 422),
    ("meta", q(file=RAW + "/etc/passwd"), 403),
    # Normalised as text this is raw/outside/secret.h5, which does not exist.
    ("meta", q(file=RAW + "s/s/s/s/../../../../outside/secret.h5"), 404),
    ("meta", "file=/uploads/up_evil/raw/ok.h5%00/../../../../outside/secret.h5", 422),
    ("meta", q(file=RAW + "a" * 5000), 422),
    ("meta", q(file="/uploads/" + "u" * 300 + "/raw/ok.h5"), 422),
    ("meta", q(file="/uploads/up_evil/elsewhere/ok.h5"), 422),
    ("meta", q(file=RAW + "evil_link.h5"), 403),
    ("data", q(file=RAW + "evil_link.h5", path="/x"), 403),
    ("data", q(file=RAW + "ext_abs.h5", path="/evil_link"), 422),
    ("data", q(file=RAW + "ext_rel.h5", path="/evil_link"), 422),
    ("meta", q(file=RAW + "ext_abs.h5", path="/evil_link", resolve_links="all"), 404),
    ("data", q(file=RAW + "vds.h5", path="/vds"), 403),
    ("data", q(file=RAW + "extstore.h5", path="/ext_data"), 403),
    ("meta", q(file=RAW + "fifo.h5"), 422),
    ("meta", q(file=RAW + "folder.h5"), 422),
    ("meta", q(file=RAW + "text.h5"), 422),
    ("meta", q(file="/uploads/no_such_upload/raw/ok.h5"), 404),
    ("meta", q(file="/uploads/up_evil/raw/missing.h5"), 404),
    ("meta/../../../etc/passwd", q(file=RAW + "ok.h5"), 404),
    ("..%2f..%2f..%2fetc%2fpasswd", "", 404),
    ("main.js/../../../../etc/passwd", "", 404),
]


def test_hostile_requests(layout):
    tmp, root, outside = layout
    trace = os.path.join(tmp, "serve.strace")
    server = start_serve(root, wrapper=[*hostile.STRACE, "-o", trace],
                         log=os.path.join(tmp, "serve.log"))
    failures = []
    try:
        for endpoint, query, expected in HOSTILE:
            query = query.replace(urllib.parse.quote("{outside}", safe=""),
                                  urllib.parse.quote(outside, safe=""))
            start = time.time()
            status, ctype, body, _ = get(server.url, endpoint, query, timeout=hostile.HANG_TIMEOUT)
            text = body.decode("utf-8", "replace")
            if status != expected:
                failures.append(f"{endpoint}?{query[:120]}: {status}, expected {expected}: {text}")
            if ctype.startswith("application/json") and "message" not in json.loads(body):
                failures.append(f"{endpoint}?{query[:120]}: no message in {text}")
            if any(marker in text for marker in hostile.SECRET_MARKERS):
                failures.append(f"{endpoint}?{query[:120]}: secret value in {text}")
            if root in text:  # messages never show the server's own paths
                failures.append(f"{endpoint}?{query[:120]}: a server path in {text}")
            if time.time() - start > hostile.HANG_TIMEOUT:
                failures.append(f"{endpoint}?{query[:120]}: took {time.time() - start:.1f} s")
        # The boundary does not refuse everything: the fine file and link still work.
        status, _, body, _ = get(server.url, "data", q(file=RAW + "ok.h5", path="/d"))
        assert status == 200 and json.loads(body) == [1.0, 2.0, 3.0]
        status, _, body, _ = get(server.url, "meta", q(file=RAW + "ext_abs.h5", path="/evil_link"))
        assert status == 200 and json.loads(body)["kind"] == "external_link", body
    finally:
        assert server.stop() == 0
    assert not failures, "\n".join(failures)
    touches = hostile.outside_touches(trace, os.getcwd(), outside)
    assert touches == [], "\n".join(touches[:20])


def test_limits(layout):
    tmp, root, _ = layout
    with h5py.File(os.path.join(root, "up", "up_evil", "raw", "big.h5"), "w") as f:
        f["x"] = np.zeros((1024, 300))  # 2.3 MiB
        # 2^62 elements, 2^65 bytes: never allocated, never read whole.
        f.create_dataset("huge", shape=(2 ** 31, 2 ** 31), chunks=(1, 1024), dtype="f8")
    server = start_serve(root, extra=["--max-selection-mib", "1", "--max-json-elements", "1000"])
    try:
        status, _, body, _ = get(server.url, "data", q(file=RAW + "big.h5", path="/x", format="bin"))
        message = json.loads(body)["message"]
        assert status == 413 and "307200 elements (2457600 bytes)" in message \
            and "limit of 1048576 bytes for format=bin" in message, body
        status, _, body, _ = get(server.url, "data", q(file=RAW + "big.h5", path="/x"))
        assert status == 413 and "limit of 1000 elements for format=json" in body.decode(), body
        status, _, body, _ = get(server.url, "data",
                                 q(file=RAW + "big.h5", path="/x", selection="0:3", format="bin"))
        assert status == 200 and len(body) == 3 * 300 * 8
        status, _, body, _ = get(server.url, "data", q(file=RAW + "big.h5", path="/huge",
                                                       format="bin"))
        assert status == 413 and "more than 2^64 bytes" in body.decode(), body
        status, _, body, _ = get(server.url, "data", q(file=RAW + "big.h5", path="/huge",
                                                       selection="-1,5:8"))
        assert status == 200 and json.loads(body) == [0.0, 0.0, 0.0], body
    finally:
        assert server.stop() == 0


def test_concurrent_clients(layout):
    """16 clients at once on 4 threads get the answers one client gets alone."""
    tmp, root, _ = layout
    server = start_serve(root, extra=["--threads", "4", "--quiet"])
    queries = [("meta", q(file=RAW + "ok.h5")), ("data", q(file=RAW + "ok.h5", path="/d")),
               ("data", q(file=RAW + "ok.h5", path="/d", format="npy")),
               ("meta", q(file=RAW + "missing.h5")), ("data", q(file=RAW + "ok.h5", path="/x"))]
    try:
        alone = [get(server.url, e, query)[:3] for e, query in queries]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda i: get(server.url, *queries[i % 5])[:3], range(400)))
    finally:
        assert server.stop() == 0
    assert [a[0] for a in alone] == [200, 200, 200, 404, 404]
    assert all(a == alone[i % 5] for i, a in enumerate(answers))


LOG_LINE = re.compile(r"^GET (/\S*) (\d{3}) (\d+) (\d+\.\d)ms$")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_log_and_clean_stop(layout, sig):
    tmp, root, _ = layout
    log = os.path.join(tmp, f"serve-{sig}.log")
    server = start_serve(root, log=log)
    assert server.url.startswith("http://127.0.0.1:")  # loopback by default
    get(server.url, "meta", q(file=RAW + "ok.h5"))
    get(server.url, "data", q(file=RAW + "ok.h5", path="/d", format="bin"))
    get(server.url, "meta", q(file=RAW + "missing.h5"))
    # An idle keep-alive connection must not hold the stop up.
    idle = socket.create_connection(server.url[len("http://"):].split(":"))
    start = time.time()
    assert server.stop(sig) == 0
    assert time.time() - start < 10
    idle.close()
    lines = [line for line in open(log).read().splitlines() if line.startswith("GET ")]
    parsed = [LOG_LINE.match(line) for line in lines]
    assert all(parsed) and len(parsed) == 3, lines
    # Written once the answer is sent: the order of lines may differ from the requests'.
    logged = {m.group(1): (m.group(2), m.group(3)) for m in parsed}
    assert logged == {"/meta?file=%2Fuploads%2Fup_evil%2Fraw%2Fok.h5": ("200", "194"),
                      "/data?file=%2Fuploads%2Fup_evil%2Fraw%2Fok.h5&path=%2Fd&format=bin":
                      ("200", "24"),
                      "/meta?file=%2Fuploads%2Fup_evil%2Fraw%2Fmissing.h5": ("404", "29")}, lines
    assert "h5archive serve: stopped" in open(log).read()


def test_help():
    r = subprocess.run([CLI, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    for text in ("--host", "127.0.0.1", "--port", "8080", "--threads", "--max-selection-mib",
                 "--web", "SIGINT", "/meta"):
        assert text in r.stdout, text
    r = subprocess.run([CLI, "--root", "/nonexistent", "serve", "--port", "70000"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "70000" in r.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
