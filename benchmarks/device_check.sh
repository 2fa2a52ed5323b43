#!/usr/bin/env bash
# The CUDA proof in one bounded run: the cuda tests, then the CUDA benchmark; the log and the results in OUTDIR.
#
#   bash benchmarks/device_check.sh OUTDIR              # on a GPU machine (benchmarks/README.md has the call)
#   DEVICE=cpu bash benchmarks/device_check.sh OUTDIR   # the same steps on a CPU: a dry run of this script
#
# Steps, each bounded by timeout(1), 7 min 50 s at most in all (typically 5 to 7 minutes):
#   1. the machine: Python, torch, CUDA, the GPU                              (15 s + 10 s for nvidia-smi)
#   2. dualnet's dependencies, the carried wheels in .whl/ into $SITE         (10 s + 20 s)
#   3. pytest -m cuda tests/cuda, torch backend only                          (180 s)
#   4. python -m benchmarks --device cuda, bounded by --time-budget           (215 s + 20 s to write the report)
# DEVICE=cpu runs step 3 with DUALNET_CUDA_STAND_IN=cpu (the cuda tests' code on the CPU, GPU-only facts skipped)
# and step 4 on --device cpu with 2 steps; it checks that the wheels install for Python 3.12 without using them.
# BENCH_WORKLOADS and BENCH_JIT_WORKLOADS override the benchmark's workloads and those of its compiled variants.
#
# Writes OUTDIR/device_check.log (everything printed), OUTDIR/pytest-cuda.xml (JUnit) and the benchmark's
# OUTDIR/bench-*.json and .md. Exit status 0 when the tests passed and the benchmark wrote its report, else 1.
set -uo pipefail

OUT=${1:?usage: bash benchmarks/device_check.sh OUTDIR (DEVICE=cpu for a dry run on the CPU)}
DEVICE=${DEVICE:-cuda}
PY=${PYTHON:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SITE=${SITE:-/tmp/dualnet-site}

case "$DEVICE" in
cuda | cpu) ;;
*)
    echo "device_check.sh: DEVICE=$DEVICE: expected cuda (the default) or cpu" >&2
    exit 2
    ;;
esac

say() { echo "[device_check $(date -u +%H:%M:%S) +${SECONDS}s] $*"; }

machine() {
    say "step 1/4: the machine"
    timeout 15 "$PY" - <<'EOF'
import platform

print("python", platform.python_version(), platform.machine())
try:
    import torch
except ImportError as exc:
    raise SystemExit(f"torch is not importable: {exc}")
print("torch", torch.__version__, "| CUDA build", torch.version.cuda, "| cuda available", torch.cuda.is_available())
for i in range(torch.cuda.device_count()):
    props = torch.cuda.get_device_properties(i)
    print(f"cuda:{i}", props.name, f"{props.total_memory / 2**30:.0f} GiB", f"sm_{props.major}{props.minor}")
if torch.cuda.is_available():
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn.conv
    print("cudnn", torch.backends.cudnn.version(), "| fp32 precision: matmul",
          getattr(matmul, "fp32_precision", "?"), "conv", getattr(conv, "fp32_precision", "?"))
EOF
    local rc=$?
    if command -v nvidia-smi >/dev/null; then
        timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv
    fi
    return $rc
}

wheels() {
    say "step 2/4: dualnet's dependencies and the carried wheels"
    export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
    if ! timeout 10 "$PY" -c "import numpy, safetensors, tqdm"; then
        echo "dualnet needs numpy, safetensors and tqdm, and one is missing here: add its wheel to .whl/ (see"
        echo "benchmarks/fetch_wheels.sh) and carry .whl to this machine"
        return 1
    fi
    if ! ls "$ROOT"/.whl/*.whl >/dev/null 2>&1; then
        echo "NOTE: no wheels in $ROOT/.whl: nothing is installed from it; where keras is missing (the GPU machine),"
        echo "      keras-torch is reported 'unavailable'."
        echo "      To include it: on the development machine run 'bash benchmarks/fetch_wheels.sh' (it fills .whl/,"
        echo "      which git ignores), then call the device tool with carry: [\".whl\"]."
        return 0
    fi
    local install=("$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade)
    if [ "$DEVICE" = cpu ]; then
        # Dry run: the wheels must install for the GPU machine's Python 3.12; this machine keeps its own packages.
        local check
        check=$(mktemp -d)
        timeout 20 "${install[@]}" --target "$check" --python-version 3.12 --implementation cp --only-binary=:all: \
            --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 "$ROOT"/.whl/*.whl
        local rc=$?
        echo "wheels for Python 3.12: $(ls "$check" | grep -c dist-info) installable ($(ls "$ROOT"/.whl | tr '\n' ' '))"
        rm -rf "$check"
        return $rc
    fi
    if ! timeout 20 "${install[@]}" --target "$SITE" "$ROOT"/.whl/*.whl; then
        # The GPU run is scarce: go on without them (only keras-torch needs them).
        echo "NOTE: the wheels in .whl did not install (above); going on without them: keras-torch may be 'unavailable'"
        return 0
    fi
    export PYTHONPATH="$SITE:$PYTHONPATH"
    echo "installed into $SITE: $(ls "$ROOT"/.whl | tr '\n' ' ')"
}

tests() {
    say "step 3/4: pytest -m cuda tests/cuda (device $DEVICE)"
    local settings=(DUALNET_REQUIRE_BACKENDS=torch)
    if [ "$DEVICE" = cuda ]; then
        settings+=(DUALNET_REQUIRE_CUDA=1)  # no GPU visible: fail, never a run of skips
    else
        settings+=(DUALNET_CUDA_STAND_IN=cpu)
    fi
    local per_test=()
    if timeout 10 "$PY" -c "import pytest_timeout" 2>/dev/null; then
        per_test=(--timeout 150)  # one hung test fails alone instead of taking the whole step
    fi
    env -u DUALNET_BACKEND -u DUALNET_DEVICE "${settings[@]}" timeout 180 "$PY" -m pytest -m cuda tests/cuda \
        -p no:cacheprovider -v -rfEs --durations=8 --junitxml "$OUT/pytest-cuda.xml" "${per_test[@]}"
}

bench() {
    local workloads jit steps repeats warmup budget child
    if [ "$DEVICE" = cuda ]; then
        workloads=${BENCH_WORKLOADS:-f,a,b,c,d,e}
        jit=${BENCH_JIT_WORKLOADS:-f,b}
        steps=20 repeats=3 warmup=5 budget=215 child=100
    else
        workloads=${BENCH_WORKLOADS:-c,a-infer}
        jit=${BENCH_JIT_WORKLOADS:-}
        steps=2 repeats=1 warmup=1 budget=150 child=120
    fi
    say "step 4/4: python -m benchmarks --device $DEVICE (workloads $workloads; compiled variants on '${jit}')"
    env -u DUALNET_BACKEND -u DUALNET_DEVICE timeout $((budget + 20)) "$PY" -m benchmarks --device "$DEVICE" \
        --workloads "$workloads" --jit-workloads "$jit" \
        --variants native-torch,dualnet-torch,keras-torch,native-torch-compile,dualnet-torch-jit \
        --steps $steps --repeats $repeats --warmup $warmup --rounds 1 --threads 4 \
        --timeout $child --time-budget $budget --no-import-time --out "$OUT" \
        --note "benchmarks/device_check.sh: one process per pair, $steps steps x $repeats after $warmup warm-up"
    local rc=$?
    if ! ls "$OUT"/bench-*.json >/dev/null 2>&1; then
        echo "the benchmark wrote no report (exit code $rc)"
        return 1
    fi
    return $rc
}

main() {
    cd "$ROOT" || return 1
    export PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
    say "dualnet device check on $DEVICE, output in $OUT"
    machine || say "step 1 failed (exit code $?): the machine report above is incomplete"
    wheels || {
        say "step 2 failed: stopping"
        return 1
    }
    tests
    local tests_rc=$?
    bench
    local bench_rc=$?
    say "done: tests exit code $tests_rc, benchmark exit code $bench_rc; results in $OUT"
    [ $tests_rc -eq 0 ] && [ $bench_rc -eq 0 ]
}

mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
main 2>&1 | tee "$OUT/device_check.log"
exit "${PIPESTATUS[0]}"
