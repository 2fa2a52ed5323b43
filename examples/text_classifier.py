"""Example 3: a sentence classifier, recurrent (Embedding + GRU/LSTM) and Transformer, on a generated corpus.

The corpus is made here, reproducibly: short reviews such as "the soup was
not very good" labelled positive or negative, where a "not" flips the
adjective's polarity, so word order matters. Ids are right-padded with 0;
the recurrent model masks the padding, the Transformer ignores it through
``key_padding_mask`` and a masked mean.

    DUALNET_BACKEND=torch python examples/text_classifier.py
    DUALNET_BACKEND=tensorflow python examples/text_classifier.py [--full] [--model gru|lstm|transformer]
"""

import argparse

import numpy as np

import dualnet as dn

NOUNS = ["soup", "film", "service", "room", "book", "song", "game", "hotel", "pizza", "show"]
POSITIVE = ["good", "great", "lovely", "superb", "pleasant", "fine"]
NEGATIVE = ["bad", "awful", "boring", "poor", "dull", "terrible"]
FILLERS = ["", "very", "really", "quite"]
VOCAB = ["<pad>", "the", "was", "not", *FILLERS[1:], *NOUNS, *POSITIVE, *NEGATIVE]
MAX_LEN = 7


def corpus(n, seed):
    """``(ids (n, MAX_LEN) int64, labels (n,) int64, sentences)``; label 1 is positive."""
    rng = np.random.default_rng(seed)
    index = {word: i for i, word in enumerate(VOCAB)}
    ids, labels, sentences = np.zeros((n, MAX_LEN), "int64"), np.zeros(n, "int64"), []
    for row in range(n):
        positive = rng.random() < 0.5
        negated = rng.random() < 0.5
        adjective = rng.choice(POSITIVE if positive else NEGATIVE)
        words = ["the", rng.choice(NOUNS), "was"] + (["not"] if negated else [])
        words += [w for w in [rng.choice(FILLERS)] if w] + [adjective]
        ids[row, : len(words)] = [index[w] for w in words]
        labels[row] = int(positive != negated)
        sentences.append(" ".join(words))
    return ids, labels, sentences


class RecurrentClassifier(dn.nn.Module):
    """ids ``(N, T)`` -> logits ``(N, 2)``: embedding, a masked GRU or LSTM, a linear layer."""

    def __init__(self, cell="gru", width=32):
        super().__init__()
        self.embed = dn.nn.Embedding(len(VOCAB), width, mask_zero=True)
        self.rnn = dn.nn.GRU(width) if cell == "gru" else dn.nn.LSTM(width)
        self.out = dn.nn.Dense(2)

    def forward(self, ids):
        return self.out(self.rnn(self.embed(ids), mask=self.embed.compute_mask(ids)))


class TransformerClassifier(dn.nn.Module):
    """ids ``(N, T)`` -> logits ``(N, 2)``: token + position embeddings, one encoder block, masked mean, linear."""

    def __init__(self, width=32, heads=4):
        super().__init__()
        self.embed = dn.nn.Embedding(len(VOCAB), width)
        self.position = dn.nn.Embedding(MAX_LEN, width)
        self.block = dn.nn.TransformerEncoderLayer(width, heads, dim_feedforward=2 * width, dropout=0.0)
        self.out = dn.nn.Dense(2)

    def forward(self, ids):
        ids = dn.ops.convert_to_tensor(ids)
        keep = dn.ops.not_equal(ids, 0)  # (N, T) True at words
        h = self.embed(ids) + self.position(dn.ops.arange(ids.shape[1]))
        h = self.block(h, key_padding_mask=dn.ops.logical_not(keep))
        weights = dn.ops.expand_dims(dn.ops.cast(keep, "float32"), -1)  # (N, T, 1)
        return self.out(dn.ops.sum(h * weights, axis=1) / dn.ops.sum(weights, axis=1))


def train(name, x_train, y_train, x_test, y_test, epochs):
    dn.seed(0)
    model = TransformerClassifier() if name == "transformer" else RecurrentClassifier(name)
    model.build(x_train[:1])
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=5e-3), "cross_entropy", metrics=["accuracy"])
    history = trainer.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    test = trainer.evaluate(x_test, y_test, batch_size=256)
    print(f"{name:>11}: train loss {history.history['loss'][-1]:.4f}, test accuracy {test['accuracy']:.4f}")
    return model, test["accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="more sentences and epochs")
    parser.add_argument(
        "--model", choices=["gru", "lstm", "transformer"], action="append", help="default: gru, transformer"
    )
    args = parser.parse_args()
    n, epochs = (4000, 20) if args.full else (800, 5)
    x_train, y_train, _ = corpus(n, seed=0)
    x_test, y_test, sentences = corpus(200, seed=1)
    results = {}
    for name in args.model or ["gru", "transformer"]:
        model, results[name] = train(name, x_train, y_train, x_test, y_test, epochs)
    with dn.no_grad():
        predicted = np.argmax(dn.ops.to_numpy(model(x_test[:3])), axis=-1)
    for sentence, label in zip(sentences[:3], predicted):
        print(f"  {sentence!r}: {'positive' if label else 'negative'}")
    figures = " ".join(f"{name}_test_accuracy={acc:.4f}" for name, acc in results.items())
    print(f"result example=text_classifier backend={dn.backend()} sentences={n} {figures}")


if __name__ == "__main__":
    main()
