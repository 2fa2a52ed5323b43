"""Example 5: research in PyTorch, deploy in TensorFlow.

Two stages, as two scripts of a real team would be, each in its own process:

1. ``--stage train`` (on the backend you launch with, PyTorch in the usual
   story): train an MLP on the 8x8 digits, ``dn.save`` it and record its
   predictions on the test images.
2. ``--stage deploy`` (always on TensorFlow): ``dn.load`` the file, check its
   predictions equal the trainer's, export a SavedModel and a TFLite
   flatbuffer, run both artifacts and check they predict the same.

Without ``--stage`` the script runs stage 1 here and stage 2 in a TensorFlow
subprocess. Files go to ``--out`` (default: a temporary folder).

    DUALNET_BACKEND=torch python examples/torch_to_tensorflow.py
    DUALNET_BACKEND=tensorflow python examples/torch_to_tensorflow.py [--full]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

import dualnet as dn

TOLERANCE = 1e-5


def data():
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(x))
    return x[order][:1437], y[order][:1437], x[order][1437:], y[order][1437:]


def train(out, epochs):
    """Stage 1: train, save the model and the reference predictions (logits on the test images)."""
    x_train, y_train, x_test, y_test = data()
    dn.seed(0)
    model = dn.nn.Sequential([dn.nn.Dense(64, activation="relu"), dn.nn.Dense(10)])
    model.build(x_train[:1])
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=3e-3), "cross_entropy", metrics=["accuracy"])
    trainer.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    accuracy = trainer.evaluate(x_test, y_test)["accuracy"]
    dn.save(model, out / "digits_mlp.safetensors")
    np.save(out / "reference_logits.npy", np.asarray(trainer.predict(x_test)), allow_pickle=False)
    print(f"[train on {dn.backend()}] test accuracy {accuracy:.4f}; saved {out / 'digits_mlp.safetensors'}")
    return accuracy


def run_tflite(path, x):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # the TF Lite interpreter that ships with TensorFlow
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=str(path))
    index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(index, x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(index, x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def deploy(out):
    """Stage 2, on TensorFlow: load, compare, export SavedModel and TFLite, run them, compare again."""
    import tensorflow as tf

    dn.set_backend("tensorflow")
    _, _, x_test, y_test = data()
    reference = np.load(out / "reference_logits.npy", allow_pickle=False)
    model = dn.load(out / "digits_mlp.safetensors")
    with dn.no_grad():
        loaded = dn.ops.to_numpy(model(x_test))
    dn.export.saved_model(model, x_test[:1], out / "saved_model")
    serving = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    from_saved_model = next(iter(serving(tf.constant(x_test)).values())).numpy()
    dn.export.tflite(model, x_test[:1], out / "digits.tflite")
    from_tflite = run_tflite(out / "digits.tflite", x_test)
    gaps = {
        "loaded": float(np.max(np.abs(loaded - reference))),
        "saved_model": float(np.max(np.abs(from_saved_model - reference))),
        "tflite": float(np.max(np.abs(from_tflite - reference))),
    }
    accuracy = float(np.mean(np.argmax(from_tflite, axis=-1) == y_test))
    for name, gap in gaps.items():
        print(f"[deploy on tensorflow] {name:>11}: max |logit difference| vs training {gap:.2e}")
    worst = max(gaps.values())
    print(
        f"result example=torch_to_tensorflow backend={os.environ.get('DUALNET_TRAINED_ON', dn.backend())} "
        f"deployed_on=tensorflow tflite_accuracy={accuracy:.4f} max_difference={worst:.2e} "
        f"match={'yes' if worst <= TOLERANCE else 'no'}"
    )
    return 0 if worst <= TOLERANCE else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train for 30 epochs instead of 5")
    parser.add_argument("--stage", choices=["train", "deploy"], help="run one stage only (default: both)")
    parser.add_argument("--out", help="folder for the saved model and exports (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(args.out or scratch)
        out.mkdir(parents=True, exist_ok=True)
        if args.stage in (None, "train"):
            train(out, 30 if args.full else 5)
        if args.stage == "deploy":
            return deploy(out)
        if args.stage is None:
            env = {**os.environ, "DUALNET_BACKEND": "tensorflow", "DUALNET_TRAINED_ON": dn.backend()}
            command = [sys.executable, __file__, "--stage", "deploy", "--out", str(out)]
            return subprocess.run(command, env=env).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
