"""Example 8: a two-branch functional model (``dn.Input`` / ``dn.Model``) on the 8x8 digits, saved and reloaded.

One input is the image ``(8, 8, 1)`` for a small convolutional branch, the
other the same digit's 16 ink profiles (the sums of its 8 rows and 8 columns)
for a dense branch; ``Concatenate`` joins them before the classifier. The
script prints the summary (with its "Connected to" column), trains with
``dn.Trainer`` on the two inputs, takes a feature extractor from the graph
(``get_layer(...).output``), then ``dn.save`` / ``dn.load`` the model (the graph
is saved with the weights) and checks the reloaded model predicts the same.

    DUALNET_BACKEND=torch python examples/functional_api.py
    DUALNET_BACKEND=tensorflow python examples/functional_api.py [--full]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits

import dualnet as dn

nn = dn.nn


def data():
    """``((images, profiles), labels)`` for training and test: ``(N, 8, 8, 1)`` and ``(N, 16)``, int labels."""
    digits = load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    profiles = np.concatenate([images.sum(axis=1)[..., 0], images.sum(axis=2)[..., 0]], axis=1) / 8.0
    y = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(y))
    images, profiles, y = images[order], profiles[order].astype("float32"), y[order]
    return (images[:1437], profiles[:1437]), y[:1437], (images[1437:], profiles[1437:]), y[1437:]


def make_model():
    """``image (N, 8, 8, 1)``, ``profile (N, 16)`` -> logits ``(N, 10)``."""
    image, profile = dn.Input((8, 8, 1), name="image"), dn.Input((16,), name="profile")
    x = nn.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(image)
    x = nn.MaxPool2D(2, name="pool")(x)
    x = nn.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = nn.GlobalAvgPool2D(name="gap")(x)
    p = nn.Dense(32, activation="relu", name="profile_dense")(profile)
    joined = nn.Concatenate(name="join")([x, p])
    return dn.Model([image, profile], nn.Dense(10, name="classifier")(joined), name="two_branch")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 30 epochs instead of 6")
    args = parser.parse_args()
    epochs = 30 if args.full else 6
    x_train, y_train, x_test, y_test = data()
    dn.seed(0)
    model = make_model()
    model.summary()
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])
    history = trainer.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    test = trainer.evaluate(x_test, y_test, batch_size=128)
    for epoch, loss in enumerate(history.history["loss"]):
        print(f"epoch {epoch + 1:>2}: loss {loss:.4f}")

    features = dn.Model(model.input, model.get_layer("join").output)  # shares the trained layers
    feature_shape = tuple(dn.ops.shape(features(*x_test)))

    model.eval()
    expected = dn.ops.to_numpy(model(*x_test))
    path = dn.save(model, "two_branch.safetensors")
    reloaded = dn.load(path)  # the graph comes back from the file's config: no make_model() needed
    reloaded.eval()
    difference = float(np.abs(dn.ops.to_numpy(reloaded(*x_test)) - expected).max())
    with open("two_branch.dot", "w") as diagram:  # dot -Tpng two_branch.dot; or dn.utils.plot_model with pydot
        diagram.write(dn.utils.model_to_dot(model, show_shapes=True))
    print(
        f"result example=functional_api backend={dn.backend()} epochs={epochs} "
        f"train_loss={history.history['loss'][-1]:.4f} test_accuracy={test['accuracy']:.4f} "
        f"features={feature_shape[0]}x{feature_shape[1]} reload_max_difference={difference:.2e}"
    )


if __name__ == "__main__":
    main()
