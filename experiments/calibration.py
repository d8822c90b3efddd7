"""Fitting script: score candidate parameter values against the wind-up and heat-trial targets.

Wind-up and the RVM's share of the heat withdrawal latency depend on the same WDR drive, so
they are fitted together. The scores come from the tests' own runs
(``windup.control_and_ketamine``, ``heat_trials.intact_and_lidocaine``): the network is built
once (C++ standalone) and re-run for every candidate with its overrides as run arguments, the
route every protocol takes
(``Circuit.parameter_values``). Usage::

    python -m experiments.calibration "calcium.nmda_ca_gain=0.014 uM/(pA*s)" \\
        "connections.c_peptidergic_to_wdr.w_nmda=0.16nS;dorsal_horn.wdr.g_can=3nS"

Each argument is one candidate: ``;``-separated ``path=value`` overrides of the parameter
source (an empty string is the current source). The table printed has, per candidate,
R16/R1 at 0.5 and 1 Hz without and with 0.5 uM ketamine, the ketamine change of the first
C-fibre response, the ketamine share of wind-up removed, the mean heat latency and its change
under RVM lidocaine. ``--seed 1 2 3 4 5`` scores each candidate over several network draws (each
figure the mean of the seeds; experiments/fits/windup_seeds.toml has the draws' spread). Targets: ``tests/experiments/test_windup.py`` and
``tests/experiments/test_heat_trials.py``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from circuits import ParameterSet
from circuits.circuit import is_build_time
from circuits.parameters import parse_unit

from .config import parse_value
from .protocols import heat_trials, windup

KETAMINE_UM = 0.5
SCALE = 0.5
SEED = 1


def candidate(text: str) -> dict:
    """``"a.b=1nS;c.d=0.02 uM/(pA*s)"`` -> overrides of the parameter source (checked)."""
    overrides = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        path, _, value = (part.strip() for part in item.partition("="))
        number, _, unit = value.partition(" ")
        overrides[path] = float(number) * parse_unit(unit) if unit else parse_value(value)
    ParameterSet(overrides)  # raises on an unknown path or a wrong unit
    fixed = sorted(path for path in overrides if is_build_time(path))
    if fixed:
        raise ValueError(f"{', '.join(fixed)} is fixed when the network is built; candidates share one build "
                         "(change the parameter source and run again)")
    return overrides


def windup_scores(candidates: list[dict], build_root: str, seed: int = SEED) -> list[dict]:
    """The wind-up test's runs (tests/experiments/test_windup.py): (R16/R1, first response)."""
    knobs = {name: knob.default for name, knob in windup.KNOBS.items()}
    runs = windup.control_and_ketamine(knobs, KETAMINE_UM, scale=SCALE, seed=seed, build_root=build_root,
                                       candidates=tuple(ParameterSet(c) for c in candidates))
    return [{key: (out["windup_ratio"], out["first_c_response"]) for key, out in run.items()} for run in runs]


def heat_scores(candidates: list[dict], build_root: str, n_trials: int, seed: int = SEED) -> list[dict]:
    """The heat test's runs (tests/experiments/test_heat_trials.py) with ``n_trials`` trials."""
    knobs = dict({name: knob.default for name, knob in heat_trials.KNOBS.items()}, n_trials=n_trials)
    runs = heat_trials.intact_and_lidocaine(knobs, heat_trials.SCREENING_RAMP_S, scale=SCALE, seed=seed, build_root=build_root,
                                            candidates=tuple(ParameterSet(c) for c in candidates))
    keys = ("withdrawal_latency_s", "p_on_burst", "on_burst_lead_ms", "off_pause_lead_ms")
    return [{lido: tuple(float(np.mean(run[lido][key])) if key in run[lido] else float("nan") for key in keys)
             for lido in (False, True)} for run in runs]


def _mean(values) -> float:
    return float(np.mean(values))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.calibration", description=__doc__.split("\n")[0])
    parser.add_argument("candidates", nargs="*", default=[""], help="';'-separated path=value overrides")
    parser.add_argument("--only", choices=("windup", "heat"), help="score one protocol only")
    parser.add_argument("--heat-trials", type=int, default=20, help="heat trials per candidate (default 20, as the test)")
    parser.add_argument("--seed", type=int, nargs="+", default=[SEED],
                        help=f"network and noise seeds; with several, each figure is their mean (default {SEED}, as the tests)")
    parser.add_argument("--build-root", default=".build/calibration")
    args = parser.parse_args(argv)
    candidates = [candidate(text) for text in args.candidates or [""]]
    wind = None if args.only == "heat" else [windup_scores(candidates, args.build_root, s) for s in args.seed]
    heat = None if args.only == "windup" else [heat_scores(candidates, args.build_root, args.heat_trials, s)
                                                for s in args.seed]
    seeds = "" if len(args.seed) == 1 else f" (mean of seeds {', '.join(map(str, args.seed))})"
    for k, text in enumerate(args.candidates or [""]):
        cells = []
        for hz in (0.5, 1.0) if wind else ():
            per_seed = [(w[k][hz, 0.0], w[k][hz, KETAMINE_UM]) for w in wind]
            r0, r1 = _mean([c[0] for c, _ in per_seed]), _mean([c[0] for _, c in per_seed])
            removed = _mean([1 - (k1[0] - 1) / (k0[0] - 1) if k0[0] > 1 else float("nan") for k0, k1 in per_seed])
            first = _mean([k0[1] for k0, _ in per_seed])
            change = _mean([k1[1] / k0[1] - 1 if k0[1] else float("nan") for k0, k1 in per_seed])
            cells.append(f"{hz:g} Hz R16/R1 {r0:.2f} ket {r1:.2f} (removed {removed:.0%}) first {first:.2f} "
                         f"ket {change:+.0%}")
        if heat:
            lat, p_on, on_lead, off_lead = (_mean([h[k][False][i] for h in heat]) for i in range(4))
            lido = _mean([h[k][True][0] / h[k][False][0] - 1 for h in heat])
            cells.append(f"latency {lat:.2f} s lidocaine {lido:+.1%} p_on {p_on:.2f} "
                         f"leads ON {on_lead:.0f} OFF {off_lead:.0f} ms")
        print(f"[{text or 'source'}]{seeds}\n    {' | '.join(cells)}", flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
