"""The soak benchmark's code path on a short run: each backend in its own process, RSS sampled, a report written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import soak


def test_short_soak_samples_memory_and_writes_the_report(tmp_path: Path) -> None:
    args = soak.parse_args(["--steps", "48", "--warmup", "16", "--every", "16", "--out", str(tmp_path)])
    records, json_path, md_path = soak.run(args, log=lambda _: None)
    assert [(r["backend"], r["status"]) for r in records] == [("torch", "ok"), ("tensorflow", "ok")], records
    for r in records:
        steps = [step for step, _ in r["samples"]]
        assert steps == sorted(steps) and steps[0] <= 16 and steps[-1] == r["end_step"] >= 48
        assert all(mb > 50 for _, mb in r["samples"])  # a framework is loaded: tens of MB at least
        assert r["rss_warmup_mb"] == dict(r["samples"])[r["warmup_step"]]
        assert r["growth_end_pct"] == pytest.approx((r["rss_end_mb"] / r["rss_warmup_mb"] - 1) * 100)
        assert r["passed"] == (r["growth_peak_pct"] <= 5.0)
        assert r["final_loss"] > 0
    data = json.loads(json_path.read_text())
    assert data["meta"]["steps"] == 48 and [r["backend"] for r in data["results"]] == ["torch", "tensorflow"]
    text = md_path.read_text()
    assert "| torch | " in text and "| tensorflow | " in text and "reference at step 16" in text


def test_summary_passes_or_fails_on_the_peak_after_warm_up() -> None:
    flat = soak.summarize([(0, 50.0), (100, 100.0), (200, 104.0), (300, 101.0)], warmup=100, limit_pct=5.0)
    assert flat["passed"] and flat["growth_peak_pct"] == pytest.approx(4.0) and flat["growth_end_pct"] == 1.0
    leak = soak.summarize([(100, 100.0), (200, 103.0), (300, 106.0)], warmup=100, limit_pct=5.0)
    assert not leak["passed"] and leak["slope_mb_per_1k_steps"] == pytest.approx(30.0)
    assert soak.summarize([(0, 1.0)], warmup=100, limit_pct=5.0)["status"] == "error"


def test_loop_mode_in_process(backend: str) -> None:
    samples: list[tuple[int, float]] = []
    loss = soak._train_with_loop(20, 10, samples)
    assert [step for step, _ in samples] == [0, 10, 20] and loss > 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(SystemExit):
        soak.parse_args(["--steps", "100", "--warmup", "200"])
    with pytest.raises(SystemExit):
        soak.parse_args(["--every", "0"])
