"""Example 4: a custom training loop with two losses and two optimizers, compiled with ``dn.function``.

An autoencoder (64 -> 16 -> 64) on the flattened 8x8 digits learns to
reconstruct them (MSE, Adam) while a linear classifier on its 16-number code
learns the digit (cross-entropy, SGD with momentum). One ``dn.value_and_grad``
call gives both losses and the gradients for both modules; the step is
compiled with ``dn.function`` (``tf.function`` on TensorFlow; eager on torch
unless ``jit=True``).

    DUALNET_BACKEND=torch python examples/custom_loop.py
    DUALNET_BACKEND=tensorflow python examples/custom_loop.py [--full]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits

import dualnet as dn


class AutoEncoder(dn.nn.Module):
    """``(N, 64)`` -> ``(code (N, 16), reconstruction (N, 64))``."""

    def __init__(self):
        super().__init__()
        self.encoder = dn.nn.Sequential([dn.nn.Dense(32, activation="relu"), dn.nn.Dense(16, activation="tanh")])
        self.decoder = dn.nn.Sequential([dn.nn.Dense(32, activation="relu"), dn.nn.Dense(64)])

    def forward(self, x):
        code = self.encoder(x)
        return code, self.decoder(code)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 60 epochs instead of 10")
    args = parser.parse_args()
    epochs, batch_size = (60 if args.full else 10), 64
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    x_train, y_train, x_test, y_test = x[:1437], y[:1437], x[1437:], y[1437:]

    dn.seed(0)
    autoencoder, head = AutoEncoder(), dn.nn.Dense(10)
    autoencoder.build((None, 64))  # builds without a forward in training mode: nothing else changes
    head.build((None, 16))
    ae_opt = dn.optim.Adam(autoencoder.parameters(), lr=3e-3)
    head_opt = dn.optim.SGD(head.parameters(), lr=0.1, momentum=0.9)
    mse, cross_entropy = dn.losses.MeanSquaredError(), dn.losses.get("cross_entropy")

    def losses(ae, clf, xb, yb):
        code, reconstruction = ae(xb)
        recon = mse(reconstruction, xb)
        ce = cross_entropy(clf(code), yb)
        return recon + ce, (recon, ce)

    grad_fn = dn.value_and_grad(losses, has_aux=True, wrt=(0, 1))

    @dn.function
    def train_step(xb, yb):
        (_, (recon, ce)), (ae_grads, head_grads) = grad_fn(autoencoder, head, xb, yb)
        ae_opt.step(ae_grads)
        head_opt.step(head_grads)
        return recon, ce

    for epoch in range(epochs):
        totals = np.zeros(2)
        batches = 0
        for i in range(0, len(x_train) - batch_size + 1, batch_size):  # full batches only: one trace
            recon, ce = train_step(x_train[i : i + batch_size], y_train[i : i + batch_size])
            totals += [float(dn.ops.to_numpy(recon)), float(dn.ops.to_numpy(ce))]
            batches += 1
        print(
            f"epoch {epoch + 1:>2}: reconstruction {totals[0] / batches:.4f}  cross-entropy {totals[1] / batches:.4f}"
        )

    with dn.no_grad():
        code, reconstruction = autoencoder(x_test)
        logits = dn.ops.to_numpy(head(code))
    test_mse = float(np.mean((dn.ops.to_numpy(reconstruction) - x_test) ** 2))
    accuracy = float(np.mean(np.argmax(logits, axis=-1) == y_test))
    print(
        f"result example=custom_loop backend={dn.backend()} epochs={epochs} "
        f"test_reconstruction_mse={test_mse:.4f} test_accuracy={accuracy:.4f}"
    )


if __name__ == "__main__":
    main()
