"""Definition-time error messages in the user's shapes: the placeholder sizes of symbolic tracing shown as None.

A layer called on ``dn.Input`` tensors runs on zeros whose unknown sizes are
placeholders (``symbolic.BATCH_SIZES``, ``symbolic.OTHER_SIZES``), so its own
error says "got shape (2, 3)" where the user wrote ``dn.Input((3,))``. The
failing call is run again with the other placeholders: a number that changes
between the two messages from one placeholder to its counterpart is a
placeholder, and reads ``None``. When the two messages differ otherwise (or
the second run does not fail), only the exact input shapes are mapped back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__: list[str] = []

_NUMBER = re.compile(r"\d+")


def in_user_shapes(
    message: str,
    other: str | None,
    pairs: set[tuple[int, int]],
    concrete: Sequence[tuple[int, ...]],
    symbolic: Sequence[tuple[int | None, ...]],
) -> str:
    """``message`` with the placeholder sizes it shows replaced by None.

    ``other`` is the message of the same call with the other placeholders (None
    if it did not fail), ``pairs`` the ``(this run's size, other run's size)``
    placeholder pairs, ``concrete`` / ``symbolic`` this run's input shapes and
    the user's.
    """
    if other is not None:
        texts, other_texts = _NUMBER.split(message), _NUMBER.split(other)
        numbers, other_numbers = _NUMBER.findall(message), _NUMBER.findall(other)
        if texts == other_texts and len(numbers) == len(other_numbers):
            out = [texts[0]]
            for number, counterpart, text in zip(numbers, other_numbers, texts[1:]):
                placeholder = number != counterpart and (int(number), int(counterpart)) in pairs
                out += ["None" if placeholder else number, text]
            return "".join(out)
    for shape, user in zip(concrete, symbolic):
        if tuple(shape) != tuple(user):
            message = message.replace(str(tuple(shape)), str(tuple(user)))
    return message
