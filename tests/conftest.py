"""Shared fixtures. ``standins``: stand-in protocols (no Brian2 network) registered on
``experiments.protocols.PROTOCOLS``, with the working directory moved to a temporary one."""

import os
import sys
from pathlib import Path

import pytest

STANDIN_DIR = Path(__file__).parent / "experiments"
if str(STANDIN_DIR) not in sys.path:
    sys.path.insert(0, str(STANDIN_DIR))


def pytest_collection_modifyitems(config, items):
    """Longest modules first, so that pytest-xdist's ``loadscope`` (with ``--no-loadscope-reorder``)
    hands the costly modules out at the start and the quick ones fill the gaps at the end. A
    module's cost is the largest ``minutes`` of its ``slow`` markers (0 for a module without
    one); the sort is stable, so tests keep their order within a module."""
    def minutes(item) -> float:
        marks = list(item.iter_markers("slow"))
        return max((float(m.kwargs.get("minutes", 1.0)) for m in marks), default=0.0)

    def module(item) -> str:
        return item.nodeid.split("::")[0]

    cost: dict[str, float] = {}
    for item in items:
        cost[module(item)] = max(cost.get(module(item), 0.0), minutes(item))
    items.sort(key=lambda item: -cost[module(item)])


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
    """A folder for compiled networks, private to this test run but shared by its pytest-xdist
    workers: build slots are locked per process, so a worker re-uses a network shape that another
    worker compiled once that worker has released it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    path = root / "build"
    path.mkdir(exist_ok=True)
    return path
