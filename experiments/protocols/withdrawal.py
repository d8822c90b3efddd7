"""Naloxone-precipitated withdrawal after acute morphine dependence: heat withdrawal latency and
the RVM ON, OFF and NEUTRAL cells drug-free, on morphine and after naloxone.

The ``acute_opioid`` protocol with naloxone (its read-outs and knobs; only the defaults differ),
after Kaplan & Fields 1991 J Neurosci 11:1433 (experiment 2): morphine 2 mg/kg i.v., heat trials
10 min later, naloxone 1 mg/kg i.v. 15 min after the morphine (Kim, Fields & Barbaro 1990 Brain
Res 516:37: acute dependence within 15 min) and heat trials 2 min after naloxone. Naloxone
shortens the withdrawal latency below baseline, and lidocaine in the RVM abolishes that
hyperalgesia (Kaplan & Fields 1991); ON cells are more active and OFF cells silent in withdrawal
(Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185). Set ``rvm_inactivated`` to repeat it
with lidocaine in the RVM.
"""

from __future__ import annotations

from dataclasses import replace

from . import acute_opioid

NAME = "withdrawal"
SUMMARY = "naloxone-precipitated withdrawal after acute morphine: heat latency and ON/OFF/NEUTRAL cells"
KNOBS = dict(acute_opioid.KNOBS,
             dose_mg_kg=replace(acute_opioid.KNOBS["dose_mg_kg"], default=2.0,
                                doc="morphine dose that makes the rat acutely dependent (Kaplan & Fields 1991: 2 mg/kg i.v.)"),
             test_min=replace(acute_opioid.KNOBS["test_min"], default=10.0),
             naloxone_mg_kg=replace(acute_opioid.KNOBS["naloxone_mg_kg"], default=1.0,
                                    doc="naloxone after the opioid, by the opioid's route (Kaplan & Fields 1991: 1 mg/kg i.v.)"),
             naloxone_after_min=replace(acute_opioid.KNOBS["naloxone_after_min"], default=15.0,
                                        doc="time from the opioid to naloxone (Kim, Fields & Barbaro 1990: 15 min)"),
             naloxone_test_min=replace(acute_opioid.KNOBS["naloxone_test_min"], default=2.0,
                                       doc="time from naloxone to its heat-trial block (i.v. naloxone acts within a "
                                           "minute [T])"))
run = acute_opioid.run
