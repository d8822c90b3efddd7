"""Primary afferents: A-beta, A-delta, peptidergic and non-peptidergic C fibres.

Each fibre fires as an inhomogeneous Poisson process whose rate sums three drives:

- heat: ``heat_gain`` per kelvin of skin temperature above the fibre's own heat threshold
  (thresholds spread around the class mean; LaMotte & Campbell 1978, Treede et al. 1995);
- mechanical force: the rate profile of Medlock et al. 2022, an onset rate relaxing to an
  adapted rate, scaled by force / reference force as in their ``spkt_gen.py``; the force and the
  time of its onset come from the TimedArrays ``force_ratio`` and ``force_onset``;
- electrical stimulation: each pulse that reaches the fibre's recruitment threshold makes it
  fire once after its class's conduction latency plus a random dispersion (Aguiar et al. 2010).
"""

AFFERENT_EQUATIONS = """
rate = rate_spontaneous
       + heat_gain * clip(T_skin - heat_threshold, 0 * kelvin, 100 * kelvin)
       + force_ratio(t) * (mech_rate_adapted + (mech_rate_onset - mech_rate_adapted)
                           * exp(-(t - force_onset(t)) / mech_tau_adapt)) : Hz
T_skin : kelvin (linked)
rate_spontaneous : Hz (constant)
heat_gain : Hz / kelvin (constant)
heat_threshold : kelvin (constant)
mech_rate_onset : Hz (constant)
mech_rate_adapted : Hz (constant)
mech_tau_adapt : second (constant)
conduction_latency : second (constant)
latency_dispersion : second (constant)
electrical_threshold : 1 (constant)
pending : 1
t_fire : second
population : integer (constant)
"""

AFFERENT_THRESHOLD = "rand() < rate * dt or (pending > 0.5 and t >= t_fire)"
AFFERENT_RESET = "pending = pending * int(t < t_fire)"
AFFERENT_REFRACTORY = "1*ms"

#: Parameters of ``circuits.parameters`` copied per fibre.
FIBRE_PARAMETERS = ("rate_spontaneous", "heat_gain", "heat_threshold", "mech_rate_onset",
                    "mech_rate_adapted", "mech_tau_adapt", "conduction_latency",
                    "latency_dispersion", "electrical_threshold")

#: A pulse of the electrical stimulator schedules one volley spike in every recruited fibre.
VOLLEY_ON_PRE = """
t_fire_post = t + conduction_latency_post + latency_dispersion_post * randn()
pending_post = int(strength_pre >= electrical_threshold_post)
"""
