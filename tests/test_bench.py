"""The benchmark runner end to end on the smallest workload: two variants, each in its own process, 2 steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from benchmarks import report, runner


def test_runner_writes_json_and_markdown(tmp_path: Path) -> None:
    settings = runner.Settings(
        workloads=["c"], variants=["native-torch", "dualnet-torch"], steps=2, warmup=1, repeats=2, timeout_s=120
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
        assert r["ms_per_step"] > 0 and len(r["runs_ms"]) == 2 and r["peak_rss_mb"] > 0 and r["threads"] == 2
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
