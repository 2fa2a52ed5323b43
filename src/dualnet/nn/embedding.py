"""``Embedding``: a lookup table from integer ids to dense vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.debug import step_checks
from dualnet.dtypes import is_int
from dualnet.errors import ArgumentError, DTypeError
from dualnet.nn.embedding_options import check_max_norm, check_padding_idx, torch_options, zero_row
from dualnet.nn.module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """Turn integer ids into vectors (Keras ``Embedding``).

    Ids of any shape, integers in ``[0, input_dim)`` -> output ``(*ids.shape,
    output_dim)``, the rows of the weight ``embeddings`` of shape
    ``(input_dim, output_dim)``. Keras's default initializer: uniform on
    ``[-0.05, 0.05)``. With ``mask_zero=True`` id 0 is padding and
    :meth:`compute_mask` returns ``ids != 0`` for layers that take a mask.

    PyTorch's options: with ``padding_idx`` that row starts as zeros and no lookup
    sends it a gradient (its value is still returned, as in torch). With
    ``max_norm`` each looked-up row whose Euclidean norm exceeds it is returned
    scaled to norm ``max_norm`` (torch's ``max_norm / (norm + 1e-7)``), with the
    gradient torch gives (that of the plain lookup); unlike torch, the stored
    table is not rewritten, so the rows are scaled again at each lookup.

    Ids outside ``[0, input_dim)`` raise ArgumentError when they are concrete:
    NumPy arrays and lists are checked in NumPy before the lookup; native tensors
    on the CPU are checked by the lookup itself (both frameworks raise, then this
    layer names itself); on an accelerator, where TensorFlow would return zero
    rows and PyTorch abort with a device-side assert, their minimum and maximum
    are read back before the lookup (one small device-to-host copy per call).
    While the Trainer's compiled step is traced the range is recorded as a
    device-side flag, raised after the step ran (:mod:`dualnet.debug.step_checks`);
    elsewhere nothing is checked while tracing a compiled TensorFlow function.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
            Also for concrete ids outside ``[0, input_dim)``.
        DTypeError: for ids that are not integers.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        mask_zero: bool = False,
        dtype: str = "float32",
        embeddings_regularizer: Any = None,
        activity_regularizer: Any = None,
        embeddings_constraint: Any = None,
        padding_idx: int | None = None,
        max_norm: float | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__  # EmbeddingBag, ReversibleEmbedding: the errors name the class built
        example = f"{name}(input_dim=10000, output_dim=64): the vocabulary size and the size of each vector"
        self.input_dim = input_dim = check_int(name, "input_dim", input_dim, low=1, example=example)
        self.output_dim = output_dim = check_int(name, "output_dim", output_dim, low=1, example=example)
        self.mask_zero = check_bool(name, "mask_zero", mask_zero)
        self.padding_idx = padding_idx = check_padding_idx(name, padding_idx, input_dim)
        self.max_norm = check_max_norm(name, max_norm)
        self._set_penalties(
            name,
            embeddings_regularizer=embeddings_regularizer,
            activity_regularizer=activity_regularizer,
            embeddings_constraint=embeddings_constraint,
        )
        initializer = zero_row(embeddings_initializer, padding_idx, self._where())
        self.embeddings = self.add_weight(
            "embeddings", (input_dim, output_dim), initializer, dtype, **self._penalties_of("embeddings")
        )

    def forward(self, ids: Any) -> Any:
        if not B.is_tensor(ids):
            # Host data: checking the range in NumPy costs no device round trip.
            ids = np.asarray(ids)
            if ids.dtype.kind in "iu" and ids.size:
                self._check_range(ids.min(), ids.max())
        elif step_checks.active() or B.device_of(ids) != "cpu":
            self._check_on_device(ids)
        return torch_options(B.embedding(self.embeddings, ids), ids, self.padding_idx, self.max_norm)

    def _work(self, ids: Any = None, *rest: Any) -> tuple[int, int]:
        cells = int(B.size(ids)) * self.output_dim
        return cells, cells

    def compute_mask(self, ids: Any) -> Any:
        """``ids != 0`` (bool, the shape of ``ids``) with ``mask_zero``, else None."""
        return B.not_equal(ids, 0) if self.mask_zero else None

    def check_inputs(self, ids: Any = None, *rest: Any) -> None:
        dtype = B.dtype(ids)
        if not is_int(dtype):
            raise DTypeError(
                f"{self._where()} expects integer ids, got {dtype}; cast them first, e.g. dn.ops.cast(ids, 'int64')"
            )
        self._check_on_device(ids)

    def _check_on_device(self, ids: Any) -> None:
        count = B.size(ids)
        if isinstance(count, int) and count == 0:
            return  # no ids, nothing to check
        if B.is_tracing():
            # No values yet: a compiled step that collects checks raises after it ran (dualnet.debug.step_checks).
            step_checks.record_ids_below(ids, self.input_dim, self._range_error)
            return
        low, high = B.to_numpy(B.stack([B.min(ids), B.max(ids)]))
        self._check_range(low, high)

    def _check_range(self, low: Any, high: Any) -> None:
        error = self._range_error(low, high)
        if error is not None:
            raise error

    def _range_error(self, low: Any, high: Any) -> ArgumentError | None:
        """The error for ids in ``[low, high]``, None when they lie in ``[0, input_dim)``."""
        low, high = int(low), int(high)
        if low < 0:
            return ArgumentError(
                f"{self._where()} expects ids in [0, {self.input_dim}), got {low}; "
                "map negative ids (e.g. a padding -1) to a reserved id such as 0, as ids are rows of the table"
            )
        if high >= self.input_dim:
            return ArgumentError(
                f"{self._where()} expects ids in [0, {self.input_dim}), got {high}; raise input_dim to cover the "
                f"vocabulary (ids up to {high} need input_dim={high + 1}) or map unknown ids to a reserved id"
            )
        return None

    def extra_repr(self) -> str:
        extra = ", mask_zero=True" if self.mask_zero else ""
        extra += "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        extra += "" if self.max_norm is None else f", max_norm={self.max_norm}"
        return f"input_dim={self.input_dim}, output_dim={self.output_dim}" + extra
