#!/usr/bin/env python3
"""Picks a small seed corpus that keeps the coverage of a large one.

  fuzz/minimize_corpus.py BUILD/bin/fuzz_X --pin fuzz/corpus/fuzz_X \\
      --out NEW_DIR --max 100 CANDIDATE_DIR...

libFuzzer 14's -merge=1 keeps every input that adds a feature in size order
(hundreds of files after a few minutes of fuzzing), and it records only each
input's *new* features, so its control file cannot drive a set cover
(-set_cover_merge came with LLVM 15). This script runs the fuzzer's merge inner
step once per input to get each input's full set of covered edges ("COV"), then
greedily picks the input adding the most uncovered edges (ties: the smaller
one) until every edge seen is covered or --max files are reached.

Pinned inputs (--pin, files or folders: the hand-written seeds; crash-* files
are skipped) count as covered from the start and are not copied. Picked inputs
are written to --out as <sha1 of content>, libFuzzer's naming.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile


def files_in(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += [os.path.join(p, n) for n in sorted(os.listdir(p))
                    if os.path.isfile(os.path.join(p, n))]
        elif os.path.isfile(p):
            out.append(p)
    return [f for f in out if not os.path.basename(f).startswith("crash-")]


def edges_of(fuzzer, path, tmp, key):
    ctl = os.path.join(tmp, "one.ctl")
    with open(ctl, "w") as f:
        f.write(f"1\n0\n{path}\n")
    subprocess.run([fuzzer, "-merge_inner=1", f"-merge_control_file={ctl}"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    with open(ctl) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == key:
                return set(map(int, parts[2:]))
    return None  # the input crashed or timed out: never pick it


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fuzzer")
    ap.add_argument("candidates", nargs="+")
    ap.add_argument("--pin", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--max", type=int, default=100, help="at most this many files, pins included")
    ap.add_argument("--features", action="store_true", help="cover libFuzzer features (FT), not edges")
    args = ap.parse_args()
    key = "FT" if args.features else "COV"

    pinned = files_in(args.pin)
    pinned_digests = {hashlib.sha1(open(p, "rb").read()).hexdigest() for p in pinned}
    seen, candidates = set(pinned_digests), []
    for c in files_in(args.candidates):
        d = hashlib.sha1(open(c, "rb").read()).hexdigest()
        if d not in seen:
            seen.add(d)
            candidates.append((c, d))

    with tempfile.TemporaryDirectory() as tmp:
        covered, universe = set(), set()
        for p in pinned:
            e = edges_of(args.fuzzer, p, tmp, key) or set()
            covered |= e
        universe |= covered
        sets = []
        for i, (c, d) in enumerate(candidates):
            e = edges_of(args.fuzzer, c, tmp, key)
            if e is None:
                print(f"skipped (crash or timeout): {c}", file=sys.stderr)
                continue
            universe |= e
            sets.append((c, d, os.path.getsize(c), e))
            if (i + 1) % 200 == 0:
                print(f"... {i + 1}/{len(candidates)} inputs measured", file=sys.stderr)

    pinned_cover = len(covered)
    picked = []
    budget = args.max - len(pinned)
    while len(picked) < budget:
        best = max(sets, key=lambda s: (len(s[3] - covered), -s[2]), default=None)
        if best is None or not (best[3] - covered):
            break
        covered |= best[3]
        picked.append(best)
        sets.remove(best)

    os.makedirs(args.out, exist_ok=True)
    for c, d, _, _ in picked:
        with open(c, "rb") as src, open(os.path.join(args.out, d), "wb") as dst:
            dst.write(src.read())
    size = sum(s[2] for s in picked)
    print(f"{len(pinned)} pinned ({pinned_cover} {key}), {len(picked)} picked ({size} bytes); "
          f"{len(covered)}/{len(universe)} {key} covered")


if __name__ == "__main__":
    main()
