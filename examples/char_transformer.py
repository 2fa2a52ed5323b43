"""Example 6: a small character-level Transformer language model that writes text after training.

Token and position embeddings, two causal ``TransformerEncoderLayer`` blocks
(pre-norm) and a linear read-out predict each next character of a short text
shipped in this script; ``dn.Trainer`` fits it with cross-entropy on every
position. Generation samples one character at a time (seeded, temperature 0.8).

    DUALNET_BACKEND=torch python examples/char_transformer.py
    DUALNET_BACKEND=tensorflow python examples/char_transformer.py [--full]
"""

import argparse

import numpy as np

import dualnet as dn

TEXT = """\
the cat sat on the mat and the dog sat on the log.
the cat saw the dog and the dog saw the cat.
a bird sang in the tree and the cat looked up at the bird.
the dog ran to the tree and the bird flew away over the hill.
the sun went down over the hill and the cat and the dog went home.
"""


class CharTransformer(dn.nn.Module):
    """ids ``(N, T)`` -> next-character logits ``(N, T, vocab)``; position i sees characters 0..i only."""

    def __init__(self, vocab, context, width=32, heads=4, depth=2):
        super().__init__()
        self.embed = dn.nn.Embedding(vocab, width)
        self.position = dn.nn.Embedding(context, width)
        self.blocks = [
            dn.nn.TransformerEncoderLayer(width, heads, dim_feedforward=4 * width, dropout=0.0, norm_first=True)
            for _ in range(depth)
        ]
        self.norm = dn.nn.LayerNorm()
        self.out = dn.nn.Dense(vocab)

    def forward(self, ids):
        ids = dn.ops.convert_to_tensor(ids)
        h = self.embed(ids) + self.position(dn.ops.arange(ids.shape[1]))
        for block in self.blocks:
            h = block(h, causal=True)
        return self.out(self.norm(h))


def generate(model, prompt, length, chars, index, context, seed=0):
    """``prompt`` followed by ``length`` sampled characters."""
    rng = np.random.default_rng(seed)
    ids = [index[c] for c in prompt]
    with dn.no_grad():
        for _ in range(length):
            window = np.asarray([ids[-context:]], dtype="int64")
            logits = np.asarray(dn.ops.to_numpy(model(window)))[0, -1] / 0.8
            p = np.exp(logits - logits.max())
            ids.append(int(rng.choice(len(chars), p=p / p.sum())))
    return "".join(chars[i] for i in ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 150 epochs instead of 30")
    args = parser.parse_args()
    chars = sorted(set(TEXT))
    index = {c: i for i, c in enumerate(chars)}
    encoded = np.asarray([index[c] for c in TEXT], dtype="int64")
    context = 24
    starts = np.arange(0, len(encoded) - context - 1)
    x = np.stack([encoded[s : s + context] for s in starts])  # (N, T)
    y = np.stack([encoded[s + 1 : s + context + 1] for s in starts])  # (N, T): the next characters

    dn.seed(0)
    model = CharTransformer(len(chars), context)
    model(x[:1])
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=3e-3), "cross_entropy")
    epochs = 150 if args.full else 30
    history = trainer.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    losses = history.history["loss"]
    print(
        f"{len(x)} windows of {context} characters, vocabulary {len(chars)}; loss {losses[0]:.3f} -> {losses[-1]:.3f}"
    )
    sample = generate(model, "the cat ", 60, chars, index, context)
    print(f"sample: {sample!r}")
    print(
        f"result example=char_transformer backend={dn.backend()} epochs={epochs} "
        f"first_loss={losses[0]:.4f} final_loss={losses[-1]:.4f} sample_chars={len(sample)}"
    )


if __name__ == "__main__":
    main()
