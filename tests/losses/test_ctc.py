"""CTC: dn.ops.ctc_loss and dn.losses.CTC against Keras 3 and torch's ctc_loss (float64), eager and compiled."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.losses.reference import (
    Case,
    Spec,
    f32,
    test_gradient_matches_keras,
    test_gradient_matches_torch,
    test_values_match_keras,
    test_values_match_torch,
    test_weights_and_reductions_agree_with_the_unreduced_values,
)

__all__ = [
    "test_gradient_matches_keras",
    "test_gradient_matches_torch",
    "test_values_match_keras",
    "test_values_match_torch",
    "test_weights_and_reductions_agree_with_the_unreduced_values",
]

RNG = np.random.default_rng(14)
N, T, C, L = 4, 9, 5, 4
_LOGITS = f32(RNG.standard_normal((N, T, C)) * 2)
_LABELS = np.array([[1, 2, 2, 3], [4, 0, 0, 0], [3, 1, 0, 0], [2, 2, 2, 0]])  # 0 pads (Keras's blank)
_LENGTHS = (_LABELS != 0).sum(-1)
_WEIGHT = f32(RNG.uniform(0, 2, N))


def _torch_ctc(
    log_probs: torch.Tensor, labels: torch.Tensor, steps: torch.Tensor, lengths: torch.Tensor, blank: int = 0
) -> torch.Tensor:
    # float64: torch's own float32 kernel's gradients are off by up to 1e-4 here
    lp = torch.log_softmax(log_probs.double(), -1).transpose(0, 1)
    return F.ctc_loss(lp, labels, steps, lengths, blank=blank, reduction="none").float()


def _reduced(values: torch.Tensor, reduction: str) -> torch.Tensor:
    return {"none": values, "mean": values.mean(), "sum": values.sum()}[reduction]


SPECS = (
    Spec(
        "CTC",
        lambda r: dn.losses.CTC(reduction=r),
        (Case("labels padded with 0", _LOGITS, _LABELS, _WEIGHT),),
        keras=lambda r: keras.losses.CTC(reduction=r),
        torch=lambda p, t, r: _reduced(_torch_ctc(p, t, torch.full((N,), T), torch.from_numpy(_LENGTHS)), r),
    ),
)


@pytest.fixture(scope="module")
def explicit() -> dict[str, np.ndarray]:
    """Lengths given by the call: padding -1, fewer steps for some sequences, a blank that is the last class."""
    labels = np.where(_LABELS == 0, -1, _LABELS - 1)  # classes 0..3, blank 4
    lengths, steps = np.array([4, 1, 2, 3]), np.array([9, 5, 7, 8])
    x = torch.tensor(_LOGITS, requires_grad=True)
    value = _torch_ctc(
        x, torch.from_numpy(np.maximum(labels, 0)), torch.from_numpy(steps), torch.from_numpy(lengths), 4
    )
    value.sum().backward()
    return {
        "labels": labels,
        "lengths": lengths,
        "steps": steps,
        "value": value.detach().numpy(),
        "grad": x.grad.numpy(),
    }


def test_lengths_given_to_the_call_and_another_blank(backend: str, explicit: dict[str, np.ndarray]) -> None:
    loss = dn.losses.CTC(blank=4, reduction="sum")
    x = dn.ops.convert_to_tensor(_LOGITS)
    kwargs = {"label_lengths": explicit["lengths"], "input_lengths": explicit["steps"]}
    _, grad = dn.value_and_grad(lambda z: loss(z, explicit["labels"], **kwargs))(x)
    per = dn.losses.CTC(blank=4, reduction="none")(x, explicit["labels"], **kwargs)
    np.testing.assert_allclose(dn.ops.to_numpy(per), explicit["value"], rtol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), explicit["grad"], rtol=1e-5, atol=1e-6)
    assert dn.ops.to_numpy(grad)[1, 5:].max() == 0.0  # steps past a sequence's length get no gradient


def test_impossible_alignments_are_inf_or_zero_with_no_gradient(backend: str) -> None:
    labels = np.array([[1, 1, 1, 1, 1], [1, 2, 0, 0, 0]])  # five repeats need nine steps; there are five
    x = dn.ops.convert_to_tensor(_LOGITS[:2, :5])
    values = dn.ops.to_numpy(dn.losses.CTC(reduction="none")(x, labels))
    assert values[0] == np.inf and np.isfinite(values[1])
    _, grad = dn.value_and_grad(lambda z: dn.losses.CTC(zero_infinity=True)(z, labels))(x)
    grad = dn.ops.to_numpy(grad)
    assert (grad[0] == 0).all() and np.isfinite(grad).all() and np.abs(grad[1]).sum() > 0


def test_empty_label_sequences_cost_the_blanks(backend: str) -> None:
    labels = np.zeros((2, 3), "int64")
    got = dn.ops.to_numpy(dn.losses.CTC(reduction="none")(_LOGITS[:2], labels))
    log_p = torch.log_softmax(torch.from_numpy(_LOGITS[:2]).double(), -1)
    np.testing.assert_allclose(got, -log_p[..., 0].sum(-1).numpy(), rtol=1e-6)


def test_compiled_steps_give_the_eager_values(backend: str) -> None:
    eager = dn.ops.to_numpy(dn.ops.ctc_loss(_LABELS, _LOGITS, _LENGTHS, np.full(N, T)))
    compiled = dn.function(lambda x, y: dn.losses.CTC(reduction="none")(x, y))
    np.testing.assert_allclose(dn.ops.to_numpy(compiled(_LOGITS, _LABELS)), eager, rtol=1e-6)
    if backend == "tensorflow":  # XLA has no CTC kernel: TensorFlow's float32 scan instead, within float32 rounding
        xla = dn.function(lambda x, y: dn.losses.CTC(reduction="none")(x, y), jit=True)
        np.testing.assert_allclose(dn.ops.to_numpy(xla(_LOGITS, _LABELS)), eager, rtol=1e-5)


def test_a_trainer_fits_a_sequence_model_on_ctc(backend: str) -> None:
    dn.seed(0)
    model = dn.nn.Dense(C, in_features=3)
    x = f32(RNG.standard_normal((N, T, 3)))
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=0.05), loss="ctc")
    history = trainer.fit(x, _LABELS, epochs=3, batch_size=N, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: dn.ops.ctc_loss(_LABELS, _LOGITS[0], _LENGTHS, np.full(N, T)), dn.ShapeError, r"output \(logits\)"),
        (lambda: dn.ops.ctc_loss(_LABELS, _LOGITS, _LENGTHS[:2], np.full(N, T)), dn.ShapeError, r"lengths \(N,\)"),
        (lambda: dn.ops.ctc_loss(_LABELS, _LOGITS, _LENGTHS, np.full(N, T), 5), dn.ArgumentError, r"mask_index=5"),
        (lambda: dn.ops.ctc_loss(_LABELS + 3, _LOGITS, _LENGTHS, np.full(N, T)), dn.ArgumentError, r"\[0, 5\)"),
        (lambda: dn.ops.ctc_loss(_LABELS, _LOGITS, _LENGTHS + 1, np.full(N, T)), dn.ArgumentError, r"\[0, 4\]"),
        (lambda: dn.ops.ctc_loss(_LABELS, _LOGITS, _LENGTHS, np.full(N, T + 1)), dn.ArgumentError, r"\[0, 9\]"),
        (lambda: dn.losses.CTC(blank=-1), dn.ArgumentError, r"CTC\(blank=-1\): blank must be an int >= 0"),
        (lambda: dn.losses.CTC()(_LOGITS, _LABELS[:, None]), dn.ShapeError, r"CTC: expected logits y_pred of shape"),
    ],
)
def test_bad_inputs_say_what_and_how_to_fix(
    backend: str, call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
