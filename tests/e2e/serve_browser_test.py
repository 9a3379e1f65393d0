"""The H5Web page of `h5archive serve` in a real browser (issue 14).

Headless Chromium (Debian's `chromium`) driven by playwright-core from the
build's npm folder (no browser download) opens
`/?file=/uploads/test_upload/archive/test_entry&path=/data/value` for the
demo entry, waits for H5Web's heatmap canvas, saves a screenshot to
build/serve-browser.png for people to look at; then opens the entry at its
root and selects data > value in H5Web's tree. Both times it checks that the
canvas shows the image: eye(5) in a colour map is two colours over most of it, so
at least two colours each cover more than 1% and none covers everything.
The page must raise no JavaScript error, and the server must have answered
H5Web's requests (/meta, /attr, /data with format=bin&dtype=safe).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import start_serve  # noqa: E402

BIN = os.environ["H5ARCHIVE_BIN"]
BUILD = os.path.dirname(BIN)
WEB_NPM = os.path.join(BUILD, "web-npm")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ENTRY = "/uploads/test_upload/archive/test_entry"


def main():
    for need, what in ((CHROMIUM, "Debian's chromium (tools/bootstrap.sh installs it)"),
                       (os.path.join(BUILD, "web", "main.js"), "the built H5Web page"),
                       (os.path.join(WEB_NPM, "node_modules", "playwright-core"),
                        "playwright-core (npm ci in build/web-npm)")):
        if not os.path.exists(need):
            print(f"FAIL: {what} is missing: {need}")
            return 1
    base = os.environ.get("E2E_TMP")
    if base:
        os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="serve_browser_", dir=base)
    root = os.path.join(tmp, "staging")
    subprocess.run([os.path.join(BIN, "h5archive"), "--root", root, "demo"], check=True,
                   capture_output=True)
    log = os.path.join(tmp, "serve.log")
    server = start_serve(root, log=log)
    screenshot = os.path.join(BUILD, "serve-browser.png")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # no ASan in Chromium
    env.update(WEB_NPM=WEB_NPM, CHROMIUM=CHROMIUM, SERVE_URL=server.url, SERVE_FILE=ENTRY,
               SCREENSHOT=screenshot)
    try:
        r = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "serve_browser.mjs")],
                           env=env, capture_output=True, text=True, timeout=180)
    finally:
        assert server.stop() == 0
    print(r.stdout, r.stderr[-3000:], sep="\n")
    if r.returncode != 0:
        print(f"FAIL: the browser script exited with {r.returncode}")
        return 1
    result = json.loads(r.stdout.strip().splitlines()[-1])
    requests = open(log).read()
    shutil.rmtree(tmp, ignore_errors=True)
    failures = []
    if result["errors"]:
        failures.append(f"JavaScript errors: {result['errors']}")
    for shown in (result, result["clicked"]):
        if shown["colours"] < 2 or shown["dominant"] > 0.99:
            failures.append(f"the heatmap canvas looks blank: {result}")
    for part in ("GET /meta?file=%2Fuploads%2Ftest_upload%2Farchive%2Ftest_entry&path=%2Fdata"
                 "%2Fvalue 200", "format=bin&dtype=safe 200"):
        if part not in requests:
            failures.append(f"no request '{part}' in the server log:\n{requests}")
    print(f"screenshot: {screenshot}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
