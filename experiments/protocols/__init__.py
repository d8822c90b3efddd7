"""The protocols, one module each; ``PROTOCOLS`` maps a protocol name to its module."""

from importlib import import_module

from .base import Knob, Readout, RunContext, RunResult, TimeSeries

_MODULES = ("nmda_clamp", "heat_trials", "mechanical", "windup", "hfs_ltp", "withdrawal_ltp", "chronic_opioid",
            "acute_opioid", "withdrawal", "fentanyl_oih", "ketamine_dose_response")

PROTOCOLS = {module.NAME: module for module in (import_module(f".{name}", __name__) for name in _MODULES)}

__all__ = ["PROTOCOLS", "Knob", "Readout", "RunContext", "RunResult", "TimeSeries"]
