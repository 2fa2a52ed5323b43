"""Example 7: native framework code inside a dualnet model, and a dualnet model as a native one.

On torch a ``torch.nn.Sequential(Linear, GELU)``, on TensorFlow a Keras
``Dense(activation="gelu")`` (a native module of the active backend) sits
between two dualnet layers through ``dn.nn.wrap``: its parameters are tracked,
the optimizer updates them and gradients flow through it. Then
``model.native()`` hands the whole model back as a real ``torch.nn.Module`` /
``tf.Module`` sharing the same variables.

    DUALNET_BACKEND=torch python examples/native_modules.py
    DUALNET_BACKEND=tensorflow python examples/native_modules.py [--full]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits

import dualnet as dn


def native_block(width):
    """A hidden layer written in the active backend's own framework: ``(N, width)`` -> ``(N, width)``."""
    if dn.backend() == "torch":
        import torch

        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.GELU())
    import keras

    keras.utils.set_random_seed(0)
    return keras.layers.Dense(width, activation="gelu")


class Hybrid(dn.nn.Module):
    """``(N, 64)`` -> logits ``(N, 10)``: dualnet Dense, the wrapped native block, dualnet Dense."""

    def __init__(self, width=32):
        super().__init__()
        self.inp = dn.nn.Dense(width, activation="relu")
        self.native_block = dn.nn.wrap(native_block(width))
        self.out = dn.nn.Dense(10)

    def forward(self, x):
        return self.out(self.native_block(self.inp(x)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 30 epochs instead of 5")
    args = parser.parse_args()
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(x))
    x_train, y_train, x_test, y_test = x[order][:1437], y[order][:1437], x[order][1437:], y[order][1437:]

    dn.seed(0)
    model = Hybrid()
    model.build(x_train[:1])
    native_names = [name for name, _ in model.named_parameters() if name.startswith("native_block.")]
    before = {name: np.array(dn.ops.to_numpy(p)) for name, p in model.named_parameters()}
    print(f"{type(model.native_block.wrapped).__name__} inside a dualnet model; its parameters: {native_names}")

    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=3e-3), "cross_entropy", metrics=["accuracy"])
    trainer.fit(x_train, y_train, epochs=30 if args.full else 5, batch_size=32, verbose=0)
    accuracy = trainer.evaluate(x_test, y_test)["accuracy"]
    moved = all(
        not np.array_equal(before[name], dn.ops.to_numpy(p))
        for name, p in model.named_parameters()
        if name in native_names
    )
    print(f"native parameters updated by the dualnet optimizer: {moved}")

    native = model.native()  # a torch.nn.Module / tf.Module over the same variables
    with dn.no_grad():
        ours = dn.ops.to_numpy(model(x_test))
    theirs = native(dn.ops.convert_to_tensor(x_test))
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    gap = float(np.max(np.abs(ours - theirs)))
    kind = "torch.nn.Module" if dn.backend() == "torch" else "tf.Module"
    print(f"model.native() is a {kind} ({type(native).__name__}); max |difference| from the model {gap:.2e}")
    print(
        f"result example=native_modules backend={dn.backend()} native_parameters={len(native_names)} "
        f"native_updated={'yes' if moved else 'no'} test_accuracy={accuracy:.4f} native_max_difference={gap:.2e}"
    )


if __name__ == "__main__":
    main()
