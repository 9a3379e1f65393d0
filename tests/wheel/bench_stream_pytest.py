"""A small run of tools/bench/bench_python_stream.py (`make bench`'s Python
streaming rows, docs/python.md) in the wheel's venv: its table's format, and
that the peak RSS above the baseline is reported. Run by pytest through
tests/wheel/with_wheel.sh."""
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench" / "bench_python_stream.py"


def test_bench_python_stream_small_run_reports_rss(tmp_path):
    out = subprocess.run([sys.executable, str(BENCH), "--size-mib", "32", "--block-mib", "4",
                          "--reps", "1", "--dir", str(tmp_path)], check=True, capture_output=True,
                         text=True).stdout
    what = "python stream 32 MiB, 4 MiB blocks"
    rate = re.search(rf"^{what}: throughput vs h5py +(\d+) MiB/s +(\d+) MiB/s +(\d+\.\d\d) +- +-$",
                     out, re.M)
    rss = re.search(rf"^{what}: peak RSS above baseline +\+(\d+\.\d) MiB +\+(\d+\.\d) MiB "
                    r"+(\d+\.\d\d|-) +<= 100 MiB +(yes|NO)$", out, re.M)
    assert rate and rss, out
    ours = float(rss[1])
    assert ours > 0, out  # the block and HDF5's chunk cache at least
    assert rss[4] == ("yes" if ours <= 100 else "NO")
    assert list(tmp_path.iterdir()) == []  # its files are removed


def test_bench_python_stream_without_the_wheel_says_how_to_get_it(tmp_path):
    missing = tmp_path / "venv" / "bin" / "python"
    out = subprocess.run([sys.executable, str(BENCH), "--python", str(missing)], check=True,
                         capture_output=True, text=True).stdout
    assert f"not measured (no {missing}): run `make test`" in out
    assert "H5ARCHIVE_WHEEL_PYTHON=<venv>/bin/python make bench" in out
    assert re.search(r"^python stream 4096 MiB, 16 MiB blocks: peak RSS above baseline +not "
                     r"measured +- +- +<= 100 MiB +NO$", out, re.M), out
