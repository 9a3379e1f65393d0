"""Helpers shared by the `h5archive serve` tests and benchmark: starting
`h5archive serve` and h5grove's reference app (h5grove_app.py) on free
loopback ports, and GET requests with the bytes as sent."""
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/")


class Process:
    """A server process; `url` is its base URL once it listens."""

    def __init__(self, argv, env=None, log=None, wrapped=False):
        self.wrapped = wrapped
        self.log = open(log, "w") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env,
                                     text=True)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = LISTENING.search(line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            self.proc.kill()
            raise RuntimeError(f"{argv[0]} did not start listening (exit {self.proc.wait()})")

    def server_pid(self):
        """The server's pid: the child of a wrapper (strace), else the process."""
        if self.wrapped:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                children = f.read().split()
            if children:
                return int(children[0])
        return self.proc.pid

    def stop(self, sig=None):
        """Stops the server with SIGTERM (or `sig`); returns the exit code
        (of the wrapper, which strace makes the server's)."""
        if self.proc.poll() is None:
            os.kill(self.server_pid(), sig or 15)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()
        return code


def start_serve(root, extra=(), wrapper=(), log=None):
    cli = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
    return Process([*wrapper, cli, "--root", root, "serve", "--port", "0", *extra], log=log,
                   wrapped=bool(wrapper))


def start_h5grove(root, log=None):
    python = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
    return Process([python, os.path.join(HERE, "h5grove_app.py"), "--root", root], log=log)


def get(base, endpoint, query, timeout=60):
    """GET base/endpoint?query; `query` is a dict (encoded here) or a raw,
    already encoded string. Returns (status, content type, body bytes, headers)."""
    if not isinstance(query, str):
        query = urllib.parse.urlencode(query, doseq=True)
    url = f"{base}/{endpoint}" + (f"?{query}" if query else "")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read(), e.headers
