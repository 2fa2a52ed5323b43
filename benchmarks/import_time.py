"""What `import dualnet` costs on top of importing the framework alone.

For each backend, alternates fresh interpreters that run (a) `import <framework>`
and (b) `import <framework>; import dualnet; dualnet.set_backend(<name>)`, and
reports the medians and their difference. Run: `python -m benchmarks.import_time`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

FRAMEWORK = {"torch": "torch", "tensorflow": "tensorflow"}
TIMER = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"


def _seconds(body: str) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", TIMER.format(body=body)], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def measure(backend: str, repeats: int) -> tuple[float, float]:
    """Median seconds for the framework alone and for the framework plus dualnet with it active."""
    alone, with_dualnet = [], []
    module = FRAMEWORK[backend]
    for _ in range(repeats):
        alone.append(_seconds(f"import {module}"))
        with_dualnet.append(_seconds(f"import {module}; import dualnet; dualnet.set_backend('{backend}')"))
    return statistics.median(alone), statistics.median(with_dualnet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--backend", action="append", choices=sorted(FRAMEWORK))
    args = parser.parse_args()
    print("| backend | framework alone (s) | framework + dualnet (s) | dualnet's cost (s) |")
    print("|---|---|---|---|")
    for backend in args.backend or sorted(FRAMEWORK):
        alone, both = measure(backend, args.repeats)
        print(f"| {backend} | {alone:.3f} | {both:.3f} | {both - alone:+.3f} |")


if __name__ == "__main__":
    main()
