"""dualnet through ``dn.Trainer``: the compiled step ``fit`` runs for each batch, on pre-made tensors.

Training calls the trainer's per-batch entry (``Trainer._run("train", batch)``,
exactly what ``fit`` calls for each batch: the default ``train_step`` compiled by
``B.compile_step`` - eager or ``torch.compile`` on torch, ``tf.function`` or XLA on
tensorflow) so the epoch loop, callbacks and data loading are left out, as they
are for the native variants. Inference calls the compiled predict step under
``dn.no_grad()`` in eval mode, as ``predict`` does per batch. Model, optimizer and
batches are made under ``dn.device(device)`` and the Trainer gets ``device=device``;
a bf16 workload trains with ``precision="bf16-mixed"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workloads import Workload, dualnet_model, load_by_position


def optimizer(workload: Workload, params: Any) -> Any:
    import dualnet as dn

    h = workload.hparams
    if workload.optimizer == "sgd":
        return dn.optim.SGD(params, lr=h["lr"], momentum=h["momentum"])
    if workload.optimizer == "adam":
        return dn.optim.Adam(params, lr=h["lr"], eps=h["eps"])
    return dn.optim.AdamW(params, lr=h["lr"], eps=h["eps"], weight_decay=h["weight_decay"])


def prepare(
    workload: Workload,
    weights: dict[str, np.ndarray],
    data: list[tuple[np.ndarray, np.ndarray]],
    jit: bool,
    device: str = "cpu",
    form: str = "sequential",
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """A ``dn.Trainer`` step / predict on pre-made backend tensors on ``device`` (see :mod:`benchmarks.variants`).

    ``form``: the model as ``dn.nn.Sequential``, a functional ``dn.Model`` or a ``Module`` subclass (workloads.py).
    """
    import dualnet as dn

    with dn.device(device):
        model = dualnet_model(workload.model, form)
        load_by_position(model, weights)
        loss = "mse" if workload.loss == "mse" else dn.losses.CrossEntropy(from_logits=True)
        tensors = [(dn.ops.convert_to_tensor(x), dn.ops.convert_to_tensor(y)) for x, y in data]
        opt = None if workload.kind == "infer" else optimizer(workload, model.parameters())
        trainer = dn.Trainer(model, opt, loss, jit=jit, precision=workload.precision, device=device)
    run = trainer._run  # the per-batch entry of Trainer.fit and Trainer.predict
    if workload.kind == "infer":
        model.eval()

        def forward(i: int) -> Any:
            with dn.no_grad():
                return run("predict", tensors[i % len(tensors)][0])

        return forward, lambda out: float(dn.ops.to_numpy(out).sum())
    model.train()

    def step(i: int) -> Any:
        return run("train", tensors[i % len(tensors)], True)

    return step, lambda logs: float(dn.ops.to_numpy(logs["loss"]))
