"""Shared fixtures. ``standins``: stand-in protocols (no Brian2 network) registered on
``experiments.protocols.PROTOCOLS``, with the working directory moved to a temporary one."""

import sys
from pathlib import Path

import pytest

STANDIN_DIR = Path(__file__).parent / "experiments"
if str(STANDIN_DIR) not in sys.path:
    sys.path.insert(0, str(STANDIN_DIR))


@pytest.fixture
def standins(monkeypatch, tmp_path):
    """The stand-in protocols module; its protocols are registered for this test and the
    working directory is ``tmp_path`` (so default outputs land in ``tmp_path/results``)."""
    import standin_protocols

    import experiments.protocols as registry

    monkeypatch.setattr(registry, "PROTOCOLS", {**registry.PROTOCOLS, **standin_protocols.PROTOCOLS})
    monkeypatch.delenv("OIH_TEST_PROTOCOLS", raising=False)
    monkeypatch.chdir(tmp_path)
    return standin_protocols


@pytest.fixture(scope="session")
def build_root(tmp_path_factory):
    """A private folder for compiled networks (never shared with other test sessions)."""
    return tmp_path_factory.mktemp("build")
