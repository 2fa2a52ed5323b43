"""Control-flow ops: values against Python loops and NumPy (and Keras 3), gradients against finite differences,
the same results inside ``dn.function`` (jit off and on) and a Trainer's compiled step, and their errors.

Every test runs on both backends. Compiled functions are built once per backend and module (compiling is the
slow part), so one compiled function runs every op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from dualnet import tree
from dualnet.backend.dispatch import B
from tests.ops.nn_reference import numeric_grads

ops = dn.ops
RNG = np.random.default_rng(7)
X = RNG.normal(size=(5, 3)).astype(np.float32)


def _np(structure: Any) -> list[np.ndarray]:
    return [np.asarray(ops.to_numpy(leaf)) for leaf in tree.leaves(structure)]


def _close(got: Any, want: Any, tol: float = 1e-5) -> None:
    got_leaves, want_leaves = _np(got), [np.asarray(w) for w in tree.leaves(want)]
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


# ---------------------------------------------------------------- values, eagerly


def test_cond_picks_one_branch_and_keeps_structures(backend: str) -> None:
    x = ops.convert_to_tensor(X)
    out = ops.cond(ops.sum(x) > -100.0, lambda: {"a": x * 2.0, "b": (x, x + 1.0)}, lambda: {"a": x, "b": (x, x)})
    _close(out, {"a": X * 2, "b": (X, X + 1)})
    called: list[str] = []
    ops.cond(False, lambda: called.append("true"), lambda: called.append("false"))
    assert called == ["false"]


def test_while_loop_matches_keras_examples_and_python(backend: str) -> None:
    assert int(ops.to_numpy(ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0))) == 10
    x, y = ops.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y + 1), (0, 1))
    assert (int(ops.to_numpy(x)), int(ops.to_numpy(y))) == (10, 11)
    state = ops.while_loop(
        lambda s: s["n"] < 100, lambda s: {"n": s["n"] * 3, "v": s["v"] * 0.5}, {"n": 1, "v": ops.ones((2,))}
    )
    n, v = 1, np.ones(2)
    while n < 100:
        n, v = n * 3, v * 0.5
    _close(state, {"n": n, "v": v})
    capped = ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0, maximum_iterations=4)
    assert int(ops.to_numpy(capped)) == 4


def test_fori_loop_matches_a_python_loop(backend: str) -> None:
    out = ops.fori_loop(2, 6, lambda i, s: (s[0] + i, s[1] * 2.0), (0, ops.convert_to_tensor(X)))
    _close(out, (sum(range(2, 6)), X * 16))
    _close(ops.fori_loop(3, 3, lambda i, s: s + 1.0, ops.convert_to_tensor(X)), X)


def _scan_python(f: Callable[[Any, Any], Any], init: Any, xs: list[Any] | None, n: int, reverse: bool) -> Any:
    carry, ys = init, []
    for i in reversed(range(n)) if reverse else range(n):
        carry, y = f(carry, None if xs is None else xs[i])
        ys.append(y)
    return carry, (ys[::-1] if reverse else ys)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_matches_a_python_loop_over_nested_structures(backend: str, reverse: bool) -> None:
    xs = {"u": X, "w": X[:, :1] * 3}

    def step(c: Any, x: Any) -> Any:
        new = (c[0] + x["u"], c[1] * 0.5 + x["w"])
        return new, {"sum": new[0] * 1.0, "tail": new[1][0]}

    carry, ys = ops.scan(step, (np.zeros(3, np.float32), np.ones(1, np.float32)), xs, reverse=reverse)
    want_carry, want_ys = _scan_python(
        step, (np.zeros(3), np.ones(1)), [{"u": X[i], "w": xs["w"][i]} for i in range(5)], 5, reverse
    )
    _close(carry, want_carry)
    _close(ys, {"sum": np.stack([y["sum"] for y in want_ys]), "tail": np.stack([y["tail"] for y in want_ys])})


def test_scan_with_length_and_no_ys(backend: str) -> None:
    carry, ys = ops.scan(lambda c, x: (c * 2.0, c), ops.ones((2,)), length=4)
    _close((carry, ys), (np.full(2, 16.0), np.stack([np.full(2, 2.0**k) for k in range(4)])))
    carry, ys = ops.scan(lambda c, x: (c + x, None), ops.zeros((3,)), X)
    assert ys is None
    _close(carry, X.sum(0))


def _affine(a: Any, b: Any) -> Any:
    # (a1, b1) then (a2, b2): x -> a2 * (a1 * x + b1) + b2. Associative, not commutative.
    return a[0] * b[0], b[0] * a[1] + b[1]


def _affine_python(pairs: tuple[np.ndarray, np.ndarray], axis: int, reverse: bool) -> tuple[np.ndarray, np.ndarray]:
    a, b = (np.moveaxis(p, axis, 0) for p in pairs)
    order = list(range(len(a)))[::-1] if reverse else list(range(len(a)))
    acc, out_a, out_b = None, np.empty_like(a), np.empty_like(b)
    for i in order:
        acc = (a[i], b[i]) if acc is None else _affine(acc, (a[i], b[i]))
        out_a[i], out_b[i] = acc
    return np.moveaxis(out_a, 0, axis), np.moveaxis(out_b, 0, axis)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 7])
def test_associative_scan_matches_numpy_and_a_python_loop(backend: str, n: int) -> None:
    x = RNG.normal(size=(2, n)).astype(np.float32)
    _close(ops.associative_scan(lambda a, b: a + b, x, axis=1), np.cumsum(x, axis=1))
    _close(ops.associative_scan(lambda a, b: a + b, x, reverse=True, axis=-1), np.cumsum(x[:, ::-1], 1)[:, ::-1])
    pairs = (RNG.uniform(0.5, 1.5, size=(n, 2)).astype(np.float32), RNG.normal(size=(n, 2)).astype(np.float32))
    _close(ops.associative_scan(_affine, pairs), _affine_python(pairs, 0, False), tol=1e-4)


def test_scan_and_associative_scan_agree_with_keras() -> None:
    """keras.ops on its TensorFlow backend, the same inputs, against each dualnet backend."""
    k_carry, k_ys = keras.ops.scan(lambda c, x: (c + x, c * x), np.zeros(3, np.float32), X)
    k_cum = keras.ops.associative_scan(lambda a, b: a * b, X, axis=0)
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        _close(ops.scan(lambda c, x: (c + x, c * x), np.zeros(3, np.float32), X), (k_carry, k_ys))
        _close(ops.associative_scan(lambda a, b: a * b, X, axis=0), k_cum)


def test_map_and_vectorized_map_match_a_stack_of_calls(backend: str) -> None:
    ys = ops.map(lambda v: {"sq": v * v, "sum": ops.sum(v)}, X)
    _close(ys, {"sq": X * X, "sum": X.sum(1)})
    _close(ops.vectorized_map(lambda v: ops.sum(v * v), X), (X * X).sum(1))
    _close(ops.vectorized_map(lambda vs: vs[0] * vs[1], [X, X + 1.0]), X * (X + 1))


def test_switch_clamps_the_index(backend: str) -> None:
    branches = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b]
    for index, want in [(0, X + 2), (1, X - 2), (2, X * 2), (-3, X + 2), (9, X * 2)]:
        _close(ops.switch(index, branches, X, 2.0), want)
    _close(ops.switch(ops.convert_to_tensor(1), branches, X, 2.0), X - 2)


def _grad_of(fn: Callable[..., Any], *arrays: np.ndarray) -> list[np.ndarray]:
    inputs = [ops.convert_to_tensor(a) for a in arrays]
    _, _, grads = B.value_and_grad(lambda ts: ops.sum(fn(*ts)), [], inputs, False)
    return [np.asarray(ops.to_numpy(g)) for g in grads]


def test_custom_gradient_gives_the_custom_gradient(backend: str) -> None:
    @ops.custom_gradient
    def log1pexp(x: Any) -> Any:
        e = ops.exp(x)

        def grad(*args: Any, upstream: Any = None) -> Any:  # Keras's form for every backend
            if upstream is None:
                (upstream,) = args
            return upstream * (1.0 - 1.0 / (1.0 + e))

        return ops.log(1.0 + e), grad

    x = np.array([-2.0, 0.0, 50.0], np.float64)
    _close(log1pexp(x), np.log1p(np.exp(x)))
    np.testing.assert_allclose(_grad_of(log1pexp, x)[0], 1 / (1 + np.exp(-x)), rtol=1e-12)

    @ops.custom_gradient
    def scaled(a: Any, b: Any) -> Any:  # deliberately not the true gradient: the custom one must win
        return (a * b, a + b), lambda up: (up[0] * 10.0, up[1] * 0.0 - 1.0)

    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    ga, gb = _grad_of(lambda p, q: sum(ops.sum(y) for y in scaled(p, q)), a, b)
    np.testing.assert_allclose(ga, [10.0, 10.0])
    np.testing.assert_allclose(gb, [-1.0, -1.0])


# ---------------------------------------------------------------- gradients against finite differences


# One scalar loss per differentiable op, each a smooth function of ``w`` (3,) and ``x`` (4, 3).
LOSSES: dict[str, Callable[[Any, Any], Any]] = {
    "cond": lambda w, x: ops.sum(ops.cond(ops.sum(w) > 0.0, lambda: ops.sin(w * x), lambda: ops.cos(w + x)) ** 2),
    "scan": lambda w, x: sum(
        ops.sum(t) for t in ops.scan(lambda h, xt: (ops.tanh(h * w + xt), h * h), ops.zeros_like(w), x)
    ),
    "fori_loop": lambda w, x: ops.sum(ops.fori_loop(0, 3, lambda i, h: ops.sin(h * w + 1.0), x[0])),
    "while_loop": lambda w, x: ops.sum(
        ops.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, h * ops.tanh(w) + h), (0, x[1]))[1] ** 2
    ),
    "associative_scan": lambda w, x: ops.sum(ops.associative_scan(_affine, (ops.sigmoid(x), x * w))[1] ** 2),
}
W64 = np.array([0.3, -0.2, 0.5])
X64 = RNG.normal(size=(4, 3)) * 0.5


def _grads(w: Any, x: Any) -> dict[str, list[Any]]:
    grads = {name: B.value_and_grad(lambda ts, fn=fn: fn(*ts), [], [w, x], False)[2] for name, fn in LOSSES.items()}
    grads["custom_gradient"] = B.value_and_grad(lambda ts: ops.sum(_times_ten(ts[0])), [], [x], False)[2]
    return grads


_COMPILED: dict[tuple[str, str, bool], Callable[..., Any]] = {}
_NUMERIC: dict[str, dict[str, list[np.ndarray]]] = {}


def _compiled(what: str, fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
    key = (dn.backend(), what, jit)
    if key not in _COMPILED:
        _COMPILED[key] = dn.function(fn, jit=jit)
    return _COMPILED[key]


def _numeric() -> dict[str, list[np.ndarray]]:
    if dn.backend() not in _NUMERIC:
        _NUMERIC[dn.backend()] = {
            name: numeric_grads(lambda w, x, fn=fn: float(ops.to_numpy(fn(w, x))), [W64, X64])
            for name, fn in LOSSES.items()
        }
    return _NUMERIC[dn.backend()]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "function"])
def test_gradients_match_finite_differences(backend: str, traced: bool) -> None:
    """Eagerly, and inside dn.function: TensorFlow's graph gradients of tf.cond and tf.while_loop (torch's
    dn.function without jit is eager; its compiled gradients are checked by the Trainer test below)."""
    grads = (_compiled("grads", _grads, False) if traced else _grads)(
        ops.convert_to_tensor(W64), ops.convert_to_tensor(X64)
    )
    for name, want in _numeric().items():
        for g, e in zip(grads[name], want):
            np.testing.assert_allclose(ops.to_numpy(g), e, rtol=1e-6, atol=1e-7, err_msg=name)
    np.testing.assert_allclose(ops.to_numpy(grads["custom_gradient"][0]), np.full((4, 3), 10.0))


# ---------------------------------------------------------------- compiled: the same values as eagerly


@ops.custom_gradient
def _times_ten(x: Any) -> Any:
    return ops.sin(x), lambda up: up * 10.0


def _every_op(x: Any, index: Any) -> dict[str, Any]:
    """Each op once, with traced predicates, indices and loop bounds where the op takes them."""
    n = ops.sum(ops.ones_like(x[:, 0]))
    return {
        "cond": ops.cond(ops.sum(x) > 0, lambda: (x * 2.0, {"k": x}), lambda: (x - 1.0, {"k": x * 0.0})),
        "while_loop": ops.while_loop(lambda i, s: i < n, lambda i, s: (i + 1.0, s * 0.5 + x), (0.0, x)),
        "while_capped": ops.while_loop(lambda s: ops.sum(s) < 1e9, lambda s: s + 1.0, x, maximum_iterations=3),
        "fori_loop": ops.fori_loop(0, 4, lambda i, s: s * 0.5 + x[i], x[0]),
        "scan": ops.scan(lambda c, xt: (c + xt, ops.sum(c)), ops.zeros_like(x[0]), x, reverse=True),
        "scan_length": ops.scan(lambda c, _: (c * 2.0, c), x[0], length=3),
        "scan_no_ys": ops.scan(lambda c, xt: (c + xt, None), ops.zeros_like(x[0]), x)[0],
        "custom_gradient": _times_ten(x),
        "associative_scan": ops.associative_scan(_affine, (ops.sigmoid(x), x), axis=0),
        "map": ops.map(lambda v: {"m": ops.max(v)}, x),
        "vectorized_map": ops.vectorized_map(lambda v: ops.sum(v * v), x),
        "switch": ops.switch(index, [lambda v: v + 1.0, lambda v: v * 3.0, lambda v: -v], x),
    }


def test_every_op_inside_dn_function_with_jit(backend: str) -> None:
    """XLA on TensorFlow, torch.compile on torch: one compiled function runs every op (compiling is the cost)."""
    x, compiled = ops.convert_to_tensor(X), dn.function(_every_op, jit=True)
    for index in (1, 5):  # 5 clamps to the last branch
        with dn.no_grad():  # torch compiles while_loop to its higher-order op only without gradients
            got = compiled(x, ops.convert_to_tensor(index))
        want = _every_op(x, ops.convert_to_tensor(index))
        assert set(got) == set(want)
        for name in want:
            _close(got[name], _np(want[name]), tol=1e-5)


class _ScanLayer(dn.nn.Module):
    """A tiny recurrent layer on ``scan`` and ``cond``: (N, T, F) -> (N, 2)."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = dn.nn.Dense(2)

    def forward(self, x: Any) -> Any:
        seq = ops.transpose(self.inp(x), (1, 0, 2))
        h, _ = ops.scan(lambda c, xt: (ops.tanh(c * 0.5 + xt), c), ops.zeros_like(seq[0]), seq)
        return ops.cond(ops.mean(h) > 0.0, lambda: h * 2.0, lambda: h - 1.0)


def test_trainer_fit_compiles_a_layer_that_scans(backend: str) -> None:
    """Trainer(jit=True) (torch.compile with torch.cond / XLA with tf.cond and tf.while_loop) takes the same
    SGD steps as eager gradients (checked against finite differences above) applied by hand."""
    data = RNG.normal(size=(8, 4, 3)).astype(np.float32)
    target = RNG.normal(size=(8, 2)).astype(np.float32)
    models = []
    for _ in range(2):
        dn.seed(3)
        models.append(_ScanLayer())
        models[-1](data[:1])
    compiled, eager = models
    dn.Trainer(compiled, dn.optim.SGD(compiled.parameters(), lr=0.1), "mse", jit=True).fit(
        data, target, epochs=1, batch_size=4, shuffle=False, verbose=0
    )
    for batch in (slice(0, 4), slice(4, 8)):
        params = eager.parameters()

        def loss(_: Any, batch: slice = batch) -> Any:
            return ops.mean((eager(data[batch]) - ops.convert_to_tensor(target[batch])) ** 2)

        _, _, grads = B.value_and_grad(loss, params, [], False)
        step = {name: ops.to_numpy(g) for (name, _), g in zip(eager.named_parameters(), grads)}
        eager.load_state_dict({name: value - 0.1 * step[name] for name, value in eager.state_dict().items()})
    for name, value in compiled.state_dict().items():
        np.testing.assert_allclose(value, eager.state_dict()[name], rtol=1e-5, atol=1e-6, err_msg=name)


# ---------------------------------------------------------------- errors


def test_bad_arguments_raise_dualnet_errors_naming_the_op(backend: str) -> None:
    x = ops.convert_to_tensor(X)
    cases: list[tuple[type[Exception], str, Callable[[], Any]]] = [
        (dn.ArgumentError, r"cond\(true_fn=", lambda: ops.cond(True, x, lambda: x)),
        (dn.ShapeError, "cond: pred must be a scalar", lambda: ops.cond(x > 0, lambda: x, lambda: x)),
        (dn.ArgumentError, r"while_loop\(body=", lambda: ops.while_loop(lambda i: i < 2, 3, 0)),
        (dn.ArgumentError, r"while_loop\(maximum_iterations=", lambda: ops.while_loop(lambda i: i < 2, abs, 0, -1)),
        (
            dn.ArgumentError,
            r"while_loop: the body's output must have the structure tuple\(tensor, tensor\), got tuple\(tensor\)",
            lambda: ops.while_loop(lambda i, s: i < 2, lambda i, s: (i + 1,), (0, x)),
        ),
        (
            dn.ShapeError,
            r"while_loop: the body's output state\[1\] must keep the shape \(5, 3\)",
            lambda: ops.while_loop(lambda i, s: i < 2, lambda i, s: (i + 1, s[0]), (0, x)),
        ),
        (
            dn.DTypeError,
            "fori_loop: body_fun's output state must keep the dtype int64",
            lambda: ops.fori_loop(0, 2, lambda i, s: ops.cast(s, "float32"), 1),
        ),
        (dn.ArgumentError, r"fori_loop\(upper=2.0\)", lambda: ops.fori_loop(0, 2.0, lambda i, s: s, x)),
        (dn.ArgumentError, "scan: got neither xs nor length", lambda: ops.scan(lambda c, x: (c, c), x)),
        (dn.ArgumentError, r"scan\(unroll=0\)", lambda: ops.scan(lambda c, x: (c, c), x, X, unroll=0)),
        (dn.ArgumentError, "scan: f must return a pair", lambda: ops.scan(lambda c, x: c + x, ops.zeros((3,)), X)),
        (
            dn.ShapeError,
            "scan: every xs leaf must have the same leading size",
            lambda: ops.scan(lambda c, x: (c, None), 0.0, (X, X[:2])),
        ),
        (dn.ShapeError, "scan: length=4 but xs has leading size 5", lambda: ops.scan(lambda c, x: (c, x), 0.0, X, 4)),
        (dn.ArgumentError, r"switch\(branches=\[\]\)", lambda: ops.switch(0, [], x)),
        (dn.ArgumentError, r"switch\(branches\[1\]=", lambda: ops.switch(0, [abs, 3], x)),
        (dn.ShapeError, "associative_scan: axis=2 is out of range", lambda: ops.associative_scan(max, X, axis=2)),
        (
            dn.ArgumentError,
            "associative_scan: f must return the structure of elems",
            lambda: ops.associative_scan(lambda a, b: a[0] + b[0], (X, X)),
        ),
        (dn.ArgumentError, r"map\(f=", lambda: ops.map(None, X)),  # type: ignore[arg-type]
        (dn.ArgumentError, r"vectorized_map\(function=", lambda: ops.vectorized_map(1, X)),  # type: ignore[arg-type]
        (dn.ArgumentError, r"custom_gradient\(f=", lambda: ops.custom_gradient(1)),  # type: ignore[arg-type]
    ]
    for error, match, call in cases:
        with pytest.raises(error, match=match):
            call()


def test_a_body_that_changes_its_state_fails_while_tracing_too(backend: str) -> None:
    """The same check inside a compiled graph (a TensorFlow while body, torch's jit=False being eager)."""

    def bad(x: Any) -> Any:
        return ops.while_loop(lambda i, s: i < 2.0, lambda i, s: (i + 1.0, {"s": s}), (0.0, x))

    with pytest.raises(dn.ArgumentError, match=r"while_loop: the body's output must have the structure"):
        dn.function(bad)(ops.convert_to_tensor(X))


def test_traced_branches_must_agree(backend: str) -> None:
    """TensorFlow traces both branches of cond and switch; torch (eager or compiled) runs or traces the
    chosen one as Python, so a mismatch there only shows when the bad branch is taken."""

    def bad_cond(x: Any) -> Any:
        return ops.cond(ops.sum(x) > 0, lambda: (x, x), lambda: x)

    def bad_switch(x: Any, i: Any) -> Any:
        return ops.switch(i, [lambda v: v, lambda v: ops.cast(v, "float64")], x)

    x = ops.convert_to_tensor(X)
    if backend == "tensorflow":
        with pytest.raises(dn.ArgumentError, match="cond: every branch must return the same structure"):
            dn.function(bad_cond)(x)
        with pytest.raises(dn.DTypeError, match="switch: every branch must return the same dtypes"):
            dn.function(bad_switch)(x, ops.convert_to_tensor(0))
    else:
        assert len(tree.leaves(dn.function(bad_cond)(x))) == (2 if float(ops.to_numpy(ops.sum(x))) > 0 else 1)
        assert ops.dtype(dn.function(bad_switch)(x, ops.convert_to_tensor(1))) == "float64"


def test_custom_gradient_with_the_wrong_number_of_gradients(backend: str) -> None:
    @ops.custom_gradient
    def two_inputs(a: Any, b: Any) -> Any:
        return a * b, lambda up: up

    with pytest.raises(dn.ArgumentError, match=r"custom_gradient: grad_fn returned 1 gradient\(s\) for 2 input"):
        _grad_of(two_inputs, np.ones(2), np.ones(2))
