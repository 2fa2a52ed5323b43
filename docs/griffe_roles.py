"""Griffe extension for the API reference: Sphinx roles in docstrings become code spans.

The docstrings use reST cross-reference roles (``:func:`seed```, ``:class:`Trainer```)
that Markdown would print verbatim; this turns each into the code span `seed`.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|data|mod|attr|exc|obj):`~?([^`]+)`")


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`target``` to a Markdown code span when griffe loads an object."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(r"`\1`", obj.docstring.value)
