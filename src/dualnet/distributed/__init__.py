"""``dn.distributed``: data-parallel training over several processes, on either backend.

Launch a script on N processes with ``dualnet launch --nproc-per-node N script.py``
(torchrun-style environment on torch, ``TF_CONFIG`` on tensorflow) and train with
``dn.Trainer(..., strategy="data_parallel")``. The functions here tell a process
where it stands (:func:`rank`, :func:`world_size`, :func:`local_rank`,
:func:`is_main_process`) and give user code the collectives it needs
(:func:`barrier`, :func:`all_reduce`). Run without a launcher, a script is rank 0
of 1 and all of this is free. Guide: ``docs/guides/distributed.md``.
"""

from dualnet.distributed.runtime import (
    all_reduce,
    barrier,
    initialize,
    is_initialized,
    is_main_process,
    local_rank,
    rank,
    shutdown,
    world_size,
)

__all__ = [
    "all_reduce",
    "barrier",
    "initialize",
    "is_initialized",
    "is_main_process",
    "local_rank",
    "rank",
    "shutdown",
    "world_size",
]
