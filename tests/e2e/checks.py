"""Shared plumbing of the end-to-end scripts.

Each check prints one line and a failed one is collected rather than raised,
so one run reports every broken behaviour, not only the first; `finish()`
turns the collection into the script's exit code. Scripts in tests/e2e import
it directly (their folder is on sys.path); tests/wheel adds that folder.
"""
import os
import subprocess
import sys
import threading

FAILURES = []
# Some scripts check from several reader threads at once.
_LOCK = threading.Lock()


def check(condition, what):
    """Records `what` as a failure unless `condition` holds; returns the condition."""
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        with _LOCK:
            FAILURES.append(what)
    return bool(condition)


def finish():
    """The script's exit code: 1 with a summary on stderr if any check failed."""
    name = os.path.basename(sys.argv[0])
    if FAILURES:
        print(f"{name}: {len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    print(f"{name}: ok")
    return 0


def run(cmd, env, timeout=120):
    """Runs `cmd` with `env`; returns (exit code, stdout, stderr) as text."""
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr
