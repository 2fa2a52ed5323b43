"""Example 9: a small GAN on 2-D points, trained by ``dn.Trainer(step_fn=...)`` with two optimizers.

The real data are points on a ring of radius 2 (a little noise across it).
The generator maps latent vectors ``(N, 8)`` to points ``(N, 2)``; the
discriminator maps points to one logit. Each batch the step first updates the
discriminator (real points labelled 1, generated ones 0, the generator held
fixed with ``dn.stop_gradient``), then the generator (its points labelled 1
through the discriminator), each with its own Adam. Both are functional
models (``dn.Input`` / ``dn.Model``). The figures compare the generated
points' mean radius with the ring's, before and after training.

    DUALNET_BACKEND=torch python examples/gan.py
    DUALNET_BACKEND=tensorflow python examples/gan.py [--full]
"""

import argparse

import numpy as np

import dualnet as dn

nn = dn.nn
LATENT, RADIUS = 8, 2.0


def ring(n, rng):
    """``n`` points ``(n, 2)`` near the circle of radius ``RADIUS``."""
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = RADIUS + 0.05 * rng.standard_normal(n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype("float32")


def mlp(inputs, outputs, name):
    """A functional ``(N, inputs)`` -> ``(N, outputs)`` MLP with two hidden layers of 32."""
    x = dn.Input((inputs,), name=f"{name}_in")
    h = nn.Dense(32, activation="relu", name=f"{name}_1")(x)
    h = nn.Dense(32, activation="relu", name=f"{name}_2")(h)
    return dn.Model(x, nn.Dense(outputs, name=f"{name}_out")(h), name=name)


class Gan(nn.Module):
    """The generator and the discriminator; calling it generates: latent ``(N, 8)`` -> points ``(N, 2)``."""

    def __init__(self):
        super().__init__()
        self.generator = mlp(LATENT, 2, "generator")
        self.discriminator = mlp(2, 1, "discriminator")

    def forward(self, z):
        return self.generator(z)


def make_step(gan):
    """The custom train step: one discriminator update, then one generator update, each with its Adam."""
    d_opt = dn.optim.Adam(gan.discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    g_opt = dn.optim.Adam(gan.generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    bce = dn.losses.BinaryCrossEntropy(from_logits=True)

    def step(trainer, batch):
        real, z = batch
        model = trainer.model

        def d_loss(disc):
            fake = dn.stop_gradient(model.generator(z))
            real_logits, fake_logits = disc(real), disc(fake)
            return bce(real_logits, dn.ops.ones_like(real_logits)) + bce(fake_logits, dn.ops.zeros_like(fake_logits))

        d_value, d_grads = dn.value_and_grad(d_loss)(model.discriminator)
        d_opt.step(d_grads)

        def g_loss(gen):
            logits = model.discriminator(gen(z))
            return bce(logits, dn.ops.ones_like(logits))

        g_value, g_grads = dn.value_and_grad(g_loss)(model.generator)
        g_opt.step(g_grads)
        return {"d_loss": d_value, "g_loss": g_value}

    return step


def radius_error(gan, z):
    """Mean ``| |point| - RADIUS |`` of the points generated from ``z``."""
    points = dn.ops.to_numpy(gan(z))
    return float(np.abs(np.linalg.norm(points, axis=1) - RADIUS).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 60 epochs instead of 30")
    args = parser.parse_args()
    epochs = 60 if args.full else 30
    rng = np.random.default_rng(0)
    real = ring(2048, rng)
    z = rng.standard_normal((2048, LATENT)).astype("float32")
    z_eval = rng.standard_normal((512, LATENT)).astype("float32")
    dn.seed(0)
    gan = Gan()
    before = radius_error(gan, z_eval)
    trainer = dn.Trainer(gan, step_fn=make_step(gan))
    history = trainer.fit((real, z), epochs=epochs, batch_size=128, verbose=0)
    after = radius_error(gan, z_eval)
    for epoch, (d, g) in enumerate(zip(history.history["d_loss"], history.history["g_loss"])):
        print(f"epoch {epoch + 1:>2}: discriminator loss {d:.4f}  generator loss {g:.4f}")
    print(
        f"result example=gan backend={dn.backend()} epochs={epochs} d_loss={history.history['d_loss'][-1]:.4f} "
        f"g_loss={history.history['g_loss'][-1]:.4f} radius_error_before={before:.4f} radius_error_after={after:.4f}"
    )


if __name__ == "__main__":
    main()
