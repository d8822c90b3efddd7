"""Primary afferents: A-beta, A-delta, peptidergic and non-peptidergic C fibres.

Each fibre fires as an inhomogeneous Poisson process whose rate sums three drives:

- heat: ``heat_gain`` per kelvin of skin temperature above the fibre's own heat threshold
  (thresholds spread around the class mean; LaMotte & Campbell 1978, Treede et al. 1995);
- mechanical force: the rate profile of Medlock et al. 2022, an onset rate relaxing to an
  adapted rate, scaled by force / reference force as in their ``spkt_gen.py``; the force and the
  time of its onset come from the TimedArrays ``force_ratio`` and ``force_onset``, scaled by
  ``force_gain`` (1 by default; a protocol with one force step per run sets the force of each run
  through it, so one build applies any force);
- electrical stimulation: each pulse that reaches the fibre's recruitment threshold (the class
  value with a log-normal spread across fibres, so responses grow with stimulus strength) makes it
  fire once after its conduction delay: the class latency plus a dispersion drawn once per fibre
  (Aguiar et al. 2010). The delay is the synaptic delay of the stimulator-to-afferent pathway
  (``volley``), so the pulses of a high-frequency train that are in flight together each arrive
  (a 100 Hz train has ~20 pulses on the way along a C fibre).
"""

AFFERENT_EQUATIONS = """
rate = rate_spontaneous
       + heat_gain * clip(T_skin - heat_threshold, 0 * kelvin, 100 * kelvin)
       + force_gain * force_ratio(t) * (mech_rate_adapted + (mech_rate_onset - mech_rate_adapted)
                           * exp(-(t - force_onset(t)) / mech_tau_adapt)) : Hz
T_skin : kelvin (linked)
rate_spontaneous : Hz (constant)
heat_gain : Hz / kelvin (constant)
heat_threshold : kelvin (constant)
mech_rate_onset : Hz (constant)
mech_rate_adapted : Hz (constant)
mech_tau_adapt : second (constant)
force_gain : 1 (shared)
electrical_threshold : 1 (constant)
pending : 1
population : integer (constant)
"""

AFFERENT_THRESHOLD = "rand() < rate * dt or pending > 0.5"
AFFERENT_RESET = "pending = 0"
AFFERENT_REFRACTORY = "1*ms"

#: Parameters of ``circuits.parameters`` copied per fibre.
FIBRE_PARAMETERS = ("rate_spontaneous", "heat_gain", "heat_threshold", "mech_rate_onset",
                    "mech_rate_adapted", "mech_tau_adapt", "electrical_threshold")
#: Parameters of the conduction delay (the ``volley`` pathway's synaptic delay) per fibre class.
VOLLEY_PARAMETERS = ("conduction_latency", "latency_dispersion")
#: Shortest conduction delay (s): a pulse never reaches a fibre in the step it is given.
MIN_VOLLEY_DELAY_S = 1e-3

#: A pulse of the electrical stimulator reaching a recruited fibre makes it fire.
VOLLEY_ON_PRE = "pending_post += int(strength_pre >= electrical_threshold_post)"
