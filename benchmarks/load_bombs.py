"""Load bombs: the peak memory and time of ``dn.load`` on tiny crafted files, per backend, one process per case.

``python -m benchmarks.load_bombs [--backend torch|tensorflow|all] [--cases a,b] [--timeout 60] [--cap-mb 3072]``
writes each crafted model file of :data:`CASES` (a few hundred bytes: a JSON
config naming absurd sizes, and few or no tensors) and loads it with
``dn.load`` in a fresh process per (case, backend). The ``fit_class_weight``
case is a call, not a file: ``Trainer.fit(class_weight={10**9: 1.0})`` on 8 samples.

The child imports the backend and warms it up (one small model saved and
loaded), then measures the growth of its peak resident set size
(``getrusage``'s ``ru_maxrss``) over the case, the time, and the outcome (the
dualnet error, or "loaded"). So that a bomb cannot take the machine down, the
child caps its data segment (``RLIMIT_DATA``) at ``--cap-mb`` above what it
holds after warm-up; a case stopped there reports "stopped by the cap", and one
past ``--timeout`` seconds is killed and reported as such. Writes
``load-bombs-<date>.json`` and ``.md`` under ``benchmarks/results/`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MARKER = "LOAD_BOMB_RESULT "
ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("torch", "tensorflow")


def _model(klass: str, config: dict[str, Any], inputs: list[list[int | None]]) -> dict[str, Any]:
    return {
        "format": "dualnet.model",
        "version": 1,
        "class": klass,
        "config": config,
        "inputs": [{"shape": shape, "dtype": "float32"} for shape in inputs],
    }


# name -> (what it is, the model document). No tensors: every weight these configs create fits the budget's slack.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "batchnorm_2e27": (
        "BatchNorm(num_features=2**27, center=False, scale=False): 2 x 512 MiB of moving statistics",
        _model("BatchNorm", {"num_features": 2**27, "center": False, "scale": False}, []),
    ),
    "maxpool_same_16385": (
        "MaxPool2D(pool_size=16385, padding='same') on 4x4x1: torch pads the odd total with a 16388^2 copy",
        _model("MaxPool2D", {"pool_size": 16385, "padding": "same"}, [[None, 4, 4, 1]]),
    ),
    "conv_dilated_16385": (
        "Conv2D(1, 2, dilation_rate=16385, padding='same') on 4x4x1: the same padded copy",
        _model(
            "Conv2D", {"filters": 1, "kernel_size": 2, "dilation_rate": 16385, "padding": "same"}, [[None, 4, 4, 1]]
        ),
    ),
    "conv_transpose_strides_8192": (
        "Conv2DTranspose(1, 1, strides=8192) on 2x2x1: a 16384^2 output",
        _model("Conv2DTranspose", {"filters": 1, "kernel_size": 1, "strides": 8192}, [[None, 2, 2, 1]]),
    ),
    "conv_transpose_strides_2048": (
        "Conv2DTranspose(1, 3, strides=2**11) on 4x4x1: minutes on TensorFlow",
        _model("Conv2DTranspose", {"filters": 1, "kernel_size": 3, "strides": 2**11}, [[None, 4, 4, 1]]),
    ),
    "attention_heads_2e12": (
        "MultiHeadAttention(num_heads=2**12, key_dim=1) on 512 steps: 2**30 attention scores",
        _model("MultiHeadAttention", {"num_heads": 2**12, "key_dim": 1}, [[None, 512, 1]]),
    ),
    "dense_rows_2e14": (
        "Dense(2**14, in_features=2) on (1, 2**14, 2): a 2**28-element output",
        _model("Dense", {"units": 2**14, "in_features": 2}, [[None, 2**14, 2]]),
    ),
    "many_inputs": (
        "16 inputs of 2**26 elements each (each under the per-input bound)",
        _model("Sequential", {"layers": []}, [[None, 2**13, 2**13]] * 16),
    ),
}
CALLS = {"fit_class_weight": "Trainer.fit(class_weight={10**9: 1.0}) on 8 samples of 2 classes"}


def _warm_up(folder: Path) -> None:
    import numpy as np

    import dualnet as dn

    model = dn.nn.Sequential([dn.nn.Dense(4), dn.nn.Dense(2)])
    model(np.zeros((2, 3), "float32"))
    dn.save(model, folder / "warm.safetensors")
    dn.load(folder / "warm.safetensors")


def _run_case(case: str, folder: Path) -> None:
    import numpy as np

    import dualnet as dn

    if case == "fit_class_weight":
        model = dn.nn.Dense(2, in_features=3)
        trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), "cross_entropy")
        x, y = np.zeros((8, 3), "float32"), np.arange(8) % 2
        trainer.fit(x, y, epochs=1, batch_size=8, verbose=0, class_weight={10**9: 1.0})
        return
    from safetensors.numpy import save as save_tensors

    path = folder / f"{case}.safetensors"
    path.write_bytes(save_tensors({}, metadata={"dualnet.config": json.dumps(CASES[case][1])}))
    dn.load(path)


def _data_segment_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def child(case: str, backend: str, cap_mb: int) -> dict[str, Any]:
    """Run one case in this process on ``backend``; the result record (never raises)."""
    os.environ["DUALNET_BACKEND"] = backend
    import dualnet as dn

    dn.set_backend(backend)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _warm_up(folder)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        limit = _data_segment_bytes() + cap_mb * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, resource.getrlimit(resource.RLIMIT_DATA)[1]))
        start = time.perf_counter()
        try:
            _run_case(case, folder)
            outcome = "loaded" if case in CASES else "ran"
        except MemoryError:
            outcome = f"stopped by the cap (+{cap_mb} MB)"
        except Exception as exc:
            capped = "out of memory" in str(exc).lower() or "alloc" in str(exc).lower()
            outcome = f"stopped by the cap (+{cap_mb} MB)" if capped else f"{type(exc).__name__}: {str(exc)[:160]}"
        seconds = time.perf_counter() - start
        resource.setrlimit(resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.getrlimit(resource.RLIMIT_DATA)[1]))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": case, "backend": backend, "outcome": outcome, "seconds": seconds, "peak_growth_mb": after - before}


def run(case: str, backend: str, timeout: float, cap_mb: int) -> dict[str, Any]:
    """``case`` on ``backend`` in a fresh process; a killed or crashed child is a record too."""
    command = [sys.executable, "-m", "benchmarks.load_bombs", "--child", case, "--backend", backend]
    command += ["--cap-mb", str(cap_mb)]
    env = {k: v for k, v in os.environ.items() if k not in ("DUALNET_BACKEND", "KERAS_BACKEND")}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])]))
    env.update(TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    try:
        out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"case": case, "backend": backend, "outcome": f"killed after {timeout:g} s", "seconds": timeout}
    for line in reversed(out.stdout.splitlines()):
        if line.startswith(MARKER):
            return dict(json.loads(line[len(MARKER) :]))
    tail = (out.stderr.strip().splitlines() or [f"exit code {out.returncode}"])[-1]
    return {"case": case, "backend": backend, "outcome": f"crashed: {tail[-200:]}", "seconds": float("nan")}


def markdown(records: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """One row per case, one peak / time / outcome column group per backend."""
    backends = list(dict.fromkeys(r["backend"] for r in records))
    lines = [
        f"# dn.load on crafted files, {meta['date']}",
        "",
        f"Machine: {meta['machine']}. One process per case; peak RSS growth over the case (`ru_maxrss`), "
        f"data segment capped at +{meta['cap_mb']} MB, killed after {meta['timeout']:g} s.",
        "",
        "| case | " + " | ".join(f"{b}: peak (MB) | {b}: time (s) | {b}: outcome" for b in backends) + " |",
        "|---|" + "---|---|---|" * len(backends),
    ]
    by_key = {(r["case"], r["backend"]): r for r in records}
    for case in dict.fromkeys(r["case"] for r in records):
        cells = []
        for backend in backends:
            r = by_key.get((case, backend), {})
            peak = r.get("peak_growth_mb")
            cells += [f"{peak:+.0f}" if peak is not None else "", f"{r.get('seconds', float('nan')):.2f}"]
            outcome = str(r.get("outcome", ""))
            if "): " in outcome:  # the error's type and its defect, without the file and config place
                outcome = outcome.split(":")[0] + ": " + outcome.split("): ", 1)[1]
            cells.append(outcome.split(";")[0].replace("|", "/")[:110])
        lines.append(f"| `{case}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring); exit code 1 when a file loaded or a case was not refused."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bombs", description=__doc__)
    parser.add_argument("--backend", choices=[*BACKENDS, "all"], default="all")
    parser.add_argument("--cases", default=",".join([*CASES, *CALLS]), help="comma list (default: all)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case before it is killed")
    parser.add_argument("--cap-mb", type=int, default=3072, help="data segment cap above the warmed-up child")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(MARKER + json.dumps(child(args.child, args.backend, args.cap_mb)), flush=True)
        return 0
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    records = []
    for case in args.cases.split(","):
        for backend in backends:
            records.append(run(case, backend, args.timeout, args.cap_mb))
            print(json.dumps(records[-1]), flush=True)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "timeout": args.timeout,
        "cap_mb": args.cap_mb,
    }
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    stem = "load-bombs-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (folder / f"{stem}.json").write_text(json.dumps({"meta": meta, "results": records}, indent=1) + "\n")
    (folder / f"{stem}.md").write_text(markdown(records, meta))
    print(markdown(records, meta))
    refused = all(r["outcome"].split(":")[0].endswith("Error") or r["outcome"] == "ran" for r in records)
    return 0 if refused else 1


if __name__ == "__main__":
    sys.exit(main())
