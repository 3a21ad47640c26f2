"""putlint against hostile specs at growing sizes, up to the 64 MiB input cap; prints a table.

    python benchmarks/hostile.py                  # 64 KB, 1 MB, 8 MB and 63 MiB for each
    python benchmarks/hostile.py --sizes 65536    # chosen sizes only (bytes)
    python benchmarks/hostile.py --only enum-intersection

Each generator of tests/hostile.py writes a spec of about the size asked; `putlint check` runs
on it as a whole process, under an address-space limit (--memory, MiB) and a CPU limit
(--cpu, s), and the table gives its exit code, CPU time (user + system) and peak resident
memory (wait4). A run stopped by a limit says so. The promise, enforced by
tests/test_hostile.py under rlimits: under 1 MB, at most 10 s and 500 MiB; beyond, the
figures should grow no faster than the input.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.hostile import GENERATORS  # noqa: E402
from tests.launcher import LAUNCHER, PUTLINT  # noqa: E402

SIZES = (64 * 1024, 1_000_000, 8 * 1024 * 1024, 63 * 1024 * 1024)


def measure(path: Path, cpu: int, memory: int) -> tuple[int, float, float]:
    """(exit code, CPU seconds, peak RSS MiB) of `putlint check path` under the limits."""
    out, err = path.with_suffix(".out"), path.with_suffix(".err")
    code, rss, seconds = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(cpu), str(memory), str(out), str(err), PUTLINT,
         "check", path.name], cwd=path.parent, capture_output=True, text=True, check=True,
    ).stdout.split()
    return int(code), float(seconds), float(rss)


def outcome(code: int) -> str:
    return {0: "0 clean", 1: "1 findings", 2: "2 input error",
            3: "3 (out of memory: over the limit)", -24: "killed: CPU limit"}.get(code, str(code))


def human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{size / 1024:.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--only", nargs="*", default=None, help="generator names")
    parser.add_argument("--cpu", type=int, default=300, help="CPU limit per run, seconds")
    parser.add_argument("--memory", type=int, default=3072, help="memory limit per run, MiB")
    args = parser.parse_args()
    print("| generator | file size | exit | CPU | peak RSS |")
    print("|---|---|---|---|---|")
    for case in GENERATORS:
        if args.only and case.name not in args.only:
            continue
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix="putlint-hostile-") as folder:
                path = case.write(Path(folder), size)
                actual = path.stat().st_size
                code, seconds, rss = measure(path, args.cpu, args.memory)
            print(f"| {case.name} | {human(actual)} | {outcome(code)} | {seconds:.2f} s | "
                  f"{rss:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
