"""The launch environment: alone by default, and errors that name what is missing; the launcher's worker variables."""

from __future__ import annotations

import json

import numpy as np
import pytest

import dualnet as dn
from dualnet.distributed.env import read_env
from dualnet.distributed.launch import worker_env


def test_alone_everything_is_free(backend: str) -> None:
    assert (dn.distributed.rank(), dn.distributed.world_size(), dn.distributed.local_rank()) == (0, 1, 0)
    assert dn.distributed.is_main_process()
    dn.distributed.barrier()
    assert dn.distributed.all_reduce(2.5) == 2.5
    np.testing.assert_array_equal(dn.distributed.all_reduce(np.arange(3), op="sum"), np.arange(3))
    with pytest.raises(dn.ArgumentError, match="op='median'"):
        dn.distributed.all_reduce(1.0, op="median")


@pytest.mark.parametrize(
    ("environ", "match"),
    [
        ({"WORLD_SIZE": "2"}, "RANK is not set but WORLD_SIZE is"),
        ({"RANK": "1"}, "WORLD_SIZE is not set but RANK is"),
        ({"RANK": "2", "WORLD_SIZE": "2"}, r"RANK=2 but WORLD_SIZE=2"),
        ({"RANK": "x", "WORLD_SIZE": "2"}, "RANK='x': expected an int >= 0"),
    ],
)
def test_incomplete_environment_names_the_variable(environ: dict[str, str], match: str) -> None:
    for backend in ("torch", "tensorflow"):
        with pytest.raises(dn.DistributedError, match=match):
            read_env(backend, environ)


def test_each_backend_names_the_address_it_needs() -> None:
    base = {"RANK": "0", "WORLD_SIZE": "2"}
    with pytest.raises(dn.DistributedError, match="MASTER_ADDR is not set"):
        read_env("torch", base)
    with pytest.raises(dn.DistributedError, match="MASTER_PORT is not set"):
        read_env("torch", {**base, "MASTER_ADDR": "127.0.0.1"})
    with pytest.raises(dn.DistributedError, match="TF_CONFIG is not set"):
        read_env("tensorflow", {**base, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"})
    with pytest.raises(dn.DistributedError, match="TF_CONFIG: cannot read it"):
        read_env("tensorflow", {"TF_CONFIG": "{not json"})


def test_initialize_raises_for_an_incomplete_environment(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(dn.DistributedError, match="is not set"):
        dn.distributed.initialize()
    with pytest.raises(dn.DistributedError, match="is not set"):
        dn.Trainer(dn.nn.Dense(1), None, strategy="data_parallel")


def test_trainer_strategy_is_checked(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="strategy='ddp'"):
        dn.Trainer(dn.nn.Dense(1), None, strategy="ddp")


def test_launcher_environment_matches_torchrun_and_tf_config() -> None:
    env = worker_env(
        1,
        nproc_per_node=2,
        nnodes=2,
        node_rank=1,
        master_addr="10.0.0.1",
        master_port=29500,
        node_addrs=["10.0.0.1", "10.0.0.2"],
    )
    assert {k: env[k] for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK")} == {
        "RANK": "3",
        "LOCAL_RANK": "1",
        "WORLD_SIZE": "4",
        "LOCAL_WORLD_SIZE": "2",
        "GROUP_RANK": "1",
    }
    config = json.loads(env["TF_CONFIG"])
    assert config["cluster"]["worker"] == ["10.0.0.1:29501", "10.0.0.1:29502", "10.0.0.2:29501", "10.0.0.2:29502"]
    assert config["task"] == {"type": "worker", "index": 3}
    assert read_env("tensorflow", env).rank == read_env("torch", env).rank == 3
    assert "TF_CONFIG" not in worker_env(0, nproc_per_node=2, nnodes=2)  # other nodes' hosts unknown
