"""Developer and CI sessions. `nox -s tests` runs the whole suite on both backends."""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]

CONSTRAINTS = ("-c", "constraints.txt")
# The Python files of the docs (the pages themselves are Markdown; their code blocks run in tests/docs).
DOCS_PYTHON = ("docs/griffe_roles.py", "docs/scripts")


@nox.session
def tests(session: nox.Session) -> None:
    """The unit suite: every backend-generic test runs on torch and on tensorflow, in one pytest run."""
    session.install("-e", ".[all,dev]", *CONSTRAINTS)
    session.run("pytest", "-n", "2", *session.posargs, env={"DUALNET_REQUIRE_BACKENDS": "torch,tensorflow"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and lint-imports (the layering contract in pyproject.toml)."""
    session.install("ruff", "import-linter", *CONSTRAINTS)
    session.run("ruff", "check", "src", "tests", "benchmarks", "examples", *DOCS_PYTHON, "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "examples", *DOCS_PYTHON, "noxfile.py")
    # import-linter reads the source statically: it needs to find the package, not to import its dependencies.
    session.run("lint-imports", "--no-cache", env={"PYTHONPATH": os.path.abspath("src")})


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy (strict) on src/."""
    session.install("-e", ".", "mypy", *CONSTRAINTS)
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built with mkdocs --strict (a warning fails); `nox -s docs -- serve` previews it."""
    session.install("-e", ".[docs]", *CONSTRAINTS)
    env = {"NO_MKDOCS_2_WARNING": "1"}
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", *session.posargs[1:], env=env)
        return
    site = os.path.join(session.create_tmp(), "site")  # the build is the check; nothing is written to the checkout
    session.run("mkdocs", "build", "--strict", "--site-dir", site, *session.posargs, env=env)


@nox.session
def demo(session: nox.Session) -> None:
    """`dualnet demo`: the digits CNN on each installed backend, side by side, with a PNG of both loss curves."""
    session.install("-e", ".[all]", *CONSTRAINTS)
    session.run("dualnet", "demo", *session.posargs)
