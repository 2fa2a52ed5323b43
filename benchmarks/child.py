"""One benchmark measurement in this process; prints one ``BENCH_RESULT {json}`` line.

``python -m benchmarks.child --workload a --variant dualnet-torch --steps 50 --warmup 10 --repeats 5
--threads 2 --weights W.npz`` pins the threads, builds the variant from the
initial weights in ``W.npz``, runs ``warmup`` steps, then ``repeats`` timed
runs of ``steps`` steps each (one wait for the result at the end of each run)
and reports ms/step per run, the loss after the last timed step, the minor page
faults per timed step and the peak resident memory (``getrusage``). ``--init-weights OUT.npz`` instead writes
the initial weights of ``--workload`` (dualnet's ``state_dict()``).

Never raises on a variant's failure: it reports ``status: "error"`` or
``"unavailable"`` (framework not installed) with the message.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import statistics
import sys
import time
import traceback
from typing import Any

MARKER = "BENCH_RESULT "


def pin_threads(threads: int, backend: str) -> None:
    """Same thread counts for every variant: environment for the OpenMP/MKL pools, then the framework's own."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)
        with contextlib.suppress(RuntimeError):  # allowed once, before any parallel work
            torch.set_num_interop_threads(threads)
    else:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _versions(backend: str, keras: bool) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    names = ["torch"] if backend == "torch" else ["tensorflow-cpu", "tensorflow"]
    names += ["keras"] if keras else []
    for name in names:
        try:
            out[name.removesuffix("-cpu")] = version(name)
        except PackageNotFoundError:
            continue
    return out


def measure(
    workload_key: str, variant_name: str, steps: int, warmup: int, repeats: int, threads: int, weights_path: str
) -> dict[str, Any]:
    """Run one variant on one workload in this process and return the result record."""
    import numpy as np

    from benchmarks.variants import VARIANTS
    from benchmarks.workloads import WORKLOADS, batches

    variant, workload = VARIANTS[variant_name], WORKLOADS[workload_key]
    record: dict[str, Any] = {"workload": workload_key, "variant": variant_name, "backend": variant.backend}
    try:
        if variant.keras_backend is not None:
            os.environ["KERAS_BACKEND"] = variant.keras_backend
        if variant.module == "dualnet_variant":
            os.environ["DUALNET_BACKEND"] = variant.backend
        try:
            pin_threads(threads, variant.backend)
        except ImportError as exc:
            return {**record, "status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
        module = importlib.import_module(f"benchmarks.variants.{variant.module}")
        with np.load(weights_path) as npz:
            weights = {key: npz[key] for key in npz.files}
        data = batches(workload)
        step, finish = module.prepare(workload, weights, data, variant.jit)
        start = time.perf_counter()
        out = None
        for i in range(warmup):
            out = step(i)
        if out is not None:
            finish(out)
        warmup_s = time.perf_counter() - start
        runs, loss, i = [], float("nan"), warmup
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(steps):
                out = step(i)
                i += 1
            loss = finish(out)
            runs.append((time.perf_counter() - start) * 1000.0 / steps)
        record.update(
            status="ok",
            ms_per_step=statistics.median(runs),
            ms_min=min(runs),
            ms_max=max(runs),
            ms_stdev=statistics.stdev(runs) if len(runs) > 1 else 0.0,
            runs_ms=runs,
            # Memory the allocator gave back and maps again every step shows here (see the README).
            minor_faults_per_step=(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (steps * repeats),
            final_loss=loss,
            steps_total=i,
            warmup_s=warmup_s,
        )
        record["versions"] = _versions(variant.backend, variant.keras_backend is not None)
    except Exception as exc:  # a failing variant is a table entry, not a crashed run
        record.update(status="error", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc()[-2000:])
    record["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    record["threads"] = threads
    return record


def init_weights(workload_key: str, out: str) -> None:
    """Write the initial weights of ``workload_key``'s model (dualnet, first installed backend) to ``out``."""
    import numpy as np

    import dualnet as dn
    from benchmarks.workloads import WORKLOADS, initial_weights

    available = dn.available_backends()
    dn.set_backend("torch" if "torch" in available else available[0])
    np.savez(out, **initial_weights(WORKLOADS[workload_key].model))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--variant")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights")
    parser.add_argument("--init-weights", metavar="OUT")
    args = parser.parse_args(argv)
    if args.init_weights:
        init_weights(args.workload, args.init_weights)
        return 0
    if not args.variant or not args.weights:
        parser.error("--variant and --weights are required to measure")
    record = measure(args.workload, args.variant, args.steps, args.warmup, args.repeats, args.threads, args.weights)
    sys.stdout.flush()
    print(MARKER + json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
