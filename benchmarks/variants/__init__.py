"""The benchmark variants: one module per family, each with ``prepare(workload, weights, batches, jit, device)``.

``prepare`` returns ``(step, finish)``: ``step(i)`` runs one training step (or one
forward, for an inference workload) on pool batch ``i % POOL`` and returns a
handle on its loss (or output); ``finish(handle)`` turns it into a Python float,
waiting for the work to finish. Each module imports its framework only inside
``prepare``, so a child process imports just the framework its variant needs.
``device`` is ``"cpu"`` or ``"cuda:0"``; model and batches are made there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """A benchmark variant: its family module, backend, and the jit flag passed to ``prepare``."""

    name: str
    module: str  # under benchmarks.variants
    backend: str  # "torch" or "tensorflow": the native baseline and Keras of the same backend are compared with it
    jit: bool = False  # dualnet: Trainer(jit=True); native torch: torch.compile; native tf: XLA
    keras_backend: str | None = None


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("native-torch", "native_torch", "torch"),
        Variant("dualnet-torch", "dualnet_variant", "torch"),
        Variant("dualnet-torch-jit", "dualnet_variant", "torch", jit=True),
        Variant("native-torch-compile", "native_torch", "torch", jit=True),
        Variant("native-tf", "native_tf", "tensorflow"),
        Variant("dualnet-tf", "dualnet_variant", "tensorflow"),
        Variant("dualnet-tf-jit", "dualnet_variant", "tensorflow", jit=True),
        Variant("keras-torch", "keras_variant", "torch", keras_backend="torch"),
        Variant("keras-tf", "keras_variant", "tensorflow", keras_backend="tensorflow"),
        # The same layers as a functional dn.Model and as a Module subclass (issue 16: the graph adds nothing).
        Variant("dualnet-torch-functional", "dualnet_functional", "torch"),
        Variant("dualnet-torch-subclass", "dualnet_subclass", "torch"),
        Variant("dualnet-tf-functional", "dualnet_functional", "tensorflow"),
        Variant("dualnet-tf-subclass", "dualnet_subclass", "tensorflow"),
    )
}
NATIVE = {"torch": "native-torch", "tensorflow": "native-tf"}
KERAS = {"torch": "keras-torch", "tensorflow": "keras-tf"}
