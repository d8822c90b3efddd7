"""The C-fibre test probe shared by the LTP protocols (``hfs_ltp``, ``withdrawal_ltp``).

A probe is one run of the fast layer with ``n_test`` C-fibre-strength test pulses at
``test_hz`` (the electrical stimulator of ``circuits.stimuli``). Its read-out, the C-fibre-evoked
response, is the number of spikes per lamina I NK1R+ cell 90-300 ms after each pulse, averaged
over the pulses: the spiking counterpart of the C-fibre-evoked field potential recorded in the
LTP experiments (Benrath et al. 2004; Drdla et al. 2009); the same read-out of the spino-PAG
cells carries the suffix ``_spino_pag`` (Ikeda et al. 2006). Runs of a protocol share one build, so
the probe duration also bounds any other run of the protocol (a conditioning train is cut into
runs of that length, carried from one to the next by the two-time-scale engine).
"""

from __future__ import annotations

import numpy as np

from .. import analysis
from . import windup
from .base import Knob, Readout, TimeSeries

MIN = 60.0
KNOBS = {
    "n_test": Knob(5, "count", "test pulses per probe", minimum=1, maximum=50),
    "test_hz": Knob(0.5, "Hz", "test pulse frequency", minimum=0.05, maximum=2.0),
    "strength": Knob(10.0, "1", "test pulse strength in multiples of the A-beta threshold (10: the C-fibre threshold, "
                     "a submaximal response that can grow; Sandkuehler 2007)", minimum=0.0),
}
#: C-fibre response window after each test pulse (s)
C_WINDOW_S = windup.C_WINDOW_S


def test_train(knobs: dict) -> dict:
    """The test-pulse train of one probe, in the stimulator's terms (``windup`` knobs)."""
    return {"stim_hz": knobs["test_hz"], "n_stim": knobs["n_test"], "strength": knobs["strength"]}


def duration_s(knobs: dict) -> float:
    return windup.duration_s(test_train(knobs))


def evoked_response(spikes: dict, n_cells: int, knobs: dict, population: str = "lamina1_nk1r") -> float:
    """Spikes per cell of ``population`` in the C-fibre window, averaged over the test pulses."""
    times_s = spikes[population][0] / 1000.0
    counts = [np.count_nonzero((times_s >= t + C_WINDOW_S[0]) & (times_s < t + C_WINDOW_S[1]))
              for t in windup.pulse_times(test_train(knobs))]
    return float(np.mean(counts)) / n_cells


#: The lamina I projection classes whose C-fibre input is plastic, with the suffix of their
#: read-outs: NK1R+ (spino-parabrachial) cells, the LTP cells of Ikeda et al. 2003 and of the field
#: potentials of Benrath et al. 2004 and Drdla et al. 2009, unsuffixed; spino-PAG cells (Ikeda et
#: al. 2006) with ``_spino_pag``.
PROJECTION_CLASSES = {"lamina1_nk1r": ("", "lamina I NK1R+"), "spino_pag": ("_spino_pag", "spino-PAG")}


def ltp_readouts(probes: list, sizes: dict, knobs: dict, *, baseline: int, last_min: float = 60.0) -> dict[str, Readout]:
    """Evoked responses of the probes (records of ``CoupledRun.probe``) of each projection class
    against the probe ``baseline``; ``ltp_percent`` averages the probes of the last ``last_min`` minutes."""
    times_min = np.array([r.time_s for r in probes]) / MIN
    last = times_min >= times_min[-1] - last_min + 1e-9
    readouts = {"probe_times_min": Readout(times_min, "min", "time of each probe")}
    for population, (suffix, label) in PROJECTION_CLASSES.items():
        evoked = np.array([evoked_response(r.spikes, sizes[population], knobs, population) for r in probes])
        reference = evoked[baseline]
        percent = 100.0 * evoked / reference if reference > 0 else np.full_like(evoked, np.nan)
        readouts.update({
            f"evoked_response{suffix}": Readout(evoked, "1", f"spikes per {label} cell 90-300 ms after a C-fibre test pulse"),
            f"evoked_percent{suffix}": Readout(percent, "%", f"{label} evoked response as a percentage of the baseline probe"),
            f"ltp_percent{suffix}": Readout(float(np.mean(percent[last])), "%",
                                            f"mean {label} evoked response of the probes in the last {last_min:g} min, % of baseline"),
            f"potentiation_mean{suffix}": Readout(np.array([r.states[f"potentiation_mean_{population}"] for r in probes]), "1",
                                                  f"mean potentiation of the plastic C-fibre input of {label} cells before each probe"),
        })
    return readouts


def protocol_time_spikes(records: list) -> dict:
    """Spikes of all runs at their protocol time (run time plus time within the run, ms)."""
    return analysis.on_timeline([(1000.0 * r.time_s, r.spikes) for r in records])


def state_courses(records: list) -> dict[str, TimeSeries]:
    """The slow-layer states at each run."""
    times = np.array([r.time_s for r in records])
    return {f"state_{name}": TimeSeries(times, np.array([r.states[name] for r in records]), "1",
                                        doc=f"slow-layer {name.replace('_', ' ')} at each run")
            for name in records[0].states}
