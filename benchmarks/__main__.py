"""``python -m benchmarks`` (or ``dualnet bench``): the side-by-side benchmark run of issue 7.

Every (workload, variant) runs in its own process with the same warm-up,
repeats and pinned thread count, in ``--rounds`` processes (interleaved); writes ``<out>/bench-<date>.json`` and
``.md`` and prints the table. ``--quick``: 5 steps x 2 repeats after 2 warm-up, one round.
``--device cuda`` runs the torch variants on the GPU at the workloads' CUDA batch sizes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from benchmarks import report, runner
from benchmarks.variants import VARIANTS
from benchmarks.workloads import WORKLOADS


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _device(text: str) -> str:
    """``cpu``, ``cuda`` (meaning ``cuda:0``) or ``cuda:N``, checked here so a typo fails before any process starts."""
    name = text.strip().lower()
    name = "cuda:0" if name in ("cuda", "gpu") else name
    if name != "cpu" and not (name.startswith("cuda:") and name[5:].isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r}: expected cpu, cuda or cuda:N")
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workloads", type=_list, default=list(WORKLOADS), help=f"comma list of {','.join(WORKLOADS)}")
    parser.add_argument("--variants", type=_list, default=list(VARIANTS), help=f"comma list of {','.join(VARIANTS)}")
    parser.add_argument("--steps", type=int, help="timed steps per repeat (default 50; quick 5)")
    parser.add_argument("--repeats", type=int, help="timed repeats (default 5; quick 2)")
    parser.add_argument("--warmup", type=int, help="untimed steps first (default 10; quick 2)")
    parser.add_argument(
        "--rounds", type=int, help="processes per (workload, variant), interleaved (default 3; quick 1)"
    )
    parser.add_argument("--threads", type=int, default=2, help="intra/inter-op threads for every variant (default 2)")
    parser.add_argument("--out", default=str(runner.ROOT / "benchmarks" / "results"), help="folder for .json/.md")
    parser.add_argument("--quick", action="store_true", help="a short run: few steps, fewer repeats")
    parser.add_argument("--no-import-time", action="store_true", help="skip the `import dualnet` timing")
    parser.add_argument("--note", default="", help="a line for the report (e.g. 'machine shared with other jobs')")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per variant process")
    parser.add_argument(
        "--device", type=_device, default="cpu", help="cpu (default) or cuda / cuda:N: where every variant runs"
    )
    parser.add_argument(
        "--batch-scale", type=float, default=1.0, help="multiply every training batch (workloads.py's table) by this"
    )
    parser.add_argument(
        "--time-budget", type=float, help="seconds for the whole run: pairs not started by then are 'skipped'"
    )
    parser.add_argument(
        "--jit-workloads",
        type=_list,
        help="run the compiled variants (-jit, -compile) only on these workloads, after every eager pair",
    )
    args = parser.parse_args(argv)
    if args.batch_scale <= 0:
        parser.error(f"--batch-scale {args.batch_scale:g}: must be > 0, e.g. 0.5 or 2")
    defaults = (5, 2, 2, 1) if args.quick else (50, 5, 10, 3)
    settings = runner.Settings(
        workloads=args.workloads,
        variants=args.variants,
        steps=args.steps or defaults[0],
        repeats=args.repeats or defaults[1],
        warmup=args.warmup if args.warmup is not None else defaults[2],
        threads=args.threads,
        rounds=args.rounds or defaults[3],
        timeout_s=args.timeout,
        device=args.device,
        batch_scale=args.batch_scale,
        time_budget_s=args.time_budget,
        jit_workloads=args.jit_workloads,
    )
    records = runner.run(settings)
    meta = report.metadata(settings, args.note)
    meta["device_name"] = next((r["device_name"] for r in records if r.get("device_name")), None)
    if not args.no_import_time:
        from benchmarks import import_time

        meta["import_time"] = {}
        for backend in ("torch", "tensorflow"):
            try:
                meta["import_time"][backend] = import_time.measure(backend, 1 if args.quick else 5)
            except RuntimeError as exc:
                print(f"import time on {backend}: unavailable ({str(exc).strip()[-200:]})")
    stem = "bench-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    stem += "" if args.device == "cpu" else "-" + args.device.replace(":", "")
    json_path, md_path = report.write(records, meta, args.out, stem)
    print()
    print(md_path.read_text())
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
