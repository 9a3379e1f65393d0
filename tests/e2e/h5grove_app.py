"""h5grove 4.0.0's own Tornado handlers serving a staging area, the reference
`h5archive serve` is compared with (tests/e2e/serve_api_test.py) and measured
against (tools/bench, serve row).

`file=` takes /uploads/<u>/archive/<entry> and /uploads/<u>/raw/<path>
names, mapped to files the way NOMAD's patched h5grove opener does
(archive -> <root>/<u[:prefix]>/<u>/archive/<entry>.h5, raw -> .../raw/<path>);
everything else is h5grove's code as published on PyPI.

    python h5grove_app.py --root R [--prefix-size 2] [--port 0]

prints "listening on http://127.0.0.1:<port>/" once it accepts requests.
"""
import argparse
import asyncio
import os
import re
import sys

import tornado.netutil
import tornado.web
from h5grove import tornado_utils

NAME = re.compile(r"^/uploads/([^/]+)/(raw|archive)/(.+)$")


def mapper(root, prefix_size):
    def map_name(name):
        m = NAME.match(name)
        if not m:
            return name
        upload, directory, rest = m.groups()
        folder = os.path.join(root, upload[:prefix_size], upload) if prefix_size else \
            os.path.join(root, upload)
        if directory == "archive":
            return os.path.join(folder, "archive", rest + ".h5")
        return os.path.join(folder, "raw", rest)
    return map_name


def handlers(map_name):
    def mapped(base):
        class Mapped(base):
            def get_response(self, full_file_path, path, resolve_links):
                # base_dir is "": full_file_path is the file= parameter itself.
                return super().get_response(map_name(full_file_path), path, resolve_links)
        return Mapped
    routes = []
    for route, handler, args in tornado_utils.get_handlers(base_dir=""):
        if route != "/":
            handler = mapped(handler)
        routes.append((route, handler, args))
    return routes


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--prefix-size", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app = tornado.web.Application(handlers(mapper(os.path.abspath(args.root), args.prefix_size)))
    sockets = tornado.netutil.bind_sockets(args.port, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import tornado.httpserver  # noqa: F401  (after argparse: --help stays fast)
    sys.exit(asyncio.run(main()))
