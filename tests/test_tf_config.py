"""TF_CONFIG: what dualnet launch writes, dn.distributed and the tensorflow backend read back; bad ones are named."""

from __future__ import annotations

import pytest

import dualnet as dn
from dualnet.tf_config import TF_CONFIG_ENV, read_tf_config, tf_config_json

WORKERS = ["10.0.0.1:29501", "10.0.0.2:29501"]


def test_what_is_written_reads_back() -> None:
    config = read_tf_config({TF_CONFIG_ENV: tf_config_json(WORKERS, 1)})
    assert config is not None
    assert (config.workers, config.index, config.world_size) == (tuple(WORKERS), 1, 2)
    assert config.document["task"] == {"type": "worker", "index": 1}


@pytest.mark.parametrize("environ", [{}, {TF_CONFIG_ENV: "  "}])
def test_unset_or_blank_is_none(environ: dict[str, str]) -> None:
    assert read_tf_config(environ) is None


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ("{not json", "cannot read it"),
        ('{"cluster": {"worker": ["a:1"]}}', "cannot read it"),  # no task
        ('{"cluster": {"worker": []}, "task": {"index": 0}}', "'dualnet launch' writes it"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "chief", "index": 0}}', "'dualnet launch' writes it"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}', "task index 1 but the cluster"),
    ],
)
def test_a_malformed_tf_config_names_the_variable_and_the_fix(raw: str, match: str) -> None:
    with pytest.raises(dn.DistributedError, match=f"environment variable TF_CONFIG: .*{match}"):
        read_tf_config({TF_CONFIG_ENV: raw})
