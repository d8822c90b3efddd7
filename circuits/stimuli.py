"""Stimulus devices and the withdrawal read-out, as small Brian2 groups inside the network.

- ``heat``: a radiant-heat lamp run as a series of trials (tail flick, Hargreaves). Each trial
  waits ``t_before``, heats the skin at ``ramp_rate`` until withdrawal or the cut-off, lets it cool
  and ends ``t_after`` after the ramp. The group spikes once at every trial end, so trial
  boundaries are recorded as spikes. Skin temperatures are in degrees C held as kelvin.
- ``stimulator``: an electrical stimulator delivering ``n_left`` pulses at ``period`` from
  ``t_next``, of ``strength`` in multiples of the A-beta threshold (C-strength >= 10), in trains
  of ``train_size`` pulses separated by an extra ``train_gap`` (conditioning tetani such as
  HFS, 100 Hz for 1 s repeated every 10 s; Benrath et al. 2004).
- ``withdrawal``: the nocifensive reflex. It keeps a running estimate of the WDR population
  rate (exponential kernel ``tau_reflex``) and fires when it passes ``rate_threshold``: the
  withdrawal that ends a heat ramp. Lamina V WDR neurons drive the flexion reflex
  (Schouenborg & Sjolund 1983 J Neurophysiol 50:1108).
- ``rvm_state``: the common slow drive of RVM ON cells, an Ornstein-Uhlenbeck process with time
  constant ``tau`` (seconds) and s.d. ``sigma`` around ``mean``.
"""

RVM_STATE_EQUATIONS = """
ddrive/dt = (mean - drive) / tau + sigma * sqrt(2 / tau) * xi : amp
mean : amp (constant)
sigma : amp
tau : second (constant)
"""

HEAT_EQUATIONS = """
dtimer/dt = 1 : second
dT_skin/dt = heating * ramp_rate * int(T_skin < T_max) - (1 - heating) * (T_skin - T_base) / tau_cool : kelvin
heating = int(trials_on > 0.5 and timer > t_before and timer < t_before + cutoff and withdrawn < 0.5) : 1
trial_end = t_before + withdrawn * latency + (1 - withdrawn) * cutoff + t_after : second
withdrawn : 1
latency : second
trials_on : 1
t_before : second (constant)
t_after : second (constant)
cutoff : second (constant)
ramp_rate : kelvin / second (constant)
T_base : kelvin (constant)
T_max : kelvin (constant)
tau_cool : second (constant)
"""
HEAT_THRESHOLD = "trials_on > 0.5 and timer > trial_end"
HEAT_RESET = "timer = 0 * second; withdrawn = 0; latency = 0 * second"

#: A withdrawal during a ramp stops the lamp and records the latency.
WITHDRAWAL_ON_PRE = """
latency_post = latency_post + heating_post * (timer_post - t_before_post)
withdrawn_post = withdrawn_post + heating_post
"""

STIMULATOR_EQUATIONS = """
t_next : second
n_left : 1
period : second
strength : 1
train_size : 1
train_gap : second
pulse_in_train : 1
"""
STIMULATOR_THRESHOLD = "n_left > 0.5 and t >= t_next"
STIMULATOR_RESET = """
n_left -= 1
pulse_in_train += 1
t_next += period + train_gap * int(pulse_in_train >= train_size)
pulse_in_train = pulse_in_train * int(pulse_in_train < train_size)
"""

WITHDRAWAL_EQUATIONS = """
drate/dt = -rate / tau_reflex : Hz
tau_reflex : second (constant)
rate_threshold : Hz
n_wdr : 1 (constant)
"""
WITHDRAWAL_THRESHOLD = "rate > rate_threshold"
WDR_TO_WITHDRAWAL_ON_PRE = "rate_post += 1 / (n_wdr_post * tau_reflex_post)"
