"""ctc_decode on torch: greedy in tensor ops; beam search as a CTC prefix beam search on the host.

torch has no CTC decoder. The beam search reads the (N, T, C) log-probabilities
once and runs the prefix recursion in Python floats (float64), per sequence:
it is post-processing, not differentiable, and under ``torch.compile`` it is a
graph break. It keeps, like TensorFlow's decoder, the ``beam_width`` most
probable label prefixes at each step, each scored by the log of the summed
probability of every alignment that collapses to it.
"""

from __future__ import annotations

import math
from collections import defaultdict

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor

_NEG_INF = float("-inf")


def _float(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    return x.to(torch.float32) if x.dtype in (torch.float16, torch.bfloat16) or not x.is_floating_point() else x


def _greedy(x: torch.Tensor, lengths: torch.Tensor, merge_repeated: bool, blank: int) -> tuple[torch.Tensor, ...]:
    t = x.shape[1]
    scores, ids = torch.max(x, -1)
    outside = torch.arange(t, device=x.device)[None, :] >= lengths[:, None]
    ids = torch.where(outside, blank, ids)
    scores = torch.where(outside, 0.0, scores)
    if merge_repeated:
        repeat = torch.cat([torch.zeros_like(ids[:, :1], dtype=torch.bool), ids[:, 1:] == ids[:, :-1]], 1)
        ids = torch.where(repeat, blank, ids)
    dropped = ids == blank
    # Kept labels move to the front in their order (a stable sort on the dropped flag), the rest become -1.
    order = torch.argsort(dropped.to(torch.int8), dim=1, stable=True)
    ids = torch.where(dropped, -1, ids).gather(1, order)
    return ids[None].to(torch.int32), -scores.sum(1, keepdim=True)


def _logaddexp(a: float, b: float) -> float:
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    top = max(a, b)
    return top + math.log1p(math.exp(-abs(a - b)))


def _prefix_beam(logp: list[list[float]], blank: int, beam_width: int) -> list[tuple[tuple[int, ...], float]]:
    """The most probable label sequences of one (T, C) log-probability table, best first, with their log-probs."""
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, _NEG_INF)}  # prefix -> (ends in blank, not)
    for row in logp:
        grown: defaultdict[tuple[int, ...], list[float]] = defaultdict(lambda: [_NEG_INF, _NEG_INF])
        for prefix, (pb, pnb) in beams.items():
            total = _logaddexp(pb, pnb)
            stay = grown[prefix]
            stay[0] = _logaddexp(stay[0], total + row[blank])
            last = prefix[-1] if prefix else None
            for c, p in enumerate(row):
                if c == blank:
                    continue
                ext = grown[(*prefix, c)]
                if c == last:
                    # A repeat extends the prefix only after a blank; otherwise it collapses into the prefix.
                    ext[1] = _logaddexp(ext[1], pb + p)
                    stay[1] = _logaddexp(stay[1], pnb + p)
                else:
                    ext[1] = _logaddexp(ext[1], total + p)
        ranked = sorted(grown.items(), key=lambda item: -_logaddexp(*item[1]))[:beam_width]
        beams = {prefix: (pb, pnb) for prefix, (pb, pnb) in ranked}
    ranked_final = sorted(beams.items(), key=lambda item: -_logaddexp(*item[1]))
    return [(prefix, _logaddexp(pb, pnb)) for prefix, (pb, pnb) in ranked_final]


def _beam(
    x: torch.Tensor, lengths: torch.Tensor, beam_width: int, top_paths: int, blank: int
) -> tuple[torch.Tensor, ...]:
    n, t, _ = x.shape
    logp = torch.log_softmax(x.detach().to(torch.float64), -1).cpu().tolist()
    steps = lengths.cpu().tolist()
    paths = torch.full((top_paths, n, t), -1, dtype=torch.int32)
    scores = torch.full((n, top_paths), _NEG_INF, dtype=torch.float64)
    for i in range(n):
        for rank, (prefix, score) in enumerate(_prefix_beam(logp[i][: steps[i]], blank, beam_width)[:top_paths]):
            paths[rank, i, : len(prefix)] = torch.tensor(prefix, dtype=torch.int32)
            scores[i, rank] = score
    return paths.to(x.device), scores.to(device=x.device, dtype=x.dtype)


def ctc_decode(
    inputs: ArrayLike,
    sequence_lengths: ArrayLike,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    x = _float(inputs)
    lengths = convert_to_tensor(sequence_lengths).to(device=x.device, dtype=torch.int64)
    if strategy == "greedy":
        paths, scores = _greedy(x, lengths, merge_repeated, mask_index)
    else:
        paths, scores = _beam(x, lengths, beam_width, top_paths, mask_index)
    return paths, scores
