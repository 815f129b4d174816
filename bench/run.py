"""``make bench``: every benchmark the project keeps, printed from one run."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import buildbench
import listbench
import signonbench


def main() -> None:
    """Run each benchmark and print its report."""
    print(
        f"campaign benchmarks on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print()
    for section in (buildbench.run, listbench.run, signonbench.run):
        for line in section():
            print(line, flush=True)
        print()


if __name__ == "__main__":
    main()
