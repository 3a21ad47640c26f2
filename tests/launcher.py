"""Run the real console script under hard limits: CPU seconds and address space (rlimits),
and report its exit code, output and peak resident memory.

A small launcher process starts putlint, because Linux keeps, in a child's peak RSS, the pages
of the forked copy of its parent: forked straight from pytest (hundreds of MiB), every case
looked as big as the test process. The limits are enforced by the kernel, not by timing
asserts: over the CPU limit putlint is killed (SIGXCPU, a negative exit code); over the memory
limit its allocations fail (MemoryError: that spec's input error, exit 2).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PUTLINT = str(Path(sys.executable).parent / "putlint")
CPU_SECONDS = 10  # no spec under 1 MB may take more (the bound)
MEMORY_MIB = 500  # ... nor more memory than this

LAUNCHER = """\
import os, resource, subprocess, sys
cpu, memory = int(sys.argv[1]), int(sys.argv[2]) * 1024 * 1024
def limit():
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
with open(sys.argv[3], "wb") as out, open(sys.argv[4], "wb") as err:
    proc = subprocess.Popen(sys.argv[5:], stdout=out, stderr=err, preexec_fn=limit)
    _, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


@dataclass(frozen=True)
class Outcome:
    code: int  # negative: killed by that signal (-24: SIGXCPU, the CPU limit)
    stdout: str
    stderr: str
    rss_mib: float
    cpu_seconds: float

    def problems(self) -> list[str]:
        """What breaks the promises every run keeps, whatever its input."""
        found = []
        if self.code < 0:
            found.append(f"killed by signal {-self.code} (CPU limit: {CPU_SECONDS} s)")
        if self.code not in (0, 1, 2):
            found.append(f"exit {self.code}: {self.stderr.strip()[-300:]}")
        if "Traceback" in self.stdout + self.stderr:
            found.append("a traceback")
        if self.rss_mib >= MEMORY_MIB:
            found.append(f"{self.rss_mib:.0f} MiB peak RSS")
        return found


def run_bounded(args: list[str], cwd: Path, cpu: int = CPU_SECONDS,
                memory_mib: int = MEMORY_MIB) -> Outcome:
    out, err = cwd / ".launcher-stdout", cwd / ".launcher-stderr"
    code, rss, seconds = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(cpu), str(memory_mib), str(out), str(err),
         PUTLINT, *args],
        cwd=cwd, capture_output=True, text=True, check=True, timeout=cpu * 6 + 60,
    ).stdout.split()
    return Outcome(int(code), out.read_text(errors="replace"), err.read_text(errors="replace"),
                   float(rss), float(seconds))


CHECKOUT = Path(__file__).resolve().parent.parent


def putlint(*args: str, cwd: Path = CHECKOUT) -> subprocess.CompletedProcess:
    """The console script as a user runs it (no limits), from ``cwd`` (the checkout by
    default); no traceback, whatever the outcome."""
    proc = subprocess.run([PUTLINT, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc
