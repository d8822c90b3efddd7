"""Runs of one protocol under several conditions, shared by the protocol tests."""

from circuits import ParameterSet
from experiments.protocols.base import RunContext

#: network draws (seeds) besides draw 1, for the targets read as a mean of draws 1-5
OTHER_DRAWS = (2, 3, 4, 5)


def readouts_by_condition(protocol, knobs: dict, conditions: dict, *, scale: float, build_root, seed: int = 1) -> dict:
    """``{condition: {readout: value}}``: ``protocol`` run with ``knobs`` updated by each
    condition's changes (one build serves them all)."""
    out = {}
    for name, change in conditions.items():
        context = RunContext(params=ParameterSet(), knobs=dict(knobs, **change), seed=seed, scale=scale,
                             build_root=build_root)
        out[name] = {key: r.value for key, r in protocol.run(context).readouts.items()}
    return out
