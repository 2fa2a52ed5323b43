"""Ratios, target checks, the Markdown table and the JSON file of one benchmark run.

Each record gains ``vs_native`` (ms/step over the native variant of the same
backend), ``vs_keras`` (over Keras 3 on the same backend), ``mem_vs_native``
(peak RSS over the native variant's) and, on CUDA, ``gpu_mem_vs_native`` (peak
GPU memory over the native variant's). :func:`targets` checks issue 7's targets
on whatever the run measured; a target whose variants were not measured is
listed as ``not measured``.
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.variants import KERAS, NATIVE
from benchmarks.workloads import WORKLOADS


def _index(records: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["workload"], r["variant"]): r for r in records if r.get("status") == "ok"}


def add_ratios(records: list[dict[str, Any]]) -> None:
    """Add ``vs_native``, ``vs_keras`` and ``mem_vs_native`` where both sides were measured."""
    ok = _index(records)
    for r in records:
        if r.get("status") != "ok":
            continue
        for field, base in (("vs_native", NATIVE), ("vs_keras", KERAS)):
            other = ok.get((r["workload"], base[r["backend"]]))
            r[field] = r["ms_per_step"] / other["ms_per_step"] if other else None
        native = ok.get((r["workload"], NATIVE[r["backend"]]))
        r["mem_vs_native"] = r["peak_rss_mb"] / native["peak_rss_mb"] if native else None
        gpu, native_gpu = r.get("peak_gpu_mb"), native.get("peak_gpu_mb") if native else None
        r["gpu_mem_vs_native"] = gpu / native_gpu if gpu is not None and native_gpu else None


def targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 7's targets on this run: ``{"target", "workload", "value", "limit", "met"}`` (met None: not measured)."""
    ok = _index(records)
    checks: list[dict[str, Any]] = []

    def ratio(workload: str, a: str, b: str, field: str = "ms_per_step") -> float | None:
        ra, rb = ok.get((workload, a)), ok.get((workload, b))
        return ra[field] / rb[field] if ra and rb else None

    def check(name: str, workload: str, value: float | None, limit: float) -> None:
        checks.append(
            {
                "target": name,
                "workload": workload,
                "value": value,
                "limit": limit,
                "met": None if value is None else value <= limit,
            }
        )

    for w in "abcde":
        check("dualnet-torch / native-torch", w, ratio(w, "dualnet-torch", "native-torch"), 1.25 if w == "c" else 1.05)
        check("dualnet-tf / native-tf", w, ratio(w, "dualnet-tf", "native-tf"), 1.05)
    for w in "abcd":
        for backend in ("torch", "tf"):
            keras = "keras-tf" if backend == "tf" else "keras-torch"
            check(f"dualnet-{backend} / {keras} (1.5x faster)", w, ratio(w, f"dualnet-{backend}", keras), 1 / 1.5)
    for w in "abe":
        for backend in ("torch", "tf"):
            check(
                f"dualnet-{backend}-jit / dualnet-{backend}",
                w,
                ratio(w, f"dualnet-{backend}-jit", f"dualnet-{backend}"),
                1.0,
            )
    for w in "abcde":
        for backend in ("torch", "tf"):
            native = "native-tf" if backend == "tf" else "native-torch"
            check(
                f"peak memory dualnet-{backend} / {native}",
                w,
                ratio(w, f"dualnet-{backend}", native, "peak_rss_mb"),
                1.1,
            )
    for w in "abcde":
        for backend in ("torch", "tf"):
            functional, subclass = f"dualnet-{backend}-functional", f"dualnet-{backend}-subclass"
            check(f"{functional} / {subclass} (issue 16)", w, ratio(w, functional, subclass), 1.05)
    return checks


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def _rate(value: float | None) -> str:
    """Samples per second: whole numbers, two decimals below 100 (a slow step on a CPU)."""
    return "-" if value is None else f"{value:.0f}" if value >= 100 else f"{value:.2f}"


def markdown(records: list[dict[str, Any]], meta: dict[str, Any], checks: list[dict[str, Any]]) -> str:
    """The results as Markdown: the run's settings and machine, one table, the target checks, failures."""
    device = meta.get("device", "cpu")
    on = f" on {device}" + (f" ({meta['device_name']})" if meta.get("device_name") else "")
    lines = [
        f"# dualnet benchmark run{on}, {meta['date']}",
        "",
        f"Machine: {meta['machine']}. Threads pinned to {meta['threads']} for every variant. "
        f"Each variant ran in {meta.get('rounds', 1)} separate process(es), interleaved with the others of its "
        f"workload; each process: {meta['steps']} timed steps x {meta['repeats']} repeats after {meta['warmup']} "
        "warm-up steps. ms/step is the median of the processes' medians, spread the min-max over every timed "
        "repeat. Ratios: ms/step over the native "
        "variant / Keras 3 of the same backend (lower is better).",
    ]
    if device != "cpu":
        lines += [
            "",
            "On CUDA each timed run ends with `torch.cuda.synchronize()`; peak GPU memory is "
            "`torch.cuda.max_memory_allocated()` over the whole process (model, optimizer state, batches).",
        ]
    if meta.get("allocator_env"):
        settings = ", ".join(f"`{k}={v}`" for k, v in meta["allocator_env"].items())
        lines += ["", f"Allocator settings, the same for every variant: {settings}."]
    if meta.get("note"):
        lines += ["", f"**Note:** {meta['note']}"]
    gpu = any(r.get("peak_gpu_mb") is not None for r in records)
    head = "| workload | variant | ms/step | samples/s | batch | spread (ms) | vs native | vs Keras | peak RSS (MB) "
    head += "| mem vs native |" + (" peak GPU (MB) | GPU mem vs native |" if gpu else "") + " final loss |"
    columns = head.count("|") - 1
    lines += ["", head, "|" + "---|" * columns]
    failures = []
    for r in records:
        if r.get("status") != "ok":
            lines.append(f"| {r['workload']} | {r['variant']} | {r['status']} |" + " |" * (columns - 3))
            failures.append(f"- {r['workload']} / {r['variant']}: {r['status']}: {r.get('error', '')[:300]}")
            continue
        row = (
            f"| {r['workload']} | {r['variant']} | {r['ms_per_step']:.3f} | {_rate(r.get('samples_per_s'))} "
            f"| {r.get('batch', '')} | {r['ms_min']:.3f}-{r['ms_max']:.3f} "
            f"| {_fmt(r.get('vs_native'), '.2f', 'x')} | {_fmt(r.get('vs_keras'), '.2f', 'x')} "
            f"| {r['peak_rss_mb']:.0f} | {_fmt(r.get('mem_vs_native'), '.2f', 'x')} |"
        )
        if gpu:
            row += f" {_fmt(r.get('peak_gpu_mb'), '.0f')} | {_fmt(r.get('gpu_mem_vs_native'), '.2f', 'x')} |"
        lines.append(row + f" {r['final_loss']:.6g} |")
    if meta.get("import_time"):
        lines += [
            "",
            "| backend | framework alone (s) | framework + dualnet (s) | dualnet's cost (s) |",
            "|---|---|---|---|",
        ]
        for backend, (alone, both) in meta["import_time"].items():
            lines.append(f"| {backend} | {alone:.3f} | {both:.3f} | {both - alone:+.3f} |")
    measured = [c for c in checks if c["met"] is not None]
    if measured:
        lines += [
            "",
            "Targets (issue 7) on this run:",
            "",
            "| target | workload | value | limit | met |",
            "|---|---|---|---|---|",
        ]
        for c in measured:
            lines.append(
                f"| {c['target']} | {c['workload']} | {c['value']:.2f} | {c['limit']:.2f} "
                f"| {'yes' if c['met'] else 'no'} |"
            )
    if failures:
        lines += ["", "Failed, unavailable or skipped:", "", *failures]
    return "\n".join(lines) + "\n"


def metadata(settings: Any, note: str = "") -> dict[str, Any]:
    """The run's settings and machine, for the report's header and the JSON."""
    import os

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}",
        "steps": settings.steps,
        "warmup": settings.warmup,
        "repeats": settings.repeats,
        "threads": settings.threads,
        "rounds": settings.rounds,
        "device": getattr(settings, "device", "cpu"),
        "batch_scale": getattr(settings, "batch_scale", 1.0),
        "time_budget_s": getattr(settings, "time_budget_s", None),
        "jit_workloads": getattr(settings, "jit_workloads", None),
        # Allocator settings change CPU step times by up to 30% (page faults): a run records them.
        "allocator_env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("MALLOC_") or k == "LD_PRELOAD"},
        "workloads": {k: WORKLOADS[k].description for k in settings.workloads},
        "variants": list(settings.variants),
        "note": note,
    }


def write(records: list[dict[str, Any]], meta: dict[str, Any], out: str | Path, stem: str) -> tuple[Path, Path]:
    """Add ratios, then write ``<stem>.json`` and ``<stem>.md`` under ``out``; returns both paths."""
    add_ratios(records)
    checks = targets(records)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps({"meta": meta, "results": records, "targets": checks}, indent=1) + "\n")
    md_path.write_text(markdown(records, meta, checks))
    return json_path, md_path
