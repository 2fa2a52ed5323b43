"""Native PyTorch eager: ``torch.nn`` modules, ``zero_grad`` / ``backward`` / ``step``, NCHW for the CNN.

Initial weights are dualnet's ``state_dict()`` converted to PyTorch layouts:
Dense kernels transposed, conv kernels HWIO -> OIHW, the CNN's first dense
kernel's rows permuted from dualnet's NHWC flatten order to NCHW's, LSTM
weights transposed (gate order i, f, c/g, o is the same), attention
projections packed into ``in_proj_weight``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workloads import D_MODEL, EMBED, FFN, HEADS, LSTM_UNITS, VOCAB, Workload


def _t(a: np.ndarray) -> Any:
    import torch

    return torch.from_numpy(np.ascontiguousarray(a))


def _dense(w: dict[str, np.ndarray], prefix: str, layer: Any) -> None:
    layer.weight.data.copy_(_t(w[f"{prefix}.kernel"].T))
    layer.bias.data.copy_(_t(w[f"{prefix}.bias"]))


def build(model: str, w: dict[str, np.ndarray]) -> Any:
    """The ``torch.nn.Module`` of architecture ``model`` holding the weights ``w`` (dualnet names and layouts)."""
    from torch import nn

    if model in ("a", "c"):
        sizes = [784, 512, 512, 10] if model == "a" else [32, 64, 1]
        layers: list[Any] = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            _dense(w, str(i), layers[-1])
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)
    if model == "b":
        net = nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1600, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )
        for src, dst in (("0", 0), ("2", 3)):
            net[dst].weight.data.copy_(_t(w[f"{src}.kernel"].transpose(3, 2, 0, 1)))
            net[dst].bias.data.copy_(_t(w[f"{src}.bias"]))
        kernel = w["5.kernel"].reshape(5, 5, 64, 128).transpose(2, 0, 1, 3).reshape(1600, 128)
        net[7].weight.data.copy_(_t(kernel.T))
        net[7].bias.data.copy_(_t(w["5.bias"]))
        _dense(w, "6", net[9])
        return net
    if model == "d":
        return _lstm_classifier(w)
    if model == "e":
        return _transformer(w)
    raise KeyError(model)


def _lstm_classifier(w: dict[str, np.ndarray]) -> Any:
    from torch import nn

    class LstmClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, LSTM_UNITS, batch_first=True)
            self.head = nn.Linear(LSTM_UNITS, 2)

        def forward(self, x: Any) -> Any:
            _, (h, _) = self.lstm(self.embedding(x))
            return self.head(h[-1])

    net = LstmClassifier()
    net.embedding.weight.data.copy_(_t(w["0.embeddings"]))
    net.lstm.weight_ih_l0.data.copy_(_t(w["1.kernel"].T))
    net.lstm.weight_hh_l0.data.copy_(_t(w["1.recurrent_kernel"].T))
    net.lstm.bias_ih_l0.data.copy_(_t(w["1.bias"]))
    net.lstm.bias_hh_l0.data.zero_()
    net.lstm.bias_hh_l0.requires_grad_(False)  # Keras's LSTM has one bias: a second trained one changes the run
    _dense(w, "2", net.head)
    return net


def _transformer(w: dict[str, np.ndarray]) -> Any:
    from torch import nn

    class Transformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = nn.TransformerEncoderLayer(D_MODEL, HEADS, FFN, dropout=0.0, batch_first=True)
            self.head = nn.Linear(D_MODEL, 10)

        def forward(self, x: Any) -> Any:
            return self.head(self.enc(x).mean(dim=1))

    net = Transformer()
    a = "0.self_attn."
    proj = [w[f"{a}{n}_kernel"].reshape(D_MODEL, D_MODEL).T for n in ("query", "key", "value")]
    net.enc.self_attn.in_proj_weight.data.copy_(_t(np.concatenate(proj)))
    bias = [w[f"{a}{n}_bias"].reshape(-1) for n in ("query", "key", "value")]
    net.enc.self_attn.in_proj_bias.data.copy_(_t(np.concatenate(bias)))
    net.enc.self_attn.out_proj.weight.data.copy_(_t(w[f"{a}output_kernel"].reshape(D_MODEL, D_MODEL).T))
    net.enc.self_attn.out_proj.bias.data.copy_(_t(w[f"{a}output_bias"]))
    _dense(w, "0.linear1", net.enc.linear1)
    _dense(w, "0.linear2", net.enc.linear2)
    for i in (1, 2):
        norm = getattr(net.enc, f"norm{i}")
        norm.weight.data.copy_(_t(w[f"0.norm{i}.gamma"]))
        norm.bias.data.copy_(_t(w[f"0.norm{i}.beta"]))
    _dense(w, "2", net.head)
    return net


def optimizer(workload: Workload, params: Any) -> Any:
    import torch

    h = workload.hparams
    if workload.optimizer == "sgd":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"])
    if workload.optimizer == "adam":
        return torch.optim.Adam(params, lr=h["lr"], eps=h["eps"])
    return torch.optim.AdamW(params, lr=h["lr"], eps=h["eps"], weight_decay=h["weight_decay"])


def prepare(
    workload: Workload, weights: dict[str, np.ndarray], data: list[tuple[np.ndarray, np.ndarray]], jit: bool
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """Eager PyTorch step / forward on pre-made tensors (see :mod:`benchmarks.variants`)."""
    import torch
    import torch.nn.functional as F

    net = build(workload.model, weights)
    nchw = workload.model == "b"
    tensors = [(_t(x.transpose(0, 3, 1, 2) if nchw else x), _t(y)) for x, y in data]
    if workload.kind == "infer":
        net.eval()

        def forward(i: int) -> Any:
            with torch.no_grad():
                return net(tensors[i % len(tensors)][0])

        return forward, lambda out: float(out.sum())
    opt = optimizer(workload, net.parameters())
    loss_fn = F.mse_loss if workload.loss == "mse" else F.cross_entropy

    def step(i: int) -> Any:
        x, y = tensors[i % len(tensors)]
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss

    return step, lambda loss: float(loss.detach())
