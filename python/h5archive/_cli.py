"""The ``h5archive`` command of the wheel: runs the C++ command line
(docs/cli.md) installed in the package, linked to h5py's libhdf5."""
from __future__ import annotations

import os
import sys
from typing import NoReturn


def main() -> NoReturn:
    program = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "h5archive")
    os.execv(program, [program] + sys.argv[1:])
