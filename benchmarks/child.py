"""One benchmark measurement in this process; prints one ``BENCH_RESULT {json}`` line.

``python -m benchmarks.child --workload a --variant dualnet-torch --steps 50 --warmup 10 --repeats 5
--threads 2 --weights W.npz [--device cuda:0] [--batch-scale 1]`` pins the threads, builds the variant from the
initial weights in ``W.npz`` on ``--device``, runs ``warmup`` steps, then ``repeats`` timed
runs of ``steps`` steps each (one wait for the result at the end of each run)
and reports ms/step per run, samples/s, the loss after the last timed step, the minor page
faults per timed step and the peak resident memory (``getrusage``). ``--init-weights DIR`` instead writes
the initial weights of each model of ``--workload`` (a comma list) to ``DIR/weights-<model>.npz`` (dualnet's
``state_dict()``), all in this one process.

On CUDA the wait at the end of a run is ``torch.cuda.synchronize()`` (after the
loss is read), so a run's time covers all its kernels; the record adds the peak
GPU memory (``torch.cuda.max_memory_allocated``, model, optimizer and batches
included) and the GPU's name. TensorFlow variants run on the CPU only.

Never raises on a variant's failure: it reports ``status: "error"`` or
``"unavailable"`` (framework not installed, a device or workload the variant does not have) with the message.
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
from collections.abc import Callable
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


def _device_env(variant: Any, device: str) -> None:
    """Make ``device`` the default of the variant's framework before it is imported."""
    if variant.module.startswith("dualnet_"):
        os.environ["DUALNET_BACKEND"] = variant.backend
        os.environ["DUALNET_DEVICE"] = device  # tensors a step makes itself (masks, positions) go there too
    if variant.keras_backend == "torch":
        os.environ["KERAS_TORCH_DEVICE"] = device


def gpu_tools(device: str, backend: str) -> tuple[Callable[[], None], Callable[[], float | None], str | None]:
    """``(synchronize, peak MB, device name)`` for ``device``: torch.cuda's on CUDA, no-ops on the CPU.

    Raises RuntimeError when ``device`` is CUDA and torch sees no GPU.
    """
    if backend != "torch" or not device.startswith("cuda"):
        return (lambda: None), (lambda: None), None
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError(f"--device {device}: torch sees no CUDA GPU (torch.cuda.is_available() is False)")
    torch.cuda.reset_peak_memory_stats(device)
    return (
        lambda: torch.cuda.synchronize(device),
        lambda: torch.cuda.max_memory_allocated(device) / 2**20,
        torch.cuda.get_device_name(device),
    )


def measure(
    workload_key: str,
    variant_name: str,
    steps: int,
    warmup: int,
    repeats: int,
    threads: int,
    weights_path: str,
    device: str = "cpu",
    batch_scale: float = 1.0,
) -> dict[str, Any]:
    """Run one variant on one workload on ``device`` in this process and return the result record."""
    import numpy as np

    from benchmarks.variants import VARIANTS
    from benchmarks.workloads import WORKLOADS, batch_size, batches

    variant, workload = VARIANTS[variant_name], WORKLOADS[workload_key]
    batch = batch_size(workload, device, batch_scale)
    record: dict[str, Any] = {
        "workload": workload_key,
        "variant": variant_name,
        "backend": variant.backend,
        "device": device,
        "batch": batch,
    }
    try:
        if variant.keras_backend is not None:
            os.environ["KERAS_BACKEND"] = variant.keras_backend
        if variant.backend == "tensorflow" and device != "cpu":
            return {
                **record,
                "status": "unavailable",
                "error": f"TensorFlow variants run on the CPU only, not {device}",
            }
        _device_env(variant, device)
        try:
            pin_threads(threads, variant.backend)
        except ImportError as exc:
            return {**record, "status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
        sync, peak_gpu, record["device_name"] = gpu_tools(device, variant.backend)
        module = importlib.import_module(f"benchmarks.variants.{variant.module}")
        with np.load(weights_path) as npz:
            weights = {key: npz[key] for key in npz.files}
        data = batches(workload, batch)
        try:
            step, finish = module.prepare(workload, weights, data, variant.jit, device)
        except (ImportError, NotImplementedError) as exc:
            return {**record, "status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
        start = time.perf_counter()
        out = None
        for i in range(warmup):
            out = step(i)
        if out is not None:
            finish(out)
        sync()
        warmup_s = time.perf_counter() - start
        runs, loss, i = [], float("nan"), warmup
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(steps):
                out = step(i)
                i += 1
            loss = finish(out)
            sync()  # every kernel of the run has finished before the clock stops
            runs.append((time.perf_counter() - start) * 1000.0 / steps)
        ms = statistics.median(runs)
        record.update(
            status="ok",
            ms_per_step=ms,
            samples_per_s=batch * 1000.0 / ms,
            ms_min=min(runs),
            ms_max=max(runs),
            ms_stdev=statistics.stdev(runs) if len(runs) > 1 else 0.0,
            runs_ms=runs,
            # Memory the allocator gave back and maps again every step shows here (see the README).
            minor_faults_per_step=(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (steps * repeats),
            peak_gpu_mb=peak_gpu(),
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


def init_weights(workload_keys: str, folder: str) -> None:
    """Write ``folder/weights-<model>.npz`` for the model of each workload in the comma list ``workload_keys``.

    Made with dualnet on its first installed backend, on the CPU.
    """
    import numpy as np

    import dualnet as dn
    from benchmarks.workloads import WORKLOADS, initial_weights

    available = dn.available_backends()
    dn.set_backend("torch" if "torch" in available else available[0])
    models = dict.fromkeys(WORKLOADS[key].model for key in workload_keys.split(","))
    with dn.device("cpu"):
        for model in models:
            np.savez(os.path.join(folder, f"weights-{model}.npz"), **initial_weights(model))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--variant")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights")
    parser.add_argument("--device", default="cpu", help="cpu or cuda:0 (torch variants only on CUDA)")
    parser.add_argument("--batch-scale", type=float, default=1.0, help="multiply the training batch by this")
    parser.add_argument("--init-weights", metavar="DIR")
    args = parser.parse_args(argv)
    if args.init_weights:
        init_weights(args.workload, args.init_weights)
        return 0
    if not args.variant or not args.weights:
        parser.error("--variant and --weights are required to measure")
    record = measure(
        args.workload,
        args.variant,
        args.steps,
        args.warmup,
        args.repeats,
        args.threads,
        args.weights,
        args.device,
        args.batch_scale,
    )
    sys.stdout.flush()
    print(MARKER + json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
