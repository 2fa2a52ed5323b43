"""The benchmark runner end to end on the smallest workload: two variants, each in two processes, 2 steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from benchmarks import report, runner


def test_runner_writes_json_and_markdown(tmp_path: Path) -> None:
    settings = runner.Settings(
        workloads=["c"],
        variants=["native-torch", "dualnet-torch"],
        steps=2,
        warmup=1,
        repeats=2,
        rounds=2,
        timeout_s=120,
    )
    records = runner.run(settings, log=lambda _: None)
    assert [(r["workload"], r["variant"], r["status"]) for r in records] == [
        ("c", "native-torch", "ok"),
        ("c", "dualnet-torch", "ok"),
    ]
    json_path, md_path = report.write(records, report.metadata(settings, "test"), tmp_path, "smoke")
    data = json.loads(json_path.read_text())
    assert set(data) == {"meta", "results", "targets"}
    native, dualnet = data["results"]
    for r in (native, dualnet):
        assert r["ms_per_step"] > 0 and len(r["runs_ms"]) == 4 and r["peak_rss_mb"] > 0 and r["threads"] == 2
        assert r["minor_faults_per_step"] >= 0
        assert r["rounds"] == 2 and r["ms_per_step"] == pytest.approx(sum(r["round_ms"]) / 2)
    assert native["vs_native"] == 1.0 and dualnet["vs_native"] == pytest.approx(
        dualnet["ms_per_step"] / native["ms_per_step"]
    )
    # Same initial weights and batches: the loss after the timed steps agrees.
    assert dualnet["final_loss"] == pytest.approx(native["final_loss"], rel=1e-4)
    measured = [c for c in data["targets"] if c["met"] is not None]
    assert {c["target"] for c in measured} == {
        "dualnet-torch / native-torch",
        "peak memory dualnet-torch / native-torch",
    }
    text = md_path.read_text()
    assert "| c | native-torch |" in text and "| c | dualnet-torch |" in text and "Targets" in text


def test_a_failing_variant_is_a_record_not_a_crash(tmp_path: Path) -> None:
    record = runner._parse("c", "keras-tf", 1, "", "Traceback...\nImportError: no keras")
    assert record["status"] == "error" and "no keras" in record["error"]
    text = report.markdown([record], report.metadata(runner.Settings(workloads=["c"]), ""), [])
    assert "| c | keras-tf | error |" in text and "no keras" in text


def _round(ms: float, runs: list[float], rss: float, faults: float = 0.0) -> dict[str, object]:
    return {
        "status": "ok",
        "ms_per_step": ms,
        "runs_ms": runs,
        "peak_rss_mb": rss,
        "final_loss": 0.5,
        "minor_faults_per_step": faults,
    }


def test_rounds_merge_into_the_median_process() -> None:
    merged = runner.merge_rounds(
        [
            _round(10.0, [9.0, 10.0, 11.0], 300, 5.0),
            _round(30.0, [29.0, 30.0, 31.0], 320, 900.0),
            _round(11.0, [11.0], 310, 7.0),
        ]
    )
    assert merged["minor_faults_per_step"] == 7.0
    assert merged["ms_per_step"] == 11.0 and merged["round_ms"] == [10.0, 30.0, 11.0] and merged["rounds"] == 3
    assert (merged["ms_min"], merged["ms_max"], merged["peak_rss_mb"]) == (9.0, 31.0, 320)
    failed = {"status": "error", "error": "boom"}
    assert runner.merge_rounds([_round(10.0, [10.0], 300), failed]) is failed


def test_the_report_records_the_allocator_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "134217728")
    meta = report.metadata(runner.Settings(workloads=["c"]), "")
    assert meta["allocator_env"]["MALLOC_TRIM_THRESHOLD_"] == "134217728"
    assert "`MALLOC_TRIM_THRESHOLD_=134217728`" in report.markdown([], meta, [])
