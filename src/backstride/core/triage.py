"""Red-flag screening, checked on every check-in before anything else.

The worst level wins: emergency > see_clinician_soon > see_clinician > none.
Red flags are read from the latest check-in on or before today; the history
rule (T-PERSIST) reads every check-in and run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.contract import Checkin, Reason, State, Triage
from backstride.core.flags import answers_in_force
from backstride.core.pain_response import WeekResponse, pre_run_pain
from backstride.core.timeline import DAY, Timeline, daterange
from backstride.rules import Catalogue

__all__ = ["LEVEL_ORDER", "TriageResult", "pain_episode", "triage"]

LEVEL_ORDER = ("none", "see_clinician", "see_clinician_soon", "emergency")
_DIAGNOSES = {
    "sciatica": "sciatica",
    "nerve_root_compression": "nerve root compression",
    "spinal_cord_compression": "spinal cord compression",
    "disc_injury": "a disc injury",
    "bone_stress_injury": "a bone stress injury",
    "fracture": "a fracture",
    "severe_sprain": "a severe back sprain",
}


@dataclass(frozen=True, slots=True)
class TriageResult:
    """The triage level, its reasons, and whether running must stop (and which rule stops it)."""

    level: str
    reasons: tuple[Reason, ...]
    stopped_by: tuple[str, ...]  # rule ids that stop running

    @property
    def running_allowed(self) -> bool:
        """False when any fired rule stops running."""
        return not self.stopped_by

    @property
    def fired(self) -> tuple[str, ...]:
        """Every triage rule that fired."""
        return tuple(r.rule for r in self.reasons)

    def as_contract(self) -> Triage:
        """The contract's triage object."""
        return Triage(level=self.level, reasons=self.reasons)  # type: ignore[arg-type]


def _join(signs: list[str]) -> str:
    if len(signs) == 1:
        return signs[0]
    return ", ".join(signs[:-1]) + " and " + signs[-1]


def _emergency_signs(c: Checkin) -> list[str]:
    signs = []
    if c.bladder_bowel_change:
        signs.append("new trouble with your bladder or bowel")
    if c.saddle_numbness:
        signs.append("numbness around your groin, buttocks or genitals")
    if c.both_legs and c.leg_weakness:
        signs.append("weakness in both legs")
    if c.both_legs and c.numbness_tingling:
        signs.append("numbness or tingling in both legs")
    if c.both_legs and c.radiating_below_knee:
        signs.append("pain shooting down both legs")
    return signs


def _neuro_signs(c: Checkin) -> list[str]:
    signs = []
    if c.numbness_tingling:
        signs.append("tingling or numbness")
    if c.radiating_below_knee:
        signs.append("pain shooting down the leg below the knee")
    if c.leg_weakness:
        signs.append("weakness or clumsiness in a leg")
    if c.fever_unwell:
        signs.append("feeling generally unwell or feverish")
    return signs


def pain_episode(tl: Timeline, gap_days: int) -> tuple[dt.date, dt.date] | None:
    """First and last day of the current run of pain days (gaps shorter than ``gap_days``)."""
    key = ("pain_episode", gap_days)
    if key not in tl.memo:
        tl.memo[key] = _pain_episode(tl, gap_days)
    found = tl.memo[key]
    return found if isinstance(found, tuple) else None


def _pain_episode(tl: Timeline, gap_days: int) -> tuple[dt.date, dt.date] | None:
    days = tl.pain_days()
    if not days:
        return None
    start = days[-1]
    for earlier in reversed(days[:-1]):
        if (start - earlier).days > gap_days:
            break
        start = earlier
    return start, days[-1]


def _weekly_mean_pain(tl: Timeline, start: dt.date) -> float | None:
    scores = [c.pain_rest for c in map(tl.checkins.get, daterange(start, start + 7 * DAY))
              if c is not None and c.pain_rest is not None]
    return sum(scores) / len(scores) if scores else None


def _persist_reasons(
    tl: Timeline, weeks: Sequence[WeekResponse], latest: Checkin | None, rules: Catalogue
) -> list[str]:
    """Each way the pain is lingering or coming back (T-PERSIST)."""
    out: list[str] = []
    today = tl.today
    p = "T-PERSIST"
    if latest is not None and latest.night_pain:
        out.append("your pain is worse at rest or at night")
    episode = pain_episode(tl, int(rules.value(p, "episode_gap_days")))
    if episode is not None and (today - episode[1]).days <= 7:
        weeks_long = (episode[1] - episode[0]).days / 7
        if weeks_long >= rules.value(p, "weeks_with_pain"):
            out.append(f"you have had back pain for about {weeks_long:.0f} weeks")
    n = int(rules.value(p, "worsening_weeks"))
    means = [_weekly_mean_pain(tl, today - 7 * (k + 1) * DAY) for k in range(n)]
    if all(m is not None for m in means):
        seq = [m for m in reversed(means) if m is not None]  # oldest first
        # Worse week on week, with pain in every one of those weeks (a new episode's onset is not "worsening").
        rising = seq[0] >= 1 and all(b > a for a, b in itertools.pairwise(seq))
        if rising and seq[-1] - seq[0] >= rules.value(p, "worsening_min_rise"):
            out.append(f"your pain has been getting worse week by week for {n} weeks")
    reds, need = 0, int(rules.value(p, "red_weeks_without_tolerable_dose"))
    for k in range(min(need, len(weeks))):
        if weeks[k].level != "red":
            break
        reds += 1
    if reds >= need:
        out.append(f"runs have flared your back {reds} weeks in a row even with less running")
    # Morning pain still raised 48-72 h after a session.
    linger = int(rules.value(p, "lingering_days"))
    rise = rules.value(p, "lingering_rise_points")
    for day in tl.run_dates(today - 7 * DAY, today - linger * DAY):
        before = pre_run_pain(tl, day, rules)
        if before is None:
            continue
        later = [tl.checkin(day + k * DAY) for k in range(2, linger + 2)]
        scores = [c.pain_rest for c in later if c is not None and c.pain_rest is not None]
        if len(scores) >= 1 and all(s >= before + rise for s in scores) and not any(
            d in tl.run_km for d in daterange(day + DAY, day + (linger + 1) * DAY)
        ):
            out.append(f"pain was still up {linger} days after your run on {day.isoformat()}")
            break
    return out


def _no_tolerable_dose(weeks: Sequence[WeekResponse], rules: Catalogue) -> int:
    """Red or amber weeks in a row, most recent first, when there are enough of them (T-NODOSE), else 0."""
    need = int(rules.value("T-NODOSE", "weeks_in_a_row"))
    count = 0
    for week in weeks:
        if week.level not in ("red", "amber"):
            break
        count += 1
    return count if count >= need else 0


def _severe_mornings(tl: Timeline, rules: Catalogue) -> int:
    """Mornings with severe pain at rest within the window up to today, when there are enough (P-SEVERE-REST)."""
    severe = rules.value("P-SEVERE-REST", "severe_points")
    window = int(rules.value("P-SEVERE-REST", "window_days"))
    count = sum(1 for d in daterange(tl.today - (window - 1) * DAY, tl.today + DAY)
                if (c := tl.checkins.get(d)) is not None and c.pain_rest is not None and c.pain_rest >= severe)
    return count if count >= rules.value("P-SEVERE-REST", "mornings") else 0


def triage(state: State, tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> TriageResult:
    """Screen the answers in force today and the history; the worst level wins.

    Each warning sign is read from the latest check-in that answered its question (T-PERSIST-FLAGS):
    a yes stays until answered no, and a standing fact until a clinician's clearance.
    """
    athlete = state.athlete
    cleared = "cleared_to_run" in athlete.diagnoses
    in_force = answers_in_force(state.checkins, state.today, cleared)
    latest: Checkin | None = in_force.answers
    found: list[tuple[str, str]] = []  # (rule id, text)
    if latest is not None:
        signs = _emergency_signs(latest)
        if signs:
            found.append(("T-EMERG",
                          f"EMERGENCY — you reported {_join(signs)}. This can mean pressure on the nerves at the "
                          "base of the spine (cauda equina syndrome), which needs treatment within hours. "
                          "Go to an emergency department now, or call your emergency number. "
                          "Do not run or train."))
        signs = _neuro_signs(latest)
        if signs:
            found.append(("T-NEURO",
                          f"You reported {_join(signs)}. Stop running for now and see a doctor or "
                          "physiotherapist within the next day or two, so they can check the nerves."))
    serious = []
    if athlete.history_of_cancer and not cleared:
        serious.append("a history of cancer")
    if latest is not None and latest.unexplained_weight_loss:
        serious.append("weight loss you cannot explain")
    if latest is not None and latest.recent_trauma:
        serious.append("a fall, accident or knock before the pain began"
                       + (" (with osteoporosis or long-term steroids)" if athlete.osteoporosis_or_steroids else ""))
    if serious:
        found.append(("T-SERIOUS",
                      f"You mentioned {_join(serious)}. Most back pain is nothing serious, but a doctor "
                      "should check this before you run again: book an appointment within the next few days."))
    diagnosed = [_DIAGNOSES[d] for d in athlete.diagnoses if d in _DIAGNOSES]
    if diagnosed and not cleared:
        found.append(("T-DIAG",
                      f"Your clinician has diagnosed {_join(diagnosed)}. No running until they clear you to run; "
                      "cross-training and your rehab exercises are fine."))
    if latest is not None and (latest.walking_pain or latest.limping):
        what = ("your back hurts when you walk" if latest.walking_pain else "") + (
            (" and " if latest.walking_pain else "") + "the pain changes how you walk" if latest.limping else "")
        when = "Today" if not (set(in_force.carried(state.today)) & {"walking_pain", "limping"}) else \
            "Your last answer was that"
        found.append(("T-WALK",
                      f"{when} {what}. No running for now: walk and cross-train as far as it is comfortable, "
                      "and check in again tomorrow."))
    carried = in_force.carried(state.today)
    if carried and found:
        first = min(in_force.since[f] for f in carried)
        found.append(("T-PERSIST-FLAGS",
                      f"A warning sign you reported on {first.day} {first:%B} still counts: it stays until a "
                      "check-in answers that question no (or a clinician clears it)."))
    nodose = _no_tolerable_dose(weeks, rules)
    if nodose:
        found.append(("T-NODOSE",
                      f"We have not found a running dose your back tolerates yet: {nodose} weeks in a row your "
                      "runs have flared it or given moderate pain, even with less running. Please get it assessed "
                      "by a physiotherapist or doctor; until then running is held to short run:walk tests beside "
                      "cross-training."))
    severe = _severe_mornings(tl, rules)
    if severe:
        points, days = rules.value("P-SEVERE-REST", "severe_points"), rules.value("P-SEVERE-REST", "window_days")
        found.append(("P-SEVERE-REST",
                      f"Your back has been severely painful at rest on {severe} mornings in the last {days:.0f} "
                      f"days ({points:.0f}/10 or more). Please have it assessed by a physiotherapist or doctor "
                      "within the next few days; no running on a morning like that."))
    persist = _persist_reasons(tl, weeks, latest, rules)
    if persist:
        found.append(("T-PERSIST",
                      f"{_join(persist).capitalize()}. Please have your back assessed by a physiotherapist or "
                      "doctor; meanwhile you can keep training in the gentler way planned below."))
    level = "none"
    stopped: list[str] = []
    for rule_id, _ in found:
        rule = rules.rule(rule_id)
        if rule.level is not None and LEVEL_ORDER.index(rule.level) > LEVEL_ORDER.index(level):
            level = rule.level
        if rule.stops_running:
            stopped.append(rule_id)
    order = {rid: i for i, rid in enumerate(("T-EMERG", "T-NEURO", "T-SERIOUS", "T-DIAG", "T-WALK",
                                             "T-PERSIST-FLAGS", "T-NODOSE", "P-SEVERE-REST", "T-PERSIST"))}
    found.sort(key=lambda f: order[f[0]])
    return TriageResult(level, tuple(Reason(rule=r, text=t) for r, t in found), tuple(stopped))
