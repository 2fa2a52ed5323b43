"""ctc_decode on torch: greedy in tensor ops; beam search as a CTC prefix beam search on the host.

torch has no CTC decoder. The beam search reads the (N, T, C) log-probabilities
once and runs the prefix recursion in NumPy (float64), one sequence at a time:
it is post-processing, not differentiable, and under ``torch.compile`` it is a
graph break. It keeps, like TensorFlow's decoder, the ``beam_width`` most
probable label prefixes at each step, each scored by the log of the summed
probability of every alignment that collapses to it.
"""

from __future__ import annotations

import numpy as np
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


def _prefix_beam(logp: np.ndarray, blank: int, beam_width: int) -> list[tuple[tuple[int, ...], float]]:
    """The most probable label sequences of one (T, C) log-probability table, best first, with their log-probs.

    Each beam is a prefix with two log-probabilities: of its alignments ending
    in a blank (``pb``) and in its last label (``pnb``). A step scores every
    (beam, class) extension at once; an extension that equals a kept beam adds
    into that beam, the others compete for the ``beam_width`` places as they are.
    """
    prefixes: list[tuple[int, ...]] = [()]
    pb, pnb = np.zeros(1), np.full(1, -np.inf)
    for row in logp:
        total = np.logaddexp(pb, pnb)
        last = np.array([p[-1] if p else -1 for p in prefixes])
        # Extending by the last label again needs a blank in between; without one it collapses into the prefix.
        grown = np.where(np.arange(row.size)[None, :] == last[:, None], pb[:, None], total[:, None]) + row[None, :]
        grown[:, blank] = -np.inf
        stay_pb = total + row[blank]
        stay_pnb = np.where(last >= 0, pnb + row[np.maximum(last, 0)], -np.inf)
        index = {prefix: i for i, prefix in enumerate(prefixes)}
        for j, prefix in enumerate(prefixes):
            parent = index.get(prefix[:-1]) if prefix else None
            if parent is not None:
                stay_pnb[j] = np.logaddexp(stay_pnb[j], grown[parent, prefix[-1]])
                grown[parent, prefix[-1]] = -np.inf
        flat = grown.ravel()
        best = (
            np.argpartition(-flat, min(beam_width, flat.size - 1))[:beam_width]
            if flat.size > beam_width
            else np.arange(flat.size)
        )
        best = best[np.isfinite(flat[best])]
        candidates = [*prefixes, *((*prefixes[k // row.size], int(k % row.size)) for k in best)]
        cand_pb = np.concatenate([stay_pb, np.full(best.size, -np.inf)])
        cand_pnb = np.concatenate([stay_pnb, flat[best]])
        keep = np.argsort(-np.logaddexp(cand_pb, cand_pnb), kind="stable")[:beam_width]
        prefixes = [candidates[k] for k in keep]
        pb, pnb = cand_pb[keep], cand_pnb[keep]
    return [(prefix, float(score)) for prefix, score in zip(prefixes, np.logaddexp(pb, pnb))]


def _beam(
    x: torch.Tensor, lengths: torch.Tensor, beam_width: int, top_paths: int, blank: int
) -> tuple[torch.Tensor, ...]:
    n, t, _ = x.shape
    logp = torch.log_softmax(x.detach().to(torch.float64), -1).cpu().numpy()
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
