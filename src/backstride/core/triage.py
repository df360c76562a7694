"""Red-flag screening, checked on every check-in before anything else.

The worst level wins: emergency > see_clinician_soon > see_clinician > none.
A warning sign answered yes stays in force until a later check-in answers the
same question no; standing facts (a fall before the pain, unexplained weight
loss, a history of cancer) until a clinician clears the athlete to run
(T-PERSIST-FLAGS). The history rule (T-PERSIST) reads every check-in and run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.contract import Checkin, Reason, State, Triage
from backstride.core.pain_response import SteadyWeeks, WeeklyHistory, WeekResponse, pre_run_pain
from backstride.core.signals import severe_mornings, today_signals
from backstride.core.timeline import DAY, STANDING_FACTS, Timeline, daterange
from backstride.core.words import count, in_a_row, join, number, sentence
from backstride.rules import Catalogue

__all__ = ["LEVEL_ORDER", "TriageResult", "pain_episode", "triage", "warning_signs"]

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


def warning_signs(c: Checkin) -> tuple[str, tuple[str, ...]]:
    """The red-flag signs one check-in answers yes, in plain words, with the worst rule they fire.

    ``("T-EMERG", ...)``, ``("T-NEURO", ...)``, ``("T-SERIOUS", ...)`` or ``("", ())``: the same words
    triage uses, so a history that marks the day says what the banner said.
    """
    emergency, neuro = _emergency_signs(c), _neuro_signs(c)
    serious = [w for f, w in (("unexplained_weight_loss", "weight loss you cannot explain"),
                              ("recent_trauma", "a fall, accident or knock before the pain began"))
               if getattr(c, f)]
    rule = "T-EMERG" if emergency else "T-NEURO" if neuro else "T-SERIOUS" if serious else ""
    signs = emergency + [s for s in neuro if s not in emergency] + serious
    return rule, tuple(signs)


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


def _persist_reasons(tl: Timeline, weeks: Sequence[WeekResponse], night_pain: bool, rules: Catalogue) -> list[str]:
    """Each way the pain is lingering or coming back (T-PERSIST)."""
    out: list[str] = []
    today = tl.today
    p = "T-PERSIST"
    if night_pain:
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
        out.append(f"runs have flared your back {in_a_row(reds, 'week')} even with less running")
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
            tl.ran_on(d) for d in daterange(day + DAY, day + (linger + 1) * DAY)
        ):
            out.append(f"pain was still up {linger} days after your run on {day.isoformat()}")
            break
    return out


def _since(tl: Timeline, questions: Sequence[str]) -> str:
    """' (on DATE, and no check-in since has answered no)' when a sign in force was reported before today."""
    first = tl.flags.earliest(questions)
    if first is None or first >= tl.today:
        return ""
    return f" (on {first.isoformat()}, and no check-in since has answered no)"


_EMERG_QUESTIONS = ("bladder_bowel_change", "saddle_numbness", "both_legs", "leg_weakness", "numbness_tingling",
                    "radiating_below_knee")
_NEURO_QUESTIONS = ("numbness_tingling", "radiating_below_knee", "leg_weakness", "fever_unwell")


def _flag_reasons(state: State, tl: Timeline) -> list[tuple[str, str]]:
    """T-EMERG, T-NEURO and T-SERIOUS from the signs in force today (T-PERSIST-FLAGS)."""
    signs_now = tl.flags.as_checkin(tl.today)
    athlete = state.athlete
    found: list[tuple[str, str]] = []
    signs = _emergency_signs(signs_now)
    if signs:
        found.append(("T-EMERG",
                      f"EMERGENCY — you reported {join(signs)}{_since(tl, _EMERG_QUESTIONS)}. This can mean "
                      "pressure on the nerves at the base of the spine (cauda equina syndrome), which needs "
                      "treatment within hours. Go to an emergency department now, or call your emergency number. "
                      "Do not run or train."))
    signs = _neuro_signs(signs_now)
    if signs:
        found.append(("T-NEURO",
                      f"You reported {join(signs)}{_since(tl, _NEURO_QUESTIONS)}. Stop running for now and see a "
                      "doctor or physiotherapist within the next day or two, so they can check the nerves."))
    cleared = "cleared_to_run" in athlete.diagnoses
    serious = []
    if athlete.history_of_cancer and not cleared:
        serious.append("a history of cancer")
    if "unexplained_weight_loss" in tl.flags:
        serious.append("weight loss you cannot explain")
    if "recent_trauma" in tl.flags:
        serious.append("a fall, accident or knock before the pain began"
                       + (" (with osteoporosis or long-term steroids)" if athlete.osteoporosis_or_steroids else ""))
    if serious:
        found.append(("T-SERIOUS",
                      f"You mentioned {join(serious)}{_since(tl, STANDING_FACTS)}. Most back pain is nothing "
                      "serious, but a doctor should check this before you run again: book an appointment within "
                      "the next few days. This stays until a clinician has cleared you to run."))
    return found


def nodose_tests_due(weeks: Sequence[WeekResponse]) -> bool:
    """T-NODOSE holds running to run:walk tests when the last week flared again (moderate, stable pain
    week after week is assessed too, but the trial adjuster's changes go on)."""
    return bool(weeks) and weeks[0].level == "red"


def _no_dose_found(weeks: Sequence[WeekResponse], n: int) -> bool:
    """``n`` red or amber weeks in a row, read calendar-steady (SteadyWeeks): in the middle of a week a
    span that straddles two weeks must not turn a green calendar week into a missing one."""
    steady = SteadyWeeks(weeks) if isinstance(weeks, WeeklyHistory) else weeks
    return n <= len(steady) and all(steady[k].level in ("red", "amber") for k in range(n))


def _dose_reasons(tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> list[tuple[str, str]]:
    """P-SEVERE-REST (severe mornings in a row of days) and T-NODOSE (red or amber weeks in a row)."""
    found: list[tuple[str, str]] = []
    severe = rules.value("P-SEVERE-REST", "severe_points")
    window = int(rules.value("P-SEVERE-REST", "window_days"))
    need = int(rules.value("P-SEVERE-REST", "mornings"))
    mornings = severe_mornings(tl, severe, window)
    if mornings >= need:
        found.append(("P-SEVERE-REST",
                      f"Your pain at rest has been severe ({number(severe)}/10 or more) on "
                      f"{count(mornings, 'morning')} in the last {count(window, 'day')}. Please have your back "
                      "assessed by a doctor or physiotherapist; on a morning like that, no run: rest, or gentle "
                      "cross-training if it is comfortable."))
    n = int(rules.value("T-NODOSE", "weeks_in_a_row"))
    if _no_dose_found(weeks, n):
        minutes = number(rules.value("T-NODOSE", "test_run_min"))
        tests = count(int(rules.value("T-NODOSE", "test_runs_per_week")), "test")
        until = (f"Until then running is held to short run:walk tests (up to {minutes} min, at most {tests} "
                 "a week) beside cross-training." if nodose_tests_due(weeks) else
                 "Until then your runs stay easy and one thing changes each week, beside cross-training.")
        found.append(("T-NODOSE",
                      "We have not found a running dose your back tolerates yet: get it assessed by a "
                      f"physiotherapist or doctor. Your runs have given red or amber answers {in_a_row(n, 'week')}. "
                      + until))
    return found


def triage(state: State, tl: Timeline, weeks: Sequence[WeekResponse], rules: Catalogue) -> TriageResult:
    """Screen the signs in force and the history; the worst level wins."""
    athlete = state.athlete
    cleared = "cleared_to_run" in athlete.diagnoses
    found = _flag_reasons(state, tl)
    diagnosed = [_DIAGNOSES[d] for d in athlete.diagnoses if d in _DIAGNOSES]
    if diagnosed and not cleared:
        found.append(("T-DIAG",
                      f"Your clinician has diagnosed {join(diagnosed)}. No running until they clear you to run; "
                      "cross-training and your rehab exercises are fine."))
    walking, limping = "walking_pain" in tl.flags, "limping" in tl.flags
    if walking or limping:
        what = join([("your back hurts when you walk" if walking else ""),
                     ("the pain changes how you walk" if limping else "")])
        since = _since(tl, ("walking_pain", "limping"))
        when = f"You said {what}{since}" if since else f"Today {what}"
        found.append(("T-WALK",
                      f"{when}. No running for now: walk and cross-train as far as it is comfortable, "
                      "and check in again tomorrow."))
    persist = _persist_reasons(tl, weeks, "night_pain" in tl.flags, rules)
    if persist:
        found.append(("T-PERSIST",
                      f"{sentence(join(persist))} Please have your back assessed by a physiotherapist or "
                      "doctor; meanwhile you can keep training in the gentler way planned below."))
    found += _dose_reasons(tl, weeks, rules)
    signals = today_signals(tl, rules)
    if signals.stale:  # named in the plan and the day's advice alike: the week is not built on fresh answers
        found += [(r.rule, r.text) for r in signals.reasons if r.rule == "B-NO-ANSWER"]
    earlier = [q for q, day in tl.flags.since.items() if day < tl.today and q != "both_legs"]
    if found and earlier:
        found.append(("T-PERSIST-FLAGS",
                      "A warning sign stays in force until a later check-in answers that question no: leaving "
                      "the question out does not clear it" + ("; a fall, an accident or weight loss you cannot "
                      "explain stays until a clinician has cleared you to run" if set(earlier) & set(STANDING_FACTS)
                                                           else "") + "."))
    level = "none"
    stopped: list[str] = []
    for rule_id, _ in found:
        rule = rules.rule(rule_id)
        if rule.level is not None and LEVEL_ORDER.index(rule.level) > LEVEL_ORDER.index(level):
            level = rule.level
        if rule.stops_running:
            stopped.append(rule_id)
    order = {rid: i for i, rid in enumerate(("T-EMERG", "T-NEURO", "T-SERIOUS", "T-DIAG", "T-WALK", "T-PERSIST",
                                                 "P-SEVERE-REST", "T-NODOSE", "T-PERSIST-FLAGS", "B-NO-ANSWER"))}
    found.sort(key=lambda f: order[f[0]])
    return TriageResult(level, tuple(Reason(rule=r, text=t) for r, t in found), tuple(stopped))
