"""The label-range and Embedding-id checks hold in the Trainer's compiled step, as in eager mode (issue 24, item 3).

On TensorFlow a traced step has no values to read and XLA drops asserts: the
checks come back from the step as flags (``dualnet.debug.step_checks``) and the
Trainer raises the eager check's ArgumentError after the step, naming it. On
torch the eager checks (and torch's own ops under torch.compile) raise.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.debug import step_checks

X = np.random.default_rng(0).standard_normal((8, 4)).astype("float32")
# Id 9 >= input_dim 5 in the second batch only, of 2 rows after 4: on TensorFlow that smaller batch takes the
# shape-generic trace, where the number of ids is a tensor.
IDS = np.array([[1, 2]] * 4 + [[1, 9]] * 2)
LABELS = np.arange(6) % 2

JIT = pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])


def _trainer(model: dn.nn.Module, jit: bool) -> dn.Trainer:
    optimizer = dn.optim.SGD(model.parameters(), lr=0.1)
    return dn.Trainer(model, optimizer=optimizer, loss=dn.losses.CrossEntropy(from_logits=True), jit=jit)


def _embedding_model() -> dn.nn.Module:
    return dn.nn.Sequential([dn.nn.Embedding(5, 3), dn.nn.Flatten(), dn.nn.Dense(2)])


def _compiled_on_tf(jit: bool) -> bool:
    """True where the error comes from the step's flags: TensorFlow with XLA (its ops do not raise there)."""
    return jit and B.name == "tensorflow"


@JIT
def test_class_ids_out_of_range_raise_argument_error(backend: str, jit: bool) -> None:
    dn.seed(0)
    trainer = _trainer(dn.nn.Dense(3, in_features=4), jit)
    with pytest.raises(dn.ArgumentError, match=r"CrossEntropy: class ids must lie in \[0, 3\), got labels in \[5, 7\]"):
        trainer.fit(X, np.arange(8) % 3 + 5, batch_size=4, verbose=0)


@JIT
def test_class_ids_out_of_range_raise_in_evaluate(backend: str, jit: bool) -> None:
    dn.seed(0)
    trainer = _trainer(dn.nn.Dense(3, in_features=4), jit)
    with pytest.raises(dn.ArgumentError, match=r"class ids must lie in \[0, 3\), got labels in \[0, 3\]") as info:
        trainer.evaluate(X, np.arange(8) % 5, batch_size=4)
    if _compiled_on_tf(jit):
        assert "found in the compiled evaluation step" in str(info.value)


@JIT
def test_embedding_id_out_of_range_in_second_batch_raises(backend: str, jit: bool) -> None:
    dn.seed(0)
    trainer = _trainer(_embedding_model(), jit)
    with pytest.raises(
        dn.ArgumentError, match=r"\(Embedding\) expects ids in \[0, 5\), got 9; raise input_dim"
    ) as info:
        trainer.fit(IDS, LABELS, batch_size=4, shuffle=False, verbose=0)
    if _compiled_on_tf(jit):
        assert "found in the compiled train step at epoch 1, step 2" in str(info.value)
    assert trainer.global_step == 1  # the first batch trained; the run stopped at the second


@JIT
def test_embedding_id_out_of_range_raises_in_predict(backend: str, jit: bool) -> None:
    dn.seed(0)
    trainer = _trainer(_embedding_model(), jit)
    with pytest.raises(dn.ArgumentError, match=r"expects ids in \[0, 5\), got 9") as info:
        trainer.predict(IDS, batch_size=4)
    if _compiled_on_tf(jit):
        assert "found in the compiled predict step" in str(info.value)


def _valid_losses(jit: bool) -> list[float]:
    dn.seed(0)
    trainer = _trainer(_embedding_model(), jit)
    ids = np.array([[1, 2], [3, 4], [0, 4], [2, 2], [4, 0], [1, 1], [3, 0], [2, 4]])
    history = trainer.fit(ids, np.arange(8) % 2, batch_size=4, epochs=3, shuffle=False, verbose=0)
    return [float(v) for v in history.history["loss"]]


def test_valid_run_losses_equal_with_and_without_jit(backend: str) -> None:
    eager, compiled = _valid_losses(False), _valid_losses(True)
    np.testing.assert_allclose(compiled, eager, rtol=1e-6, atol=1e-7)
    assert compiled[-1] < compiled[0]


def test_record_outside_a_collecting_trace_records_nothing(backend: str) -> None:
    # Eager code, and a trace no Trainer step collects, keep the old behaviour: no flag, no error.
    bad = dn.ops.convert_to_tensor(np.array(True))
    assert not step_checks.active()
    assert step_checks.record(bad, lambda: dn.ArgumentError("never raised")) is False
