"""Orchestration: every (workload, variant) pair in its own fresh process, side by side in one invocation.

The initial weights of every workload's model are made first (one child writes
dualnet's ``state_dict()`` of each to a temporary ``.npz``), then each variant runs as
``python -m benchmarks.child ...`` with the same steps, warm-up, repeats and
thread count, on ``Settings.device``; its one ``BENCH_RESULT`` JSON line becomes a
record. A child that crashes, times out or prints no result becomes an ``error``
record. With ``time_budget_s`` the whole run ends by then: a child gets at most the
time left (killed at the deadline: an ``error`` record), and pairs not started by
then become ``skipped`` records, so a bounded run still writes its report.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.child import MARKER
from benchmarks.variants import VARIANTS
from benchmarks.workloads import WORKLOADS

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Settings:
    """What to run and how long: the same for every variant."""

    workloads: Sequence[str] = tuple(WORKLOADS)
    variants: Sequence[str] = tuple(VARIANTS)
    steps: int = 50
    warmup: int = 10
    repeats: int = 5
    threads: int = 2
    rounds: int = 1  # processes per (workload, variant)
    timeout_s: float = 900.0
    device: str = "cpu"  # "cpu" or "cuda:0"
    batch_scale: float = 1.0  # multiplies every training batch (see workloads.batch_size)
    time_budget_s: float | None = None  # the whole run's limit; None: no limit
    jit_workloads: Sequence[str] | None = None  # compiled variants only on these (None: on every workload)


def _env(threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "DUALNET_BACKEND")}
    path = [str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    env.update(
        PYTHONPATH=os.pathsep.join(path),
        TF_CPP_MIN_LOG_LEVEL="3",
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        OPENBLAS_NUM_THREADS=str(threads),
    )
    return env


def _child(args: list[str], settings: Settings, deadline: float | None = None) -> tuple[int, str, str]:
    timeout = settings.timeout_s
    if deadline is not None:
        timeout = min(timeout, max(deadline - time.monotonic(), 1.0))
    try:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", *args],
            capture_output=True,
            text=True,
            env=_env(settings.threads),
            cwd=ROOT,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {timeout:.0f} s"
    return out.returncode, out.stdout, out.stderr


def _parse(workload: str, variant: str, code: int, stdout: str, stderr: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            return dict(json.loads(line[len(MARKER) :]))
    tail = stderr.strip().splitlines()[-1:] or [f"exit code {code}, no result line"]
    return {
        "workload": workload,
        "variant": variant,
        "backend": VARIANTS[variant].backend,
        "status": "error",
        "error": tail[0][-500:],
    }


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One record from the same (workload, variant) measured in several processes.

    ``ms_per_step`` is the median of the processes' medians (one slow process, e.g.
    unlucky memory placement, moves it little), the spread the min-max over every
    timed run, ``round_ms`` each process's median; a failed round fails the record.
    """
    failed = [r for r in rounds if r.get("status") != "ok"]
    if failed:
        return failed[0]
    merged = dict(rounds[-1])
    runs = [ms for r in rounds for ms in r["runs_ms"]]
    merged.update(
        ms_per_step=statistics.median(r["ms_per_step"] for r in rounds),
        ms_min=min(runs),
        ms_max=max(runs),
        ms_stdev=statistics.stdev(runs) if len(runs) > 1 else 0.0,
        runs_ms=runs,
        round_ms=[r["ms_per_step"] for r in rounds],
        rounds=len(rounds),
        peak_rss_mb=max(r["peak_rss_mb"] for r in rounds),
        minor_faults_per_step=statistics.median(r["minor_faults_per_step"] for r in rounds),
    )
    gpu = [r["peak_gpu_mb"] for r in rounds if r.get("peak_gpu_mb") is not None]
    merged["peak_gpu_mb"] = max(gpu) if gpu else None
    if "batch" in merged:
        merged["samples_per_s"] = merged["batch"] * 1000.0 / merged["ms_per_step"]
    return merged


def run(settings: Settings, log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Measure every requested (workload, variant); returns one record per pair (see :mod:`benchmarks.child`).

    With ``settings.rounds`` > 1 each pair runs in that many processes, the variants of a
    workload interleaved and their order rotated every round, so a slow spell of a shared
    machine falls on all of them alike rather than on one. With ``settings.jit_workloads``
    set, the compiled variants run only on those workloads, and after every eager pair, so
    that a time budget cuts compilation first; records keep the requested order either way.
    """
    unknown = [w for w in settings.workloads if w not in WORKLOADS]
    unknown += [v for v in settings.variants if v not in VARIANTS]
    unknown += [w for w in settings.jit_workloads or () if w not in WORKLOADS]
    if unknown:
        raise SystemExit(f"unknown {unknown}; workloads: {', '.join(WORKLOADS)}; variants: {', '.join(VARIANTS)}")
    deadline = None if settings.time_budget_s is None else time.monotonic() + settings.time_budget_s
    limited = settings.jit_workloads is not None
    passes = [[v for v in settings.variants if VARIANTS[v].jit == jit] for jit in (False, True)] if limited else []
    only = ", ".join(settings.jit_workloads or ()) or "none of the workloads"
    found: dict[tuple[str, str], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="dualnet-bench-") as tmp:
        made: dict[str, str] = {}
        for variants in passes or [list(settings.variants)]:
            for key in settings.workloads:
                if limited and variants and VARIANTS[variants[0]].jit and key not in settings.jit_workloads:
                    for variant in variants:
                        found[key, variant] = _skipped(key, variant, f"compiled variants run only on {only}")
                    continue
                if not variants:
                    continue
                weights = _weights(key, made, tmp, settings, deadline, log)
                for variant, record in _rounds(key, variants, weights, settings, deadline, log).items():
                    found[key, variant] = record
    return [found[key, variant] for key in settings.workloads for variant in settings.variants]


def _weights(
    key: str, made: dict[str, str], tmp: str, settings: Settings, deadline: float | None, log: Callable[[str], None]
) -> str:
    """The initial-weights file of ``key``'s model ("" if it could not be made).

    The first call makes the files of every requested workload's model in one child
    process (a process start per model cost seconds each on a GPU machine).
    """
    if not made and not _past(deadline):
        args = ["--workload", ",".join(settings.workloads), "--init-weights", tmp]
        code, _, stderr = _child(args, settings, deadline)
        for workload in settings.workloads:
            path = Path(tmp) / f"weights-{WORKLOADS[workload].model}.npz"
            made[WORKLOADS[workload].model] = str(path) if code == 0 and path.is_file() else ""
        if code != 0:
            log(f"could not make the initial weights: {stderr.strip()[-300:]}")
    return made.get(WORKLOADS[key].model, "")


def _rounds(
    key: str,
    variants: list[str],
    weights: str,
    settings: Settings,
    deadline: float | None,
    log: Callable[[str], None],
) -> dict[str, dict[str, Any]]:
    """``settings.rounds`` interleaved processes of each variant on workload ``key``, merged per variant."""
    measured: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    for turn in range(settings.rounds):
        shift = turn % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            if any(r["status"] != "ok" for r in measured[variant]):
                continue  # failed once: its record is that failure
            if _past(deadline):
                if not measured[variant]:
                    budget = f"the run's time budget of {settings.time_budget_s:g} s was spent"
                    measured[variant].append(_skipped(key, variant, budget))
                continue
            record = _measure(key, variant, weights, settings, deadline)
            measured[variant].append(record)
            _log_record(log, key, variant, record, f" (round {turn + 1}/{settings.rounds})")
    return {v: merge_rounds(measured[v]) for v in variants}


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _skipped(key: str, variant: str, why: str) -> dict[str, Any]:
    return {
        "workload": key,
        "variant": variant,
        "backend": VARIANTS[variant].backend,
        "status": "skipped",
        "error": f"not started: {why}",
    }


def _measure(key: str, variant: str, weights: str, settings: Settings, deadline: float | None = None) -> dict[str, Any]:
    if not weights:
        return {
            "workload": key,
            "variant": variant,
            "backend": VARIANTS[variant].backend,
            "status": "error",
            "error": "no initial weights",
        }
    args = ["--workload", key, "--variant", variant, "--weights", weights]
    for name in ("steps", "warmup", "repeats", "threads", "device", "batch_scale"):
        args += [f"--{name.replace('_', '-')}", str(getattr(settings, name))]
    return _parse(key, variant, *_child(args, settings, deadline))


def _log_record(log: Callable[[str], None], key: str, variant: str, record: dict[str, Any], suffix: str) -> None:
    if record["status"] == "ok":
        gpu = f", peak GPU {record['peak_gpu_mb']:.0f} MB" if record.get("peak_gpu_mb") is not None else ""
        log(
            f"[{key}] {variant}: {record['ms_per_step']:.3f} ms/step ({record['samples_per_s']:.0f} samples/s, "
            f"batch {record['batch']}), loss {record['final_loss']:.6g}, peak RSS {record['peak_rss_mb']:.0f} MB"
            f"{gpu}{suffix}"
        )
    else:
        log(f"[{key}] {variant}: {record['status']}: {record.get('error', '')[:200]}")
