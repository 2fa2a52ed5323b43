"""The benchmark runner end to end on the smallest workload: two variants, each in two processes, 2 steps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from benchmarks import report, runner
from benchmarks.workloads import WORKLOADS, batches, dualnet_model, load_by_position

from tests.helpers import HANG_LIMIT_S


def test_runner_writes_json_and_markdown(tmp_path: Path) -> None:
    settings = runner.Settings(
        workloads=["c"],
        variants=["native-torch", "dualnet-torch"],
        steps=2,
        warmup=1,
        repeats=2,
        rounds=2,
        timeout_s=HANG_LIMIT_S,
        batch_scale=0.5,
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
        # --batch-scale 0.5 halves workload c's batch of 32; on the CPU there is no GPU memory to report
        assert (r["device"], r["batch"], r["peak_gpu_mb"]) == ("cpu", 16, None)
        assert r["samples_per_s"] == pytest.approx(16 * 1000.0 / r["ms_per_step"])
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


# --- the --device / --batch-scale / --time-budget / --jit-workloads plumbing (no timing is asserted) ---------------


def test_batch_sizes_follow_the_device_and_the_scale() -> None:
    from benchmarks.workloads import WORKLOADS, batch_size, batches

    a, infer = WORKLOADS["a"], WORKLOADS["a-infer"]
    assert batch_size(a) == a.batch == 128
    assert batch_size(a, "cuda:0") == a.cuda_batch == 256
    assert batch_size(a, "cuda:0", 0.5) == 128 and batch_size(a, "cpu", 0.001) == 1
    assert batch_size(infer, "cuda:0", 4.0) == 1  # inference measures batch-1 latency everywhere
    x, y = batches(WORKLOADS["f"], 3)[0]
    assert x.shape == y.shape == (3, 256) and x.dtype == y.dtype == np.int64


def _fake_child(calls: list[list[str]]) -> object:
    """Stands in for ``runner._child``: records the arguments, answers like a child that measured 2 ms/step."""

    def child(args: list[str], settings: runner.Settings, deadline: float | None = None) -> tuple[int, str, str]:
        calls.append(args)
        given = dict(zip(args[::2], args[1::2]))
        if "--init-weights" in given:
            for key in given["--workload"].split(","):
                (Path(given["--init-weights"]) / f"weights-{WORKLOADS[key].model}.npz").touch()
            return 0, "", ""
        record = {
            "workload": given["--workload"],
            "variant": given["--variant"],
            "backend": "torch",
            "device": given["--device"],
            "batch": 8,
            "status": "ok",
            "ms_per_step": 2.0,
            "samples_per_s": 4000.0,
            "ms_min": 2.0,
            "ms_max": 2.0,
            "runs_ms": [2.0],
            "peak_rss_mb": 100.0,
            "peak_gpu_mb": 10.0 if given["--device"] != "cpu" else None,
            "minor_faults_per_step": 0.0,
            "final_loss": 0.5,
        }
        return 0, "noise\n" + runner.MARKER + json.dumps(record) + "\n", ""

    return child


def test_the_device_and_batch_scale_reach_every_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(runner, "_child", _fake_child(calls))
    settings = runner.Settings(
        workloads=["a", "f"],
        variants=["native-torch", "dualnet-torch-jit", "dualnet-torch"],
        steps=1,
        warmup=0,
        repeats=1,
        device="cuda:0",
        batch_scale=0.5,
        jit_workloads=["f"],
    )
    records = runner.run(settings, log=lambda _: None)
    init = [c for c in calls if "--init-weights" in c]
    assert len(init) == 1 and init[0][:2] == ["--workload", "a,f"]  # one process makes every model's weights
    measured = [c for c in calls if "--variant" in c]
    assert all(c[c.index("--device") + 1] == "cuda:0" and c[c.index("--batch-scale") + 1] == "0.5" for c in measured)
    # eager pairs first, the compiled one last, and only on the jit workload; records in the requested order
    assert [(c[1], c[3]) for c in measured] == [
        ("a", "native-torch"),
        ("a", "dualnet-torch"),
        ("f", "native-torch"),
        ("f", "dualnet-torch"),
        ("f", "dualnet-torch-jit"),
    ]
    assert [(r["workload"], r["variant"], r["status"]) for r in records] == [
        ("a", "native-torch", "ok"),
        ("a", "dualnet-torch-jit", "skipped"),
        ("a", "dualnet-torch", "ok"),
        ("f", "native-torch", "ok"),
        ("f", "dualnet-torch-jit", "ok"),
        ("f", "dualnet-torch", "ok"),
    ]
    meta = report.metadata(settings, "")
    meta["device_name"] = "a test GPU"
    _, md_path = report.write(records, meta, tmp_path, "cuda")
    text = md_path.read_text()
    assert "on cuda:0 (a test GPU)" in text and "peak GPU (MB)" in text and "torch.cuda.synchronize()" in text
    assert "| a | dualnet-torch-jit | skipped |" in text and "compiled variants run only on f" in text
    assert records[2]["gpu_mem_vs_native"] == 1.0


def test_a_spent_time_budget_skips_the_pairs_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(runner, "_child", _fake_child(calls))
    settings = runner.Settings(workloads=["c"], variants=["native-torch", "dualnet-torch"], time_budget_s=0.0)
    records = runner.run(settings, log=lambda _: None)
    assert calls == [] and {r["status"] for r in records} == {"skipped"}
    assert "time budget of 0 s was spent" in records[0]["error"]


def test_the_command_line_takes_the_device_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from benchmarks import __main__ as cli

    seen: list[runner.Settings] = []
    monkeypatch.setattr(runner, "run", lambda settings: seen.append(settings) or [])
    argv = ["--device", "CUDA", "--batch-scale", "2", "--time-budget", "60", "--jit-workloads", "b,f"]
    assert cli.main([*argv, "--workloads", "c", "--no-import-time", "--out", str(tmp_path)]) == 0
    (settings,) = seen
    assert (settings.device, settings.batch_scale, settings.time_budget_s) == ("cuda:0", 2.0, 60.0)
    assert settings.jit_workloads == ["b", "f"] and len(list(tmp_path.glob("bench-*-cuda0.json"))) == 1
    for bad in (["--device", "tpu"], ["--batch-scale", "0"]):
        with pytest.raises(SystemExit):
            cli.main(bad)


def test_tensorflow_off_the_cpu_and_a_missing_gpu_are_records_not_crashes() -> None:
    from benchmarks import child

    tf = child.measure("c", "native-tf", 1, 0, 1, 2, "unused.npz", device="cuda:0")
    assert tf["status"] == "unavailable" and "CPU only" in tf["error"]
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(RuntimeError, match="sees no CUDA GPU"):
        child.gpu_tools("cuda:0", "torch")


@pytest.mark.parametrize("model", ["c", "d"])
def test_the_functional_and_subclass_forms_are_the_same_model(model: str, backend: str) -> None:
    """The benchmark's functional / subclass pair computes what the sequential form does, from its weights."""
    import dualnet as dn

    reference = dualnet_model(model)
    x = batches(WORKLOADS[model])[0][0][:4]
    expected = dn.ops.to_numpy(reference(x))
    for form in ("functional", "subclass"):
        net = dualnet_model(model, form)
        assert isinstance(net, dn.Model) == (form == "functional")
        load_by_position(net, reference.state_dict())
        np.testing.assert_allclose(dn.ops.to_numpy(net(x)), expected, atol=1e-6)
    with pytest.raises(NotImplementedError, match="workload f"):
        dualnet_model("f", "functional")


def test_the_resnet_workload_is_the_same_model_in_native_torch(backend: str) -> None:
    """Workload r: dualnet's ResNet and the native torch.nn one (channels_last) give the same training-mode logits."""
    import torch
    from benchmarks.variants import native_torch

    import dualnet as dn

    net = dualnet_model("r")
    weights = {k: np.array(dn.ops.to_numpy(v)) for k, v in net.state_dict().items()}
    x = batches(WORKLOADS["r"], batch=4)[0][0]
    module = native_torch.build("r", weights).to(memory_format=torch.channels_last)
    t = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).to(memory_format=torch.channels_last)
    np.testing.assert_allclose(dn.ops.to_numpy(net(x)), module(t).detach().numpy(), rtol=1e-4, atol=1e-5)
    # Both updated their BatchNorm statistics in the same way (Keras's momentum 0.9 is torch's 0.1).
    np.testing.assert_allclose(
        dn.ops.to_numpy(net.stem_bn.moving_mean), module.stem[-1].running_mean.numpy(), rtol=1e-4, atol=1e-6
    )
    with pytest.raises(NotImplementedError, match="workload r"):
        dualnet_model("r", "subclass")


def test_the_bilstm_row_gives_native_torch_the_same_model() -> None:
    """Workload bilstm: torch.nn.LSTM(bidirectional=True) on dualnet's initial weights computes the same logits."""
    import torch
    from benchmarks.variants import native_torch

    import dualnet as dn

    previous = dn.backend()
    dn.set_backend("torch")
    try:
        reference = dualnet_model("bilstm")
        x = batches(WORKLOADS["bilstm"])[0][0][:3]
        net = native_torch.build("bilstm", reference.state_dict())
        with torch.no_grad():
            got = net(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(got, dn.ops.to_numpy(reference(x)), rtol=1e-5, atol=1e-6)
    finally:
        dn.set_backend(previous)
