"""Developer and CI sessions. `nox -s tests` runs the whole suite on both backends."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck"]

CONSTRAINTS = ("-c", "constraints.txt")


@nox.session
def tests(session: nox.Session) -> None:
    """The unit suite: every backend-generic test runs on torch and on tensorflow, in one pytest run."""
    session.install("-e", ".[all,dev]", *CONSTRAINTS)
    session.run("pytest", "-n", "2", *session.posargs, env={"DUALNET_REQUIRE_BACKENDS": "torch,tensorflow"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff", *CONSTRAINTS)
    session.run("ruff", "check", "src", "tests", "benchmarks", "examples", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "examples", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy (strict) on src/."""
    session.install("-e", ".", "mypy", *CONSTRAINTS)
    session.run("mypy")


@nox.session
def demo(session: nox.Session) -> None:
    """`dualnet demo`: the digits CNN on each installed backend, side by side, with a PNG of both loss curves."""
    session.install("-e", ".[all]", *CONSTRAINTS)
    session.run("dualnet", "demo", *session.posargs)
