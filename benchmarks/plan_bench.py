"""Plan wall time per stack next to the bare import time of pulumi + the two provider SDKs.

    .venv/bin/python benchmarks/plan_bench.py [--runs N]

Every figure is the median of N fresh subprocesses (cold interpreter, warm disk cache), because that is
what a person running `launchready plan` waits for. Target: plan <= 1.3 x the import floor.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr}")
    return elapsed


def median_of(cmd: list[str], runs: int) -> float:
    timed(cmd)  # warm the disk cache and .pyc files
    return statistics.median(timed(cmd) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    floor = median_of([py, "-c", "import pulumi, pulumi_cloudflare, pulumi_aws"], args.runs)
    print(f"import floor (pulumi, pulumi_cloudflare, pulumi_aws): {floor:6.2f} s")
    # For the record, not the target: plan pauses the cyclic collector while the program imports the SDKs
    # (launchready/common/gcpause.py); the same imports with the collector paused take this long.
    paused = median_of([py, "-c", "import gc; gc.disable(); import pulumi, pulumi_cloudflare, pulumi_aws"], args.runs)
    print(f"the same imports, collector paused:                {paused:6.2f} s (for comparison only)")
    print(f"{'stack':<10} {'plan (s)':>9} {'ratio':>7}  {'target':>7}")
    worst = 0.0
    for stack in ("staging", "prod"):
        plan = median_of([py, "-m", "launchready", "plan", "--stack", stack, "--json"], args.runs)
        ratio = plan / floor
        worst = max(worst, ratio)
        print(f"{stack:<10} {plan:9.2f} {ratio:7.2f}  {'<= ' + str(TARGET_RATIO):>7}")
    print(f"worst ratio {worst:.2f} ({'meets' if worst <= TARGET_RATIO else 'misses'} the {TARGET_RATIO}x target)")
    print(f"worst plan / paused-collector imports: {worst * floor / paused:.2f}")


if __name__ == "__main__":
    main()
