"""``TF_CONFIG``, TensorFlow's description of a multi-worker run: the one place dualnet reads and writes it.

The document is ``{"cluster": {"worker": ["host:port", ...]}, "task": {"type":
"worker", "index": i}}``: every worker's address, and which of them this
process is. ``dualnet launch`` writes it (:func:`tf_config_json`);
``dn.distributed`` and the tensorflow backend read it (:func:`read_tf_config`).
A leaf module: it imports nothing of dualnet but the errors, so the backend
may use it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dualnet.errors import DistributedError

__all__: list[str] = []  # internal: dn.distributed and the tensorflow backend read it, the launcher writes it

TF_CONFIG_ENV = "TF_CONFIG"
_FIX = (
    'expected {"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": i}}; '
    "'dualnet launch' writes it for every worker"
)


@dataclass(frozen=True)
class TFConfig:
    """A validated ``TF_CONFIG``: the workers' addresses, this worker's index and the document as parsed."""

    workers: tuple[str, ...]
    index: int
    document: dict[str, Any]

    @property
    def world_size(self) -> int:
        """How many workers the cluster lists."""
        return len(self.workers)


def read_tf_config(environ: Mapping[str, str] | None = None) -> TFConfig | None:
    """The ``TF_CONFIG`` of ``environ`` (default ``os.environ``), or None when it is not set or blank.

    Raises:
        DistributedError: it is not JSON, lacks ``cluster.worker`` or ``task.index``, names a task that is not
            a worker, or an index outside the worker list (the message shows the expected form).
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(TF_CONFIG_ENV, "").strip()
    if not raw:
        return None
    try:
        document = json.loads(raw)
        workers = document["cluster"]["worker"]
        task = document["task"]
        index = int(task["index"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DistributedError(f"environment variable {TF_CONFIG_ENV}: cannot read it ({exc}); {_FIX}") from exc
    if not isinstance(workers, list) or not workers or task.get("type", "worker") != "worker":
        raise DistributedError(f"environment variable {TF_CONFIG_ENV}: {raw[:200]!r}; {_FIX}")
    if not 0 <= index < len(workers):
        raise DistributedError(
            f"environment variable {TF_CONFIG_ENV}: task index {index} but the cluster lists {len(workers)} "
            "worker(s); give each worker its own index 0..n-1"
        )
    return TFConfig(tuple(str(w) for w in workers), index, document)


def tf_config_json(workers: Sequence[str], index: int) -> str:
    """The ``TF_CONFIG`` text for worker ``index`` of a cluster of ``workers`` (``"host:port"`` each)."""
    return json.dumps({"cluster": {"worker": list(workers)}, "task": {"type": "worker", "index": index}})
