"""The benchmark workloads: shapes, data, hyperparameters and the dualnet model of each.

Framework-free (NumPy and, lazily, dualnet): every variant builds its own model
from the same description and starts from the same initial weights, the
``state_dict()`` of :func:`dualnet_model` (NumPy-initialised, identical on both
backends). Data are a small pool of fixed random batches, made before timing and
cycled through, so data loading is excluded for every variant.

Workloads (train: one optimizer step per "step"; infer: one forward at batch 1). The batch sizes
below are the CPU ones; on CUDA the training workloads run at :attr:`Workload.cuda_batch`
(realistic GPU batches), and ``--batch-scale`` multiplies either:

- ``a``: MLP 784-512-512-10 (relu), batch 128, SGD(lr 0.01, momentum 0.9), softmax cross-entropy.
- ``b``: CNN on (28, 28, 1): conv3x3x32-relu-maxpool2-conv3x3x64-relu-maxpool2-flatten-dense128(relu)-dense10,
  valid padding, batch 64, Adam(lr 1e-3, eps 1e-7), softmax cross-entropy.
- ``c``: MLP 32-64(relu)-1, batch 32, SGD(lr 0.01), mean squared error (overhead-bound).
- ``d``: Embedding(1000, 64) + LSTM(128) + Dense(2) on int sequences of length 50, batch 32, Adam, cross-entropy.
- ``e``: one post-norm Transformer encoder layer (d_model 128, 4 heads, feed-forward 512, dropout 0) on (16, 64, 128)
  inputs, mean over the sequence, Dense(10); AdamW(lr 1e-3, eps 1e-7, weight decay 0.01), cross-entropy.
- ``f``: a GPT-style decoder: token + position embeddings, 4 pre-norm causal Transformer layers (d_model 512,
  8 heads, feed-forward 2048, gelu, dropout 0), LayerNorm, Dense to a vocabulary of 8192, next-token
  cross-entropy on sequences of 256; bf16 mixed precision, AdamW; batch 2 on CPU, 32 on CUDA.
- ``r``: a small ResNet-style CNN with BatchNorm on (32, 32, 3) (``benchmarks/resnet.py``: stem conv16-BN-ReLU,
  basic blocks at 16, strided to 32, at 32; global average pool, Dense 10), batch 64 (CUDA 256),
  SGD(lr 0.01, momentum 0.9), cross-entropy; BatchNorm in training mode (batch statistics, moving updates).
- ``bilstm``: Bidirectional(LSTM(64)) (concat) + Dense(10) on float sequences (32, 16), batch 32, Adam, cross-entropy.
- ``a-infer`` / ``b-infer``: the models of ``a`` / ``b`` in eval mode, one forward of a batch of 1, no gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

POOL = 4  # distinct batches per workload, cycled through by the timing loop


@dataclass(frozen=True)
class Workload:
    """One benchmark: ``model`` names the architecture (``a`` .. ``f``, ``bilstm``), for a train and an infer run."""

    key: str
    model: str
    kind: str  # "train" or "infer"
    batch: int
    input_shape: tuple[int, ...]  # per example
    input_dtype: str
    loss: str  # "cross_entropy" (from logits, int targets) or "mse"
    classes: int  # logits per example (1 for mse)
    optimizer: str  # "sgd", "adam" or "adamw"
    hparams: dict[str, float] = field(default_factory=dict)
    description: str = ""
    cuda_batch: int | None = None  # the batch on CUDA (None: the CPU batch)
    precision: str = "float32"  # or "bf16-mixed": float32 weights, bfloat16 compute
    token_targets: bool = False  # targets (N, T): one class per input position (next-token prediction)


SGD_MOMENTUM = {"lr": 0.01, "momentum": 0.9}
ADAM = {"lr": 1e-3, "eps": 1e-7}
ADAMW = {"lr": 1e-3, "eps": 1e-7, "weight_decay": 0.01}

WORKLOADS: dict[str, Workload] = {
    w.key: w
    for w in (
        Workload(
            "a",
            "a",
            "train",
            128,
            (784,),
            "float32",
            "cross_entropy",
            10,
            "sgd",
            SGD_MOMENTUM,
            "MLP 784-512-512-10, batch 128 (CUDA 256), SGD momentum 0.9",
            cuda_batch=256,
        ),
        Workload(
            "b",
            "b",
            "train",
            64,
            (28, 28, 1),
            "float32",
            "cross_entropy",
            10,
            "adam",
            ADAM,
            "CNN 28x28x1 conv32-pool-conv64-pool-dense128-dense10, batch 64 (CUDA 256), Adam",
            cuda_batch=256,
        ),
        Workload(
            "c",
            "c",
            "train",
            32,
            (32,),
            "float32",
            "mse",
            1,
            "sgd",
            {"lr": 0.01, "momentum": 0.0},
            "tiny MLP 32-64-1, batch 32, SGD, MSE",
        ),
        Workload(
            "d",
            "d",
            "train",
            32,
            (50,),
            "int64",
            "cross_entropy",
            2,
            "adam",
            ADAM,
            "Embedding(1000,64) + LSTM(128) + Dense(2), length 50, batch 32 (CUDA 256), Adam",
            cuda_batch=256,
        ),
        Workload(
            "e",
            "e",
            "train",
            16,
            (64, 128),
            "float32",
            "cross_entropy",
            10,
            "adamw",
            ADAMW,
            "Transformer encoder layer d128 h4 ff512, seq 64, batch 16 (CUDA 128), AdamW",
            cuda_batch=128,
        ),
        Workload(
            "f",
            "f",
            "train",
            2,
            (256,),
            "int64",
            "cross_entropy",
            8192,
            "adamw",
            {"lr": 3e-4, "eps": 1e-7, "weight_decay": 0.01},
            "GPT-style decoder 4 layers d512 h8 ff2048, seq 256, vocab 8192, bf16-mixed, batch 2 (CUDA 32), AdamW",
            cuda_batch=32,
            precision="bf16-mixed",
            token_targets=True,
        ),
        Workload(
            "r",
            "r",
            "train",
            64,
            (32, 32, 3),
            "float32",
            "cross_entropy",
            10,
            "sgd",
            SGD_MOMENTUM,
            "ResNet-style CNN 32x32x3, BatchNorm, blocks 16-16-32(s2)-32, batch 64 (CUDA 256), SGD momentum 0.9",
            cuda_batch=256,
        ),
        Workload(
            "bilstm",
            "bilstm",
            "train",
            32,
            (32, 16),
            "float32",
            "cross_entropy",
            10,
            "adam",
            ADAM,
            "Bidirectional(LSTM(64)) + Dense(10), sequences (32, 16), batch 32 (CUDA 256), Adam",
            cuda_batch=256,
        ),
        Workload(
            "a-infer",
            "a",
            "infer",
            1,
            (784,),
            "float32",
            "cross_entropy",
            10,
            "sgd",
            SGD_MOMENTUM,
            "inference latency of (a), batch 1",
        ),
        Workload(
            "b-infer",
            "b",
            "infer",
            1,
            (28, 28, 1),
            "float32",
            "cross_entropy",
            10,
            "adam",
            ADAM,
            "inference latency of (b), batch 1",
        ),
    )
}

VOCAB = 1000
EMBED = 64
LSTM_UNITS = 128
BILSTM_UNITS = 64  # workload bilstm: per direction
D_MODEL, HEADS, FFN = 128, 4, 512
# workload f, the GPT-style decoder
GPT_VOCAB, GPT_SEQ, GPT_LAYERS, GPT_D, GPT_HEADS, GPT_FFN = 8192, 256, 4, 512, 8, 2048


def batch_size(workload: Workload, device: str = "cpu", scale: float = 1.0) -> int:
    """The batch of ``workload`` on ``device``: :attr:`Workload.cuda_batch` on CUDA, times ``scale`` (at least 1).

    Inference workloads measure batch-1 latency and keep their batch of 1.
    """
    if workload.kind == "infer":
        return workload.batch
    base = workload.cuda_batch if device.startswith("cuda") and workload.cuda_batch else workload.batch
    return max(1, round(base * scale))


def batches(workload: Workload, batch: int | None = None, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``POOL`` fixed ``(x, y)`` NumPy batches of ``batch`` rows (default ``workload.batch``).

    Inputs of ``input_shape``; targets int64 classes ``(N,)`` (``(N, T)`` with ``token_targets``) or float32 ``(N, 1)``.
    """
    rng = np.random.default_rng([seed, *map(ord, workload.model)])  # one-letter models: as before
    n = workload.batch if batch is None else batch
    vocab = GPT_VOCAB if workload.token_targets else VOCAB
    out = []
    for _ in range(POOL):
        shape = (n, *workload.input_shape)
        if workload.input_dtype == "int64":
            x = rng.integers(0, vocab, shape).astype("int64")
        else:
            x = rng.standard_normal(shape).astype("float32")
        if workload.loss == "mse":
            y = rng.standard_normal((n, 1)).astype("float32")
        elif workload.token_targets:
            y = rng.integers(0, workload.classes, shape).astype("int64")
        else:
            y = rng.integers(0, workload.classes, (n,)).astype("int64")
        out.append((x, y))
    return out


def dualnet_model(model: str, form: str = "sequential") -> Any:
    """The dualnet model of architecture ``model`` on the active backend, built (weights made) with ``dn.seed(0)``.

    ``form`` is how the same layers are put together: ``"sequential"`` (``dn.nn.Sequential``, the default),
    ``"functional"`` (``dn.Input`` / ``dn.Model``) or ``"subclass"`` (a ``Module`` whose ``forward`` calls each
    layer in turn). Their parameters are the same tensors in the same order under other names, so a weights dict
    loads by position (:func:`load_by_position`). ``f`` (the decoder, a subclass) has the sequential form only.
    """
    import dualnet as dn

    dn.seed(0)
    if model == "f":
        if form != "sequential":
            raise NotImplementedError(f"workload f (the decoder) has no {form} form")
        from benchmarks.decoder import Decoder

        net: Any = Decoder(GPT_VOCAB, GPT_SEQ, GPT_LAYERS, GPT_D, GPT_HEADS, GPT_FFN)
    elif model == "r":
        if form != "sequential":
            raise NotImplementedError(f"workload r (the ResNet) has no {form} form")
        from benchmarks.resnet import ResNet

        net = ResNet()
    else:
        layers = _layers(model)
        workload = WORKLOADS[model]
        if form == "sequential":
            net = dn.nn.Sequential(layers)
        elif form == "functional":
            x = y = dn.Input(workload.input_shape, dtype=workload.input_dtype)
            for layer in layers:
                y = layer(y)
            net = dn.Model(x, y)
        elif form == "subclass":
            from benchmarks.forms import Chain

            net = Chain(layers)
        else:
            raise KeyError(f"unknown form {form!r}; expected sequential, functional or subclass")
    net(batches(WORKLOADS[model])[0][0][:2])
    return net


def _layers(model: str) -> list[Any]:
    """The layers of architecture ``model`` (``a`` .. ``e``, ``bilstm``), in order."""
    import dualnet as dn

    nn = dn.nn
    if model == "a":
        return [nn.Dense(512, "relu"), nn.Dense(512, "relu"), nn.Dense(10)]
    if model == "b":
        return [
            nn.Conv2D(32, 3, activation="relu"),
            nn.MaxPool2D(2),
            nn.Conv2D(64, 3, activation="relu"),
            nn.MaxPool2D(2),
            nn.Flatten(),
            nn.Dense(128, "relu"),
            nn.Dense(10),
        ]
    if model == "c":
        return [nn.Dense(64, "relu"), nn.Dense(1)]
    if model == "d":
        return [nn.Embedding(VOCAB, EMBED), nn.LSTM(LSTM_UNITS), nn.Dense(2)]
    if model == "e":
        return [nn.TransformerEncoderLayer(D_MODEL, HEADS, FFN, dropout=0.0), nn.GlobalAvgPool1D(), nn.Dense(10)]
    if model == "bilstm":
        return [nn.Bidirectional(nn.LSTM(BILSTM_UNITS)), nn.Dense(10)]
    raise KeyError(f"unknown model {model!r}; expected one of a, b, c, d, e, f, bilstm")


def load_by_position(net: Any, weights: dict[str, np.ndarray]) -> None:
    """Load ``weights`` (the sequential form's state) into ``net`` of any form: same tensors, other names."""
    names = list(net.state_dict())
    shapes = [tuple(v.shape) for v in net.state_dict().values()]
    if len(names) != len(weights) or shapes != [tuple(v.shape) for v in weights.values()]:
        raise ValueError(f"{len(weights)} weights do not line up with the model's {len(names)} tensors")
    net.load_state_dict(dict(zip(names, weights.values())))


def initial_weights(model: str) -> dict[str, np.ndarray]:
    """The dualnet model's initial ``state_dict()``: the starting point of every variant."""
    return dict(dualnet_model(model).state_dict())
