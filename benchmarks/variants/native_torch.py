"""Native PyTorch: ``torch.nn`` modules, ``zero_grad`` / ``backward`` / ``step``, NCHW for the CNN.

The ResNet (workload r) runs channels_last. ``native-torch`` runs eagerly; ``native-torch-compile`` wraps the module in
``torch.compile`` (the usual way: forward and backward compiled, the optimizer
step eager). bf16 workloads run the forward under ``torch.autocast(bfloat16)``,
PyTorch's own mixed precision. Model and batches are on the run's device.

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

from benchmarks.workloads import (
    BILSTM_UNITS,
    D_MODEL,
    EMBED,
    FFN,
    GPT_D,
    GPT_FFN,
    GPT_HEADS,
    GPT_LAYERS,
    GPT_SEQ,
    GPT_VOCAB,
    HEADS,
    LSTM_UNITS,
    VOCAB,
    Workload,
)


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
    if model == "bilstm":
        return _bilstm_classifier(w)
    if model == "e":
        return _transformer(w)
    if model == "f":
        return _decoder(w)
    if model == "r":
        return _resnet(w)
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


def _bilstm_classifier(w: dict[str, np.ndarray]) -> Any:
    import torch
    from torch import nn

    class BiLstmClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            features = w["0.forward_layer.kernel"].shape[0]
            self.lstm = nn.LSTM(features, BILSTM_UNITS, batch_first=True, bidirectional=True)
            self.head = nn.Linear(2 * BILSTM_UNITS, 10)

        def forward(self, x: Any) -> Any:
            _, (h, _) = self.lstm(x)  # h: (2, N, units), the forward then the backward final state
            return self.head(torch.cat([h[0], h[1]], dim=-1))

    net = BiLstmClassifier()
    for suffix, side in (("", "forward_layer"), ("_reverse", "backward_layer")):
        getattr(net.lstm, f"weight_ih_l0{suffix}").data.copy_(_t(w[f"0.{side}.kernel"].T))
        getattr(net.lstm, f"weight_hh_l0{suffix}").data.copy_(_t(w[f"0.{side}.recurrent_kernel"].T))
        getattr(net.lstm, f"bias_ih_l0{suffix}").data.copy_(_t(w[f"0.{side}.bias"]))
        second = getattr(net.lstm, f"bias_hh_l0{suffix}")
        second.data.zero_()
        second.requires_grad_(False)  # Keras's LSTM has one bias: a second trained one changes the run
    _dense(w, "1", net.head)
    return net


def _encoder_layer(w: dict[str, np.ndarray], p: str, layer: Any, d: int) -> None:
    """Copy dualnet's ``TransformerEncoderLayer`` weights under prefix ``p`` into torch's ``layer``."""
    a = f"{p}self_attn."
    proj = [w[f"{a}{n}_kernel"].reshape(d, d).T for n in ("query", "key", "value")]
    layer.self_attn.in_proj_weight.data.copy_(_t(np.concatenate(proj)))
    bias = [w[f"{a}{n}_bias"].reshape(-1) for n in ("query", "key", "value")]
    layer.self_attn.in_proj_bias.data.copy_(_t(np.concatenate(bias)))
    layer.self_attn.out_proj.weight.data.copy_(_t(w[f"{a}output_kernel"].reshape(d, d).T))
    layer.self_attn.out_proj.bias.data.copy_(_t(w[f"{a}output_bias"]))
    _dense(w, f"{p}linear1", layer.linear1)
    _dense(w, f"{p}linear2", layer.linear2)
    for i in (1, 2):
        norm = getattr(layer, f"norm{i}")
        norm.weight.data.copy_(_t(w[f"{p}norm{i}.gamma"]))
        norm.bias.data.copy_(_t(w[f"{p}norm{i}.beta"]))


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
    _encoder_layer(w, "0.", net.enc, D_MODEL)
    _dense(w, "2", net.head)
    return net


def _decoder(w: dict[str, np.ndarray]) -> Any:
    import torch
    from torch import nn

    class Decoder(nn.Module):
        """Token + position embeddings, pre-norm causal gelu blocks, LayerNorm, Linear head: (N, T) -> (N, T, V)."""

        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(GPT_VOCAB, GPT_D)
            self.pos = nn.Embedding(GPT_SEQ, GPT_D)
            self.blocks = nn.ModuleList(
                nn.TransformerEncoderLayer(
                    GPT_D, GPT_HEADS, GPT_FFN, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
                )
                for _ in range(GPT_LAYERS)
            )
            self.norm = nn.LayerNorm(GPT_D)
            self.head = nn.Linear(GPT_D, GPT_VOCAB)

        def forward(self, ids: Any) -> Any:
            t = ids.shape[1]
            h = self.tok(ids) + self.pos(torch.arange(t, device=ids.device))
            mask = nn.Transformer.generate_square_subsequent_mask(t, device=ids.device)
            for block in self.blocks:
                h = block(h, src_mask=mask, is_causal=True)
            return self.head(self.norm(h))

    net = Decoder()
    net.tok.weight.data.copy_(_t(w["tok.embeddings"]))
    net.pos.weight.data.copy_(_t(w["pos.embeddings"]))
    for i, block in enumerate(net.blocks):
        _encoder_layer(w, f"blocks.{i}.", block, GPT_D)
    net.norm.weight.data.copy_(_t(w["norm.gamma"]))
    net.norm.bias.data.copy_(_t(w["norm.beta"]))
    _dense(w, "head", net.head)
    return net


def _conv_bn(w: dict[str, np.ndarray], conv: str, bn: str, stride: int, same: bool) -> Any:
    """``conv`` (no bias) and BatchNorm ``bn`` of dualnet's ResNet as torch modules; ``same``: Keras's padding."""
    from torch import nn

    kernel = w[f"{conv}.kernel"]
    k, cin, cout = kernel.shape[0], kernel.shape[2], kernel.shape[3]
    layers: list[Any] = []
    if same and stride == 1:
        layers.append(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False))
    else:
        if same:  # TensorFlow's "same" for an even size and stride 2: 0 rows/columns before, 1 after
            layers.append(nn.ZeroPad2d((0, 1, 0, 1)))
        layers.append(nn.Conv2d(cin, cout, k, stride=stride, bias=False))
    layers[-1].weight.data.copy_(_t(kernel.transpose(3, 2, 0, 1)))
    norm = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)  # dualnet's momentum 0.9
    norm.weight.data.copy_(_t(w[f"{bn}.gamma"]))
    norm.bias.data.copy_(_t(w[f"{bn}.beta"]))
    norm.running_mean.copy_(_t(w[f"{bn}.moving_mean"]))
    norm.running_var.copy_(_t(w[f"{bn}.moving_variance"]))
    return nn.Sequential(*layers, norm)


def _resnet(w: dict[str, np.ndarray]) -> Any:
    """Workload r's ResNet (benchmarks/resnet.py) in torch.nn; the runner makes it and its input channels_last."""
    import torch
    from torch import nn

    from benchmarks.resnet import BLOCKS

    class Block(nn.Module):
        def __init__(self, p: str, stride: int, project: bool) -> None:
            super().__init__()
            self.branch1 = _conv_bn(w, f"{p}conv1", f"{p}bn1", stride, True)
            self.branch2 = _conv_bn(w, f"{p}conv2", f"{p}bn2", 1, True)
            self.proj = _conv_bn(w, f"{p}proj", f"{p}proj_bn", stride, False) if project else None

        def forward(self, x: Any) -> Any:
            h = self.branch2(torch.relu(self.branch1(x)))
            return torch.relu(h + (x if self.proj is None else self.proj(x)))

    class ResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = _conv_bn(w, "stem", "stem_bn", 1, True)
            self.blocks = nn.Sequential(
                *(Block(f"blocks.{i}.", s, f"blocks.{i}.proj.kernel" in w) for i, (_, s) in enumerate(BLOCKS))
            )
            self.head = nn.Linear(w["head.kernel"].shape[0], w["head.kernel"].shape[1])
            _dense(w, "head", self.head)

        def forward(self, x: Any) -> Any:
            return self.head(self.blocks(torch.relu(self.stem(x))).mean(dim=(2, 3)))

    return ResNet()


def optimizer(workload: Workload, params: Any) -> Any:
    import torch

    h = workload.hparams
    if workload.optimizer == "sgd":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"])
    if workload.optimizer == "adam":
        return torch.optim.Adam(params, lr=h["lr"], eps=h["eps"])
    return torch.optim.AdamW(params, lr=h["lr"], eps=h["eps"], weight_decay=h["weight_decay"])


def prepare(
    workload: Workload,
    weights: dict[str, np.ndarray],
    data: list[tuple[np.ndarray, np.ndarray]],
    jit: bool,
    device: str = "cpu",
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """A PyTorch step / forward on pre-made tensors on ``device``; ``jit``: ``torch.compile`` the module."""
    import contextlib

    import torch
    import torch.nn.functional as F

    net = build(workload.model, weights).to(device)
    # The ResNet runs channels_last, the layout PyTorch recommends for a CNN with BatchNorm (and dualnet's).
    layout = torch.channels_last if workload.model == "r" else torch.contiguous_format
    net = net.to(memory_format=layout)
    model = torch.compile(net) if jit else net
    nchw = workload.model in ("b", "r")
    tensors = [
        (_t(x.transpose(0, 3, 1, 2) if nchw else x).to(device, memory_format=layout), _t(y).to(device)) for x, y in data
    ]
    kind = torch.device(device).type

    def autocast() -> Any:
        if workload.precision == "bf16-mixed":
            return torch.autocast(kind, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    if workload.kind == "infer":
        net.eval()

        def forward(i: int) -> Any:
            with torch.no_grad(), autocast():
                return model(tensors[i % len(tensors)][0])

        return forward, lambda out: float(out.float().sum())
    opt = optimizer(workload, net.parameters())
    loss_fn = F.mse_loss if workload.loss == "mse" else F.cross_entropy

    def step(i: int) -> Any:
        x, y = tensors[i % len(tensors)]
        opt.zero_grad()
        with autocast():
            out = model(x)
        if workload.token_targets:  # (N, T, V) logits, (N, T) targets
            out, y = out.reshape(-1, out.shape[-1]), y.reshape(-1)
        loss = loss_fn(out.float(), y)
        loss.backward()
        opt.step()
        return loss

    return step, lambda loss: float(loss.detach())
