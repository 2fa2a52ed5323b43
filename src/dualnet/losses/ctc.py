"""Connectionist temporal classification (Graves et al., 2006): Keras's ``CTC`` loss on :func:`dualnet.ops.ctc_loss`.

The alignment sum runs in the frameworks' CTC kernels (``torch.nn.functional.ctc_loss``,
TensorFlow's ``CTCLoss``), in float64 on both so that values and gradients
agree to float32 rounding; see :func:`dualnet.ops.ctc_loss`.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import Loss
from dualnet.ops.nn import ctc_loss

__all__ = ["CTC"]


class CTC(Loss):
    """The CTC negative log-likelihood of each label sequence; Keras's ``CTC`` (and ``torch.nn.CTCLoss``'s values).

    ``y_pred`` (N, T, C) holds logits (a log-softmax is applied; log-probabilities
    pass unchanged), batch first, ``blank`` one of the C classes. ``y_true`` (N, L)
    holds integer labels padded with ``blank``: as in Keras, a sequence's length is
    its count of non-blank labels, and every sequence has all T steps. A call may
    give the lengths instead, ``loss(y_pred, y_true, label_lengths=..., input_lengths=...)``
    (each (N,) ints), as PyTorch's ``CTCLoss`` takes them. Unreduced values have
    shape (N,); no alignment fitting the steps gives ``inf``, or 0 with
    ``zero_infinity`` (and no gradient either way). PyTorch's ``reduction="mean"``
    also divides each value by its label length: ``mean(loss(..., reduction="none") / lengths)``.

    Raises:
        ArgumentError: ``blank`` not an int >= 0, a non-bool ``zero_infinity``, an unknown ``reduction``; ``blank``
            not below C, labels outside [0, C) or lengths out of range (eager mode).
        ShapeError: ``y_pred`` is not (N, T, C), ``y_true`` not (N, L), the lengths not (N,), or ``sample_weight``
            does not fit.
    """

    def __init__(self, blank: int = 0, zero_infinity: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.blank = check_int(name, "blank", blank, low=0, example="blank=0")
        self.zero_infinity = check_bool(name, "zero_infinity", zero_infinity)

    def __call__(
        self,
        y_pred: Any,
        y_true: Any,
        sample_weight: Any = None,
        *,
        label_lengths: Any = None,
        input_lengths: Any = None,
    ) -> Any:
        return self._reduce(self.per_example(y_pred, y_true, label_lengths, input_lengths), sample_weight)

    def per_example(self, y_pred: Any, y_true: Any, label_lengths: Any = None, input_lengths: Any = None) -> Any:
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        shape, labels_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if len(shape) != 3 or len(labels_shape) != 2:
            raise ShapeError(
                f"{type(self).__name__}: expected logits y_pred of shape (N, T, C) and labels y_true of shape (N, L), "
                f"got {shape} and {labels_shape}; pass one row of labels per sequence, padded with blank={self.blank}"
            )
        if label_lengths is None:
            label_lengths = B.sum(B.cast(B.not_equal(y_true, self.blank), "int32"), -1)
        if input_lengths is None:  # every sequence runs all T steps
            input_lengths = B.full_like(label_lengths, shape[1], "int32")
        values = ctc_loss(y_true, y_pred, label_lengths, input_lengths, self.blank)
        if self.zero_infinity:
            values = B.where(B.isinf(values), 0.0, values)
        return values
