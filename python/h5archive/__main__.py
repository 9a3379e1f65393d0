"""``python -m h5archive env [--root DIR] [--upload ID]``: the shell lines that
select the connector for every HDF5 program, h5py included:

    eval "$(python -m h5archive env --root /data/staging)"

``python -m h5archive version``: this wheel's version, and the h5py and HDF5 it
was built for.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m h5archive")
    commands = parser.add_subparsers(dest="command", required=True)
    env = commands.add_parser("env", help="print export lines for HDF5_PLUGIN_PATH and HDF5_VOL_CONNECTOR")
    env.add_argument("--root", help="staging root (default $H5ARCHIVE_ROOT, else .volumes/fs/staging)")
    env.add_argument("--upload", help="upload that prefix-less references resolve in")
    commands.add_parser("version", help="print the versions this wheel was built for")
    args = parser.parse_args(argv)

    import h5archive

    if args.command == "env":
        for key, value in h5archive.env(args.root, args.upload).items():
            print(f"export {key}={shlex.quote(value)}")
    else:
        from importlib.metadata import version

        from h5archive import _build_info as b
        print(f"h5archive {version('h5archive')} for h5py {b.H5PY_VERSION} "
              f"(HDF5 {b.HDF5_VERSION}, compiled with headers {b.HDF5_HEADERS_VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
