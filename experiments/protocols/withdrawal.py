"""Naloxone-precipitated withdrawal after acute morphine dependence: heat withdrawal latency and
the RVM ON, OFF and NEUTRAL cells drug-free, on morphine and after naloxone.

The ``acute_opioid`` protocol with naloxone (its read-outs and knobs; only the defaults differ):
morphine 10 mg/kg s.c., heat trials 15 min later, naloxone 1 mg/kg s.c. 3 h after the morphine
and heat trials 15 min after naloxone (Kaplan & Fields 1991 J Neurosci 11:1433: naloxone after
acute morphine shortens the tail-flick latency below baseline, and lidocaine in the RVM abolishes
that hyperalgesia; Bederson, Fields & Barbaro 1990: ON cells more active and OFF cells silent in
withdrawal). Set ``rvm_inactivated`` to repeat it with lidocaine in the RVM.
"""

from __future__ import annotations

from dataclasses import replace

from . import acute_opioid

NAME = "withdrawal"
SUMMARY = "naloxone-precipitated withdrawal after acute morphine: heat latency and ON/OFF/NEUTRAL cells"
KNOBS = dict(acute_opioid.KNOBS,
             dose_mg_kg=replace(acute_opioid.KNOBS["dose_mg_kg"], default=10.0,
                                doc="morphine dose that makes the rat acutely dependent [T] (Kaplan & Fields 1991)"),
             route=replace(acute_opioid.KNOBS["route"], default="sc"),
             naloxone_mg_kg=replace(acute_opioid.KNOBS["naloxone_mg_kg"], default=1.0))
run = acute_opioid.run
