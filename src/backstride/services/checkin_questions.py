"""The check-in's yes/no symptom questions, in plain words: one list for the command line and the web app."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ASKED_EACH_MORNING", "LEG_DETAIL", "LEG_SYMPTOMS", "SYMPTOMS", "SYMPTOM_NAMES", "Symptom"]


class Symptom(NamedTuple):
    """A check-in field answered yes or no, and how it is asked."""

    name: str
    question: str
    daily: bool = True  # asked every morning; the others are given when they apply


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom("walking_pain", "Is your back quite painful when you walk?"),
    Symptom("limping", "Does the pain make you limp or change how you walk?"),
    Symptom("radiating_below_knee", "Does pain shoot down a leg below the knee?"),
    Symptom("numbness_tingling", "Any tingling or numbness in a leg or foot?"),
    Symptom("leg_weakness", "Does a leg feel weak or clumsy?"),
    Symptom("both_legs", "Are the leg symptoms in both legs?"),
    Symptom("saddle_numbness", "Any numbness around your groin, buttocks or genitals?"),
    Symptom("bladder_bowel_change", "Any new trouble passing urine, or controlling your bladder or bowel?"),
    Symptom("fever_unwell", "Do you feel generally unwell or feverish?"),
    Symptom("night_pain", "Is the pain worse at rest or at night?"),
    Symptom("unexplained_weight_loss", "Have you lost weight without trying?", daily=False),
    Symptom("recent_trauma", "Did a fall, accident or blow come before this pain?", daily=False),
)
SYMPTOM_NAMES: tuple[str, ...] = tuple(s.name for s in SYMPTOMS)
ASKED_EACH_MORNING: tuple[Symptom, ...] = tuple(s for s in SYMPTOMS if s.daily)
# "Both legs?" only makes sense when there are leg symptoms.
LEG_DETAIL = "both_legs"
LEG_SYMPTOMS = ("radiating_below_knee", "numbness_tingling", "leg_weakness")
