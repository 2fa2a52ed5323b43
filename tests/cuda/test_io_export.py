"""Files across devices: checkpoints saved on the GPU resume on the CPU and back, dn.load onto the GPU, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from tests.cuda.helpers import LABELS, X, devices_of, exact_float32, trainer_on
from tests.export.models import MODELS, bigger_batch

pytestmark = pytest.mark.cuda


def _close(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-4, atol=1e-6, err_msg=name)


def test_a_checkpoint_resumes_on_the_other_device(gpu: str, tmp_path: Path) -> None:
    path = tmp_path / "ckpt.safetensors"
    with exact_float32():
        for saved_on, resumed_on in ((gpu, "cpu"), ("cpu", gpu)):
            first = trainer_on(saved_on)
            first.fit(X, LABELS, epochs=1, batch_size=16, shuffle=False, verbose=0)
            dn.save_checkpoint(path, trainer=first)
            first.fit(X, LABELS, epochs=2, initial_epoch=1, batch_size=16, shuffle=False, verbose=0)
            second = trainer_on(resumed_on, seed=1)  # other initial weights: the checkpoint must replace them
            history = second.fit(X, LABELS, epochs=2, batch_size=16, shuffle=False, verbose=0, resume_from=path)
            assert second.completed_epochs == 2 and len(history.history["loss"]) == 2
            assert devices_of(second.model.parameters()) == {resumed_on}
            state = [v for entry in second.optimizer.state for v in entry.values() if dn.ops.is_tensor(v)]
            assert devices_of(state) == {resumed_on}
            _close(second.model.state_dict(), first.model.state_dict())


def test_dn_load_puts_a_saved_model_on_the_current_device(gpu: str, tmp_path: Path) -> None:
    x = X[:5]
    for saved_on, loaded_on in (("cpu", gpu), (gpu, "cpu")):
        model = trainer_on(saved_on).model
        expected = dn.ops.to_numpy(model(dn.ops.to_device(x, saved_on)))
        dn.save(model, tmp_path / "model.safetensors")
        with dn.device(loaded_on):
            loaded = dn.load(tmp_path / "model.safetensors")
            out = loaded(dn.ops.convert_to_tensor(x))
        assert devices_of(loaded.parameters()) == {loaded_on} and dn.ops.device_of(out) == loaded_on
        _close(loaded.state_dict(), model.state_dict())
        np.testing.assert_allclose(dn.ops.to_numpy(out), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fmt", ["onnx", "torch_program"])
def test_a_gpu_model_exports(gpu: str, tmp_path: Path, fmt: str) -> None:
    pytest.importorskip("onnxruntime" if fmt == "onnx" else "torch")
    with dn.device(gpu):
        model, x = MODELS["cnn"]()
        model(dn.ops.convert_to_tensor(x))
        path = getattr(dn.export, fmt)(model, x, tmp_path / f"model.{fmt}")
        model.eval()
        x3 = bigger_batch(x)  # another batch size than the traced one: the batch dimension stays dynamic
        expected = dn.ops.to_numpy(model(dn.ops.convert_to_tensor(x3)))
    assert devices_of(model.parameters()) == {gpu}, "export moved the model"
    np.testing.assert_allclose(_run(fmt, path, x3, gpu), expected, rtol=1e-4, atol=1e-5)


def _run(fmt: str, path: Path, x: np.ndarray, device: str) -> np.ndarray:
    """Run the artifact with its own runtime: onnxruntime on the CPU, a torch.export program on ``device``."""
    if fmt == "onnx":
        import onnxruntime as ort

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        return np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0])
    import torch

    program = torch.export.load(str(path)).module()
    return np.asarray(program(torch.as_tensor(x, device=device)).detach().cpu().numpy())
