"""Example 1: the articles' regression net (6 -> 3 -> 1, ReLU, MSE, SGD lr 0.01), trained two ways.

First with ``dn.value_and_grad`` and an explicit loop, then with ``dn.Trainer``,
from the same initial weights (``dn.seed(0)``): both ways end at the same loss.

    DUALNET_BACKEND=torch python examples/regression_net.py
    DUALNET_BACKEND=tensorflow python examples/regression_net.py [--full]
"""

import argparse

import numpy as np

import dualnet as dn


class Net(dn.nn.Module):
    """Input ``(N, 6)`` -> output ``(N, 1)``."""

    def __init__(self):
        super().__init__()
        self.fc1 = dn.nn.Dense(3)  # input size inferred at the first call
        self.fc2 = dn.nn.Dense(1)

    def forward(self, x):
        return self.fc2(dn.ops.relu(self.fc1(x)))


def data(n):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 6)).astype("float32")
    w = rng.standard_normal((6, 1)).astype("float32")
    y = (np.maximum(x @ w, 0.0) * 0.5 + 0.05 * rng.standard_normal((n, 1))).astype("float32")
    return x, y


def fresh_model(x):
    dn.seed(0)
    model = Net()
    model.build(x[:1])  # builds the layers: sizes inferred from x, nothing else changes
    return model


def with_value_and_grad(x, y, epochs, batch_size):
    model = fresh_model(x)
    opt = dn.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = dn.losses.MeanSquaredError()
    step = dn.value_and_grad(lambda m, xb, yb: loss_fn(m(xb), yb))  # grads aligned with model.parameters()
    for _ in range(epochs):
        for i in range(0, len(x), batch_size):
            _, grads = step(model, x[i : i + batch_size], y[i : i + batch_size])
            opt.step(grads)
    return float(dn.ops.to_numpy(loss_fn(model(x), y)))


def with_trainer(x, y, epochs, batch_size):
    model = fresh_model(x)
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.01), "mse")
    trainer.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    return trainer.evaluate(x, y, batch_size=len(x))["loss"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="more data and epochs")
    args = parser.parse_args()
    n, epochs = (4096, 100) if args.full else (256, 20)
    x, y = data(n)
    initial = float(dn.ops.to_numpy(dn.losses.MeanSquaredError()(fresh_model(x)(x), y)))
    loop_loss = with_value_and_grad(x, y, epochs, batch_size=16)
    trainer_loss = with_trainer(x, y, epochs, batch_size=16)
    print(
        f"initial loss {initial:.6f}; after {epochs} epochs: value_and_grad {loop_loss:.6f}, Trainer {trainer_loss:.6f}"
    )
    print(
        f"result example=regression_net backend={dn.backend()} initial_loss={initial:.6f} "
        f"value_and_grad_loss={loop_loss:.6f} trainer_loss={trainer_loss:.6f}"
    )


if __name__ == "__main__":
    main()
