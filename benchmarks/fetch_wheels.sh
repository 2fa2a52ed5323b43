#!/usr/bin/env bash
# Fill .whl/ (ignored by git) with the wheels that benchmarks/device_check.sh installs on the GPU machine.
#
#   bash benchmarks/fetch_wheels.sh     # on the development machine, which reaches the package index
#
# The GPU machine has torch, numpy, safetensors, tqdm, onnx, onnxruntime, onnxscript and pytest but no
# keras: keras-torch needs keras and the two of its dependencies that image lacks (namex, and optree, a
# compiled wheel, fetched for CPython 3.12 on x86-64 Linux). Its other dependencies (absl-py, h5py, rich,
# ml-dtypes, packaging) are there. About 3 MB; the device tool carries it with carry: [".whl"].
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
mkdir -p .whl
"$PY" -m pip download -q --no-deps --only-binary=:all: -d .whl keras==3.15.1 namex==0.1.0
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .whl optree==0.20.0
ls -l .whl
