"""``api.check_backend`` finds each way a backend can depart from the contract, and says so in words.

The backends here are fakes: one ``types.ModuleType`` per concern, holding
stand-ins whose signatures are the declarations', under a package whose
namespace :func:`api.gather` builds, as the real backends' ``__init__`` does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from dualnet.backend import api, registry

PACKAGE = "fake_backend"


def _stand_in(name: str, module: str) -> Callable[..., Any]:
    def stand_in(*args: Any, **kwargs: Any) -> None:
        return None

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__module__ = module
    stand_in.__signature__ = api.declaration(name)  # type: ignore[attr-defined]
    return stand_in


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A conforming fake backend package, registered in ``sys.modules`` for the test."""
    package = ModuleType(PACKAGE)
    for concern, declared in api.names_by_concern().items():
        module = ModuleType(f"{PACKAGE}.{concern}")
        for name in declared:
            setattr(module, name, "fake" if name == "name" else _stand_in(name, module.__name__))
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(sys.modules, PACKAGE, package)
    vars(package).update(api.gather(PACKAGE))
    yield package


def _define(package: ModuleType, concern: str, fn: Callable[..., Any]) -> None:
    """Put ``fn`` in the fake's file ``concern`` and in its namespace, as a backend author would."""
    fn.__module__ = f"{PACKAGE}.{concern}"
    setattr(sys.modules[fn.__module__], fn.__name__, fn)
    setattr(package, fn.__name__, fn)


def test_a_conforming_backend_has_no_problems(fake: ModuleType) -> None:
    assert api.check_backend(fake) == []
    assert fake.add is sys.modules[f"{PACKAGE}.math"].add  # gather took each name from its concern's file


def test_a_missing_function(fake: ModuleType) -> None:
    delattr(sys.modules[f"{PACKAGE}.math"], "add")
    assert api.check_backend(fake) == [
        f"fake: add: missing from {PACKAGE}.math; define it there (declared in dualnet.backend.api.math)"
    ]


def test_a_misnamed_parameter(fake: ModuleType) -> None:
    def add(x1: Any, y: Any) -> Any: ...

    _define(fake, "math", add)
    assert api.check_backend(fake) == ["fake: add: parameter 2 is named 'y', the contract says 'x2'"]


def test_a_reordered_pair(fake: ModuleType) -> None:
    def where(condition: Any, x2: Any, x1: Any) -> Any: ...

    _define(fake, "math", where)
    assert api.check_backend(fake) == [
        "fake: where: parameters are in the order (condition, x2, x1), the contract says (condition, x1, x2)"
    ]


def test_a_changed_default(fake: ModuleType) -> None:
    def sum(x: Any, axis: Any = None, keepdims: bool = True) -> Any: ...

    _define(fake, "reductions", sum)
    assert api.check_backend(fake) == [
        "fake: sum: parameter 'keepdims' has default True, the contract says default False"
    ]


def test_a_default_of_another_type(fake: ModuleType) -> None:
    def elu(x: Any, alpha: float = 1) -> Any: ...  # 1 == 1.0, but an int default is not the declared float

    _define(fake, "nn", elu)
    assert api.check_backend(fake) == ["fake: elu: parameter 'alpha' has default 1, the contract says default 1.0"]


def test_a_positional_scale_where_the_contract_says_keyword_only(fake: ModuleType) -> None:
    def batch_norm(
        x: Any, mean: Any, variance: Any, scale: Any = None, offset: Any = None, epsilon: float = 1e-3
    ) -> Any: ...

    _define(fake, "nn", batch_norm)
    assert api.check_backend(fake) == [
        f"fake: batch_norm: parameter {p!r} is positional-or-keyword, the contract says keyword-only"
        for p in ("scale", "offset", "epsilon")
    ]


def test_an_extra_parameter(fake: ModuleType) -> None:
    def negative(x: Any, out: Any = None) -> Any: ...

    _define(fake, "math", negative)
    assert api.check_backend(fake) == ["fake: negative: takes 2 parameters (x, out), the contract says 1 (x)"]


def test_a_function_defined_in_another_file(fake: ModuleType) -> None:
    def add(x1: Any, x2: Any) -> Any: ...

    _define(fake, "core", add)  # defined in core.py ...
    sys.modules[f"{PACKAGE}.math"].add = add  # ... and imported into math.py
    assert api.check_backend(fake) == [
        f"fake: add: is defined in {PACKAGE}.core, the contract puts it in {PACKAGE}.math"
    ]


def test_a_package_that_does_not_export_the_file_s_function(fake: ModuleType) -> None:
    delattr(fake, "relu")
    assert api.check_backend(fake) == [
        f"fake: relu: the package does not export {PACKAGE}.nn.relu (build its namespace with api.gather)"
    ]


def test_a_missing_file(fake: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, f"{PACKAGE}.rnn")
    assert api.check_backend(fake) == [f"fake: no file rnn.py ({PACKAGE}.rnn) for lstm, gru"]


def test_a_name_that_is_not_a_string(fake: ModuleType) -> None:
    vars(sys.modules[f"{PACKAGE}.core"])["name"] = 3
    vars(fake)["name"] = 3
    assert api.check_backend(fake) == ["3: name: is int 3, the contract says str"]


def test_an_op_added_to_one_backend_only_is_named_for_the_other(
    torch_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking ``add`` out of the real torch backend's math.py: the check names the function, file and declaration."""
    torch = registry.load(torch_backend)
    monkeypatch.delattr(sys.modules["dualnet.backend.torch.math"], "add")
    assert api.check_backend(torch) == [
        "torch: add: missing from dualnet.backend.torch.math; define it there (declared in dualnet.backend.api.math)"
    ]


def test_a_wrapper_with_other_parameters_is_reported() -> None:
    def layer_norm(x: Any, scale: Any = None, offset: Any = None, axis: int = -1, epsilon: float = 1e-5) -> Any: ...

    assert api.check_signature(layer_norm, "layer_norm") == [
        "parameters are in the order (x, scale, offset, axis, epsilon), "
        "the contract says (x, axis, scale, offset, epsilon)"
    ]
