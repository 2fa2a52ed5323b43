"""Soak run: many training steps per backend with resident memory sampled; memory must not grow after warm-up.

``python -m benchmarks.soak [--steps 20000] [--backend torch|tensorflow|all]`` trains
a small classifier (MLP 32-64-64-4 with dropout, Adam, cross-entropy, accuracy
metric, a validation pass every epoch) with ``dn.Trainer.fit`` for ``--steps``
optimizer steps, each backend in its own fresh process. The child reads its
resident set size (RSS, from ``/proc/self/statm``) every ``--every`` steps, at
the first epoch end at or after each multiple (so the sampler costs no
per-batch device-to-host copy). ``--mode loop`` trains with ``dn.value_and_grad``
and the optimizer instead of the Trainer.

The reference is the RSS at step ``--warmup`` (default 1,000: the graphs are
traced, the allocator's pools are filled). A backend passes when no later
sample exceeds it by more than ``--limit`` percent (default 5). Also reported:
the growth at the end, and the slope of a straight line through the samples
after warm-up (MB per 1,000 steps). Writes ``soak-<date>.json`` and ``.md``
under ``benchmarks/results/`` (``--out``); the exit code is 1 when a backend
fails or errors.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.child import pin_threads

MARKER = "SOAK_RESULT "
ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("torch", "tensorflow")
MODES = ("trainer", "loop")
EXAMPLES, VALIDATION, BATCH, FEATURES, CLASSES = 512, 128, 32, 32, 4
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 4096 / 2**20


def rss_mb() -> float:
    """This process's resident set size in MB, from ``/proc/self/statm`` (second field, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_MB


def _data() -> tuple[Any, Any, Any, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((EXAMPLES + VALIDATION, FEATURES)).astype("float32")
    y = np.argmax(x[:, :CLASSES] + 0.5 * x[:, CLASSES : 2 * CLASSES], axis=1).astype("int64")
    return x[:EXAMPLES], y[:EXAMPLES], x[EXAMPLES:], y[EXAMPLES:]


def _model() -> Any:
    import dualnet as dn

    return dn.nn.Sequential(
        [
            dn.nn.Dense(64, activation="relu"),
            dn.nn.Dropout(0.1),
            dn.nn.Dense(64, activation="relu"),
            dn.nn.Dense(CLASSES),
        ]
    )


def _train_with_trainer(steps: int, every: int, samples: list[tuple[int, float]]) -> float:
    import dualnet as dn

    x, y, xv, yv = _data()
    model = _model()
    model(x[:1])
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-3), "cross_entropy", metrics=["accuracy"])
    per_epoch = EXAMPLES // BATCH

    class Sampler(dn.callbacks.Callback):
        """Reads RSS at epoch ends (batch hooks would make the trainer copy logs to the host every step)."""

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            step = self.trainer.global_step
            if step >= len(samples) * every:
                samples.append((step, rss_mb()))
            if step >= steps:
                self.trainer.stop_training = True

    history = trainer.fit(
        x,
        y,
        epochs=math.ceil(steps / per_epoch),
        batch_size=BATCH,
        validation_data=(xv, yv),
        callbacks=[Sampler()],
        verbose=0,
    )
    return float(history.history["loss"][-1])


def _train_with_loop(steps: int, every: int, samples: list[tuple[int, float]]) -> float:
    import numpy as np

    import dualnet as dn

    x, y, _, _ = _data()
    model = _model()
    model(x[:1])
    model.train()
    optimizer = dn.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = dn.losses.CrossEntropy(from_logits=True)
    step_fn = dn.value_and_grad(lambda m, xb, yb: loss_fn(m(xb), yb))
    batches = [
        (dn.ops.convert_to_tensor(x[i : i + BATCH]), dn.ops.convert_to_tensor(y[i : i + BATCH]))
        for i in range(0, EXAMPLES, BATCH)
    ]
    loss: Any = None
    for step in range(steps):
        if step % every == 0:
            samples.append((step, rss_mb()))
        loss, grads = step_fn(model, *batches[step % len(batches)])
        optimizer.step(grads)
    samples.append((steps, rss_mb()))
    return float(np.asarray(dn.ops.to_numpy(loss)))


def summarize(samples: list[tuple[int, float]], warmup: int, limit_pct: float) -> dict[str, Any]:
    """RSS at warm-up, at the end and at its highest after warm-up; growth in percent; pass against ``limit_pct``."""
    import numpy as np

    after = [(step, mb) for step, mb in samples if step >= warmup]
    if not after:
        return {"status": "error", "error": f"no RSS sample at or after the warm-up step {warmup}; run more steps"}
    (warm_step, warm), (end_step, end) = after[0], after[-1]
    peak = max(mb for _, mb in after)
    slope = float(np.polyfit([s for s, _ in after], [mb for _, mb in after], 1)[0]) * 1000 if len(after) > 1 else 0.0
    growth_peak = (peak - warm) / warm * 100.0
    return {
        "status": "ok",
        "warmup_step": warm_step,
        "end_step": end_step,
        "rss_warmup_mb": warm,
        "rss_end_mb": end,
        "rss_peak_mb": peak,
        "growth_end_pct": (end - warm) / warm * 100.0,
        "growth_peak_pct": growth_peak,
        "slope_mb_per_1k_steps": slope,
        "limit_pct": limit_pct,
        "passed": growth_peak <= limit_pct,
    }


def soak(backend: str, mode: str, steps: int, every: int, warmup: int, threads: int, limit: float) -> dict[str, Any]:
    """Train on ``backend`` in this process, sampling RSS; returns the result record (never raises)."""
    record: dict[str, Any] = {"backend": backend, "mode": mode, "steps": steps, "threads": threads}
    samples: list[tuple[int, float]] = []
    try:
        os.environ["DUALNET_BACKEND"] = backend
        pin_threads(threads, backend)
        import dualnet as dn

        dn.set_backend(backend)
        dn.seed(0)
        start = time.perf_counter()
        train = _train_with_trainer if mode == "trainer" else _train_with_loop
        record["final_loss"] = train(steps, every, samples)
        record["seconds"] = time.perf_counter() - start
        record.update(summarize(samples, warmup, limit))
    except Exception as exc:  # a failing backend is a table row, not a crashed run
        record.update(status="error", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc()[-2000:])
    record["samples"] = samples
    return record


def _child(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.soak", "--child", backend]
    for flag in ("mode", "steps", "every", "warmup", "threads", "limit"):
        command += [f"--{flag}", str(getattr(args, flag))]
    env = {k: v for k, v in os.environ.items() if k not in ("DUALNET_BACKEND", "KERAS_BACKEND")}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])]))
    env.update(TF_CPP_MIN_LOG_LEVEL="3", **{k: str(args.threads) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith(MARKER):
            return dict(json.loads(line[len(MARKER) :]))
    tail = out.stderr.strip().splitlines()[-1:] or [f"exit code {out.returncode}, no result line"]
    return {"backend": backend, "mode": args.mode, "status": "error", "error": tail[0][-500:], "samples": []}


def markdown(records: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The soak run as Markdown: settings and machine, one row per backend, failures."""
    lines = [
        f"# dualnet soak run, {meta['date']}",
        "",
        f"Machine: {meta['machine']}. {meta['steps']:,} training steps per backend ({meta['mode']}: "
        f"{meta['model']}), each backend in its own process, threads pinned to {meta['threads']}. "
        f"RSS from /proc/self/statm every {meta['every']} steps; reference at step {meta['warmup']:,}; "
        f"pass: no later sample more than {meta['limit_pct']:g}% above it.",
    ]
    if meta.get("note"):
        lines += ["", f"**Note:** {meta['note']}"]
    lines += [
        "",
        "| backend | RSS at warm-up (MB) | RSS at end (MB) | peak after warm-up (MB) | growth at end "
        "| peak growth | slope (MB / 1k steps) | final loss | time (s) | result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        if r.get("status") != "ok":
            lines.append(f"| {r['backend']} | | | | | | | | | error: {r.get('error', '')[:200]} |")
            continue
        lines.append(
            f"| {r['backend']} | {r['rss_warmup_mb']:.1f} | {r['rss_end_mb']:.1f} | {r['rss_peak_mb']:.1f} "
            f"| {r['growth_end_pct']:+.2f}% | {r['growth_peak_pct']:+.2f}% | {r['slope_mb_per_1k_steps']:+.3f} "
            f"| {r['final_loss']:.4g} | {r['seconds']:.0f} | {'pass' if r['passed'] else 'FAIL'} |"
        )
    return "\n".join(lines) + "\n"


def write(records: list[dict[str, Any]], meta: dict[str, Any], out: str | Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.json`` (settings, records with every sample) and ``<stem>.md`` under ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps({"meta": meta, "results": records}, indent=1) + "\n")
    md_path.write_text(markdown(records, meta))
    return json_path, md_path


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    """The run's settings and machine, for the report's header and the JSON."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}",
        "mode": args.mode,
        "model": f"MLP {FEATURES}-64-64-{CLASSES}, dropout 0.1, Adam, cross-entropy, batch {BATCH}",
        "steps": args.steps,
        "every": args.every,
        "warmup": args.warmup,
        "threads": args.threads,
        "limit_pct": args.limit,
        "note": args.note,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=20_000, help="training steps per backend (default 20000)")
    parser.add_argument("--backend", choices=[*BACKENDS, "all"], default="all", help="which backend (default all)")
    parser.add_argument("--mode", choices=MODES, default="trainer", help="Trainer.fit, or a value_and_grad loop")
    parser.add_argument("--every", type=int, default=100, help="steps between RSS samples (default 100)")
    parser.add_argument("--warmup", type=int, default=1_000, help="step of the reference RSS (default 1000)")
    parser.add_argument("--limit", type=float, default=5.0, help="allowed growth after warm-up, %% (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="intra/inter-op threads (default 2)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"), help="folder for .json/.md")
    parser.add_argument("--note", default="", help="a line for the report (e.g. 'machine shared with other jobs')")
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("steps", "every", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if not 0 <= args.warmup <= args.steps:
        parser.error(f"--warmup must be between 0 and --steps ({args.steps}), got {args.warmup}")
    return args


def run(args: argparse.Namespace, log: Any = print) -> tuple[list[dict[str, Any]], Path, Path]:
    """Soak each requested backend in its own process; write the report; returns the records and both paths."""
    records = []
    for backend in BACKENDS if args.backend == "all" else (args.backend,):
        record = _child(backend, args)
        records.append(record)
        if record.get("status") == "ok":
            log(
                f"{backend}: RSS {record['rss_warmup_mb']:.1f} MB at step {record['warmup_step']} -> "
                f"{record['rss_end_mb']:.1f} MB at step {record['end_step']} ({record['growth_end_pct']:+.2f}%, "
                f"peak {record['growth_peak_pct']:+.2f}%): {'pass' if record['passed'] else 'FAIL'}"
            )
        else:
            log(f"{backend}: error: {record.get('error', '')[:300]}")
    stem = "soak-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    json_path, md_path = write(records, metadata(args), args.out, stem)
    return records, json_path, md_path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        record = soak(args.child, args.mode, args.steps, args.every, args.warmup, args.threads, args.limit)
        sys.stdout.flush()
        print(MARKER + json.dumps(record), flush=True)
        return 0
    records, json_path, md_path = run(args)
    print()
    print(md_path.read_text())
    print(f"wrote {json_path} and {md_path}")
    return 0 if all(r.get("status") == "ok" and r["passed"] for r in records) else 1


if __name__ == "__main__":
    raise SystemExit(main())
