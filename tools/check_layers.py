#!/usr/bin/env python3
"""The include graph of archive/ follows the library's layers: no file
includes a header of a concept above its own (docs/architecture.md).

Reads the `#include "..."` lines of archive/include/h5archive/*.hpp and
archive/src/*, maps every file to its layer with LAYERS below, and fails,
naming the file, the line and both layers, when one reaches up. A file that
is in no layer fails too, so a new concept must be placed in the table.

Usage: check_layers.py [REPO_ROOT]    (default: this script's repository)
       check_layers.py --self-test     (shows that a violation is caught)
"""
import re
import sys
from pathlib import Path

# Lowest first. A file may include headers of its own layer or of any layer
# below. Names are file stems (dataset_io covers dataset_io.hpp/.cpp); an
# entry with an extension names that one file only.
LAYERS = [
    # Plumbing every concept may use: typed errors, quoting, safe opens below
    # a folder, temporaries and atomic replacement of a file, large writes
    # past the page cache (the staging driver's).
    ("base", ["errors.hpp", "printable", "beneath", "temp_files", "atomic_file",
              "direct_write"]),
    # Values the HDF5 layer reads into and writes from (the brief's quantity
    # concepts dtype and array live here because every read returns an Array).
    ("values", ["dtype", "array", "checked_size", "units", "npy", "npy_format",
                "npy_strings"]),
    ("reference", ["reference"]),
    ("location", ["location"]),
    # RAII handles and checked calls of HDF5's C API: the staging driver is an
    # HDF5 file driver and registers itself with them.
    ("hdf5 handle", ["hdf5_handle", "hdf5", "errors.cpp"]),
    ("staging", ["staging_config", "staging_area", "staging_driver", "staged_open",
                 "unsafe_storage"]),
    ("hdf5 layer", ["dataset_io", "dataset_io_detail", "dataset_io_internal", "dataset_read",
                    "dataset_reader",
                    "hdf5_file", "hdf5_paths", "hdf5_types", "staged_write", "layout",
                    "require_dataset", "selection", "slice_read", "resolve_read",
                    "selection_stream"]),
    ("quantities", ["statistics", "quantity_metadata", "quantity_metadata_detail",
                    "quantity_writer", "quantity_writer_state", "chunk_encoder", "file_tree"]),
    ("sections", ["schema", "archive_state", "section", "section_read", "hdf5_quantity"]),
    ("entry archive", ["entry_archive", "archive_json"]),
    ("entry files", ["entry_files", "npy_quantity", "h5archive"]),
]

# Known reaches up, each with the reason it is still there. Keep this empty.
ALLOWED = {
    # Before removing a half-written object, the writer asks whether a saved
    # archive of the upload refers to it, which needs the entry listing.
    ("hdf5_quantity.cpp", "entry_files.hpp"),
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(name, table):
    stem = name.rsplit(".", 1)[0]
    for index, (_, members) in enumerate(table):
        if name in members:
            return index
    for index, (_, members) in enumerate(table):
        if stem in members:
            return index
    return None


def check(files, table=LAYERS, allowed=frozenset(ALLOWED)):
    """files: {name: text}. Returns the list of problems found."""
    problems = []
    for name, text in sorted(files.items()):
        own = layer_of(name, table)
        if own is None:
            problems.append(f"{name}: in no layer; add it to LAYERS in tools/check_layers.py")
            continue
        for number, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(1).rsplit("/", 1)[-1]
            target = layer_of(header, table)
            if target is None:
                problems.append(f"{name}:{number}: includes {header}, which is in no layer")
            elif target > own and (name, header) not in allowed:
                problems.append(f"{name}:{number}: includes {header} of layer "
                                f"'{table[target][0]}' above its own '{table[own][0]}'")
    return problems


def self_test():
    files = {"location.cpp": '#include "h5archive/location.hpp"\n',
             "location.hpp": "",
             "section.hpp": '#include "h5archive/location.hpp"\n',
             "reference.cpp": '#include "h5archive/errors.hpp"\n#include "section.hpp"\n',
             "stray.cpp": ""}
    got = check(files)
    want = ["reference.cpp:2: includes section.hpp of layer 'sections' above its own "
            "'reference'",
            "stray.cpp: in no layer; add it to LAYERS in tools/check_layers.py"]
    if got != want:
        print(f"self-test failed:\n got  {got}\n want {want}")
        return 1
    print("self-test: an upward include and a file in no layer are both reported")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    paths = sorted((root / "archive/include/h5archive").glob("*.hpp"))
    paths += sorted(p for p in (root / "archive/src").iterdir() if p.suffix in (".hpp", ".cpp"))
    if not paths:
        print(f"no sources under {root / 'archive'}")
        return 1
    problems = check({p.name: p.read_text() for p in paths})
    for p in problems:
        print(p)
    print(f"{len(paths)} files, {len(problems)} layering problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
