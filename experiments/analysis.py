"""Read-outs computed from spikes, with the definitions the experimenters used.

Every behavioural and electrophysiological read-out of the project is computed here from the
spike trains of the simulated populations (never from model variables):

- heat trials: ramp onsets from the lamp's trial-end spikes, withdrawal from the reflex spikes;
- RVM cell responses around withdrawal, classified as in Fields et al. 1983 and Leung & Mason
  1998 (a rate change in a window around the reflex against the pre-stimulus baseline);
- spontaneous ON/OFF cycling as correlations of binned rates (Heinricher et al. 1989).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Spikes = tuple[np.ndarray, np.ndarray]  # times in ms, node ids


def on_timeline(runs: list[tuple[float, dict[str, Spikes]]]) -> dict[str, Spikes]:
    """Spikes of several runs joined on one protocol timeline: each run is ``(offset_ms,
    {population: (times_ms, ids)})`` and its times are shifted by its offset."""
    return {population: (np.concatenate([spikes[population][0] + offset for offset, spikes in runs]),
                         np.concatenate([spikes[population][1] for _, spikes in runs]))
            for population in runs[0][1]}


def population_rate(spikes: Spikes, n: int, t0_s: float, t1_s: float, width_s: float) -> np.ndarray:
    """Population rate (Hz per cell) in bins of ``width_s`` from ``t0_s`` to ``t1_s``."""
    edges = t0_s + width_s * np.arange(int(round((t1_s - t0_s) / width_s)) + 1)
    counts, _ = np.histogram(spikes[0] / 1000.0, edges)
    return counts / (n * width_s)


def cell_rates(spikes: Spikes, n: int, t0_s: float, t1_s: float) -> np.ndarray:
    """Rate of each cell (Hz) in the window [t0_s, t1_s)."""
    times_s, ids = spikes[0] / 1000.0, spikes[1].astype(np.int64)
    inside = (times_s >= t0_s) & (times_s < t1_s)
    return np.bincount(ids[inside], minlength=n) / max(t1_s - t0_s, 1e-12)


@dataclass(frozen=True)
class HeatTrial:
    """One heat ramp: its onset, the withdrawal time (None at cut-off) and the latency (s)."""

    onset_s: float
    withdrawal_s: float | None
    latency_s: float


def heat_trials(trial_end_ms: np.ndarray, withdrawal_ms: np.ndarray, *, start_s: float,
                t_before_s: float, cutoff_s: float, n_trials: int) -> list[HeatTrial]:
    """Recover the trials from the lamp's trial-end spikes and the reflex spikes.

    Trial k starts at the end of trial k-1 (``start_s`` for the first); its ramp starts
    ``t_before_s`` later. A withdrawal within the cut-off ends the ramp; latencies at the
    cut-off are reported as the cut-off (censored, as experimenters do).
    """
    starts = np.concatenate([[start_s], np.sort(trial_end_ms) / 1000.0])[:n_trials]
    withdrawals = np.sort(withdrawal_ms) / 1000.0
    trials = []
    for start in starts:
        onset = start + t_before_s
        inside = withdrawals[(withdrawals > onset) & (withdrawals <= onset + cutoff_s)]
        if inside.size:
            trials.append(HeatTrial(onset, float(inside[0]), float(inside[0] - onset)))
        else:
            trials.append(HeatTrial(onset, None, cutoff_s))
    return trials


def response_onset_lead(rate: np.ndarray, times: np.ndarray, baseline: np.ndarray, *, increase: bool) -> float:
    """Lead (s, positive before withdrawal at time 0) of a sustained rate change.

    ``rate`` is a peri-withdrawal population rate sampled at ``times`` (s); ``baseline`` the same
    rate in the pre-stimulus period. The change starts at the first bin from which the rate
    stays beyond the criterion up to withdrawal: above the baseline mean plus 4 s.d. (ON burst;
    Leung & Mason 1998 counted responses beyond 4 s.d. of spontaneous fluctuations), or below
    half the baseline mean (OFF pause). The change may start in the bin just after withdrawal
    at the latest; NaN when it has not started by then.
    """
    mean = float(np.mean(baseline))
    beyond = rate > mean + 4 * float(np.std(baseline)) if increase else rate < 0.5 * mean
    last = min(np.searchsorted(times, 0.0, side="right"), len(times) - 1)
    if not beyond[last]:
        return float("nan")
    first = last
    while first > 0 and beyond[first - 1]:
        first -= 1
    return float(-times[first])


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation, 0 when either signal is constant."""
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def mean_pairwise_correlation(spikes: Spikes, n: int, t0_s: float, t1_s: float, width_s: float) -> float:
    """Mean correlation of binned spike counts over all pairs of active cells."""
    edges = t0_s + width_s * np.arange(int(round((t1_s - t0_s) / width_s)) + 1)
    counts = np.zeros((n, len(edges) - 1))
    times_s, ids = spikes[0] / 1000.0, spikes[1].astype(np.int64)
    for cell in range(n):
        counts[cell], _ = np.histogram(times_s[ids == cell], edges)
    active = counts[counts.std(axis=1) > 0]
    if len(active) < 2:
        return 0.0
    c = np.corrcoef(active)
    return float(c[np.triu_indices(len(active), 1)].mean())


def peak_kernel_rate(spikes: Spikes, n: int, t0_s: float, t1_s: float, tau_s: float, dt_s: float = 0.005) -> float:
    """Peak population rate (Hz per cell) in [t0_s, t1_s) estimated with an exponential kernel
    of ``tau_s``: the estimate the withdrawal reflex integrates (``circuits.stimuli``)."""
    start = t0_s - 5 * tau_s
    edges = start + dt_s * np.arange(int(round((t1_s - start) / dt_s)) + 1)
    counts, _ = np.histogram(spikes[0] / 1000.0, edges)
    decay, estimate, peak = np.exp(-dt_s / tau_s), 0.0, 0.0
    for k, count in enumerate(counts):
        estimate = estimate * decay + count
        if edges[k] >= t0_s:
            peak = max(peak, estimate / (n * tau_s))
    return float(peak)
