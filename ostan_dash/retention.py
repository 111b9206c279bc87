"""The retention policy (gallring): what is kept how long, and what a run does, in Swedish.

Free text of a report is personal data more often than anything else in it (a name, an address,
a description of a person), so it goes first: after ``fritext_manader`` months the description is
removed and the report otherwise kept. After ``aggregera_efter_ar`` years the report itself is
replaced by a count per month, area, organisation and category in ``incident_aggregates``; the
view ``incident_monthly_counts`` adds those counts to the reports still kept, so long-term trends
(reports per month, per area, per category) are unchanged by a run. Login attempts (they hold
IP addresses) are deleted after ``inloggningsforsok_dagar`` days.

The dates are local (Europe/Stockholm) and refer to when the event occurred
(``occurred_from``). Aggregation cuts at the start of a month so that a month is either counted
or kept as reports. The SQL is in :mod:`ostan_dash.store.retention`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ostan_dash import config, text
from ostan_dash.store import retention as store


@dataclass(frozen=True)
class Policy:
    """How long things are kept; the JSON of the ``retention`` setting uses these names."""

    fritext_manader: int = 12
    aggregera_efter_ar: int = 5
    inloggningsforsok_dagar: int = 90

    def problems(self) -> list[str]:
        """Why the policy cannot be saved (Swedish), empty when it can."""
        out = []
        if not 1 <= self.fritext_manader <= 120:
            out.append("Fritext ska tas bort efter 1–120 månader.")
        if not 1 <= self.aggregera_efter_ar <= 50:
            out.append("Händelser ska aggregeras efter 1–50 år.")
        if not 7 <= self.inloggningsforsok_dagar <= 3650:
            out.append("Inloggningsförsök ska sparas 7–3 650 dagar.")
        return out


@dataclass(frozen=True)
class Cutoffs:
    """The instants before which each rule applies (Europe/Stockholm midnight)."""

    free_text_before: dt.datetime
    aggregate_before: dt.datetime
    attempts_before: dt.datetime


def _months_back(d: dt.date, months: int) -> dt.date:
    """``d`` moved back ``months`` calendar months (the last day of a shorter month if needed)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    month = m + 1
    next_first = dt.date(y + (month == 12), month % 12 + 1, 1)
    return dt.date(y, month, min(d.day, (next_first - dt.timedelta(days=1)).day))


def cutoffs(policy: Policy, today: dt.date) -> Cutoffs:
    """The cut-off instants of ``policy`` on ``today``: free text of events before the same day
    ``fritext_manader`` months ago; reports before the first of the month ``aggregera_efter_ar``
    years ago; login attempts older than ``inloggningsforsok_dagar`` days."""

    def midnight(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(), tzinfo=config.TZ)

    text_day = _months_back(today, policy.fritext_manader)
    agg_day = _months_back(today, 12 * policy.aggregera_efter_ar).replace(day=1)
    return Cutoffs(
        free_text_before=midnight(text_day),
        aggregate_before=midnight(agg_day),
        attempts_before=midnight(today - dt.timedelta(days=policy.inloggningsforsok_dagar)),
    )


def load_policy() -> Policy:
    """The stored policy (defaults for missing or unknown keys)."""
    stored = store.policy_value() or {}
    known = {k: int(v) for k, v in stored.items() if k in Policy.__dataclass_fields__}
    return Policy(**known)


def save_policy(admin_id: int, policy: Policy) -> None:
    """Store a new policy (an administrator's change, audited); ``ValueError`` when invalid."""
    problems = policy.problems()
    if problems:
        raise ValueError(" ".join(problems))
    store.save_policy(admin_id, asdict(policy))


def run(*, dry_run: bool, today: dt.date | None = None, policy: Policy | None = None):
    """Apply (or with ``dry_run`` only count) the policy as the operator (``ostan-dash
    retention run``, the timer); returns the policy, the cut-offs and the counts."""
    policy = policy or load_policy()
    cut = cutoffs(policy, today or config.today())
    counts = store.run(
        free_text_before=cut.free_text_before,
        aggregate_before=cut.aggregate_before,
        attempts_before=cut.attempts_before,
        dry_run=dry_run,
        policy=asdict(policy),
    )
    return policy, cut, counts


def preview(admin_id: int, policy: Policy, *, today: dt.date | None = None):
    """What a run with ``policy`` would do today, counted under the administrator's role (the
    Administration page; the web app's own login may not read every column counted)."""
    cut = cutoffs(policy, today or config.today())
    counts = store.preview(
        admin_id,
        free_text_before=cut.free_text_before,
        aggregate_before=cut.aggregate_before,
        attempts_before=cut.attempts_before,
    )
    return cut, counts


def last_run_text(admin_id: int) -> str:
    """When the policy last ran and what it did, in Swedish (or that it never has)."""
    last = store.last_run(admin_id)
    if last is None:
        return "Gallringen har inte körts än."
    at, d = last
    return (
        f"Senaste gallring {at.astimezone(config.TZ):%Y-%m-%d %H:%M}: fritext borttagen i "
        f"{text.number(d.get('free_texts', 0))} händelser, "
        f"{text.number(d.get('aggregated_rows', 0))} händelser ersatta av antal, "
        f"{text.number(d.get('login_attempts', 0))} inloggningsförsök raderade."
    )


def describe(policy: Policy) -> str:
    """The policy in one Swedish sentence."""
    return (
        f"Fritext tas bort efter {policy.fritext_manader} månader, händelser ersätts av antal "
        f"per månad efter {policy.aggregera_efter_ar} år och inloggningsförsök sparas "
        f"{policy.inloggningsforsok_dagar} dagar."
    )


def report_lines(policy: Policy, cut: Cutoffs, counts: store.Counts, *, dry_run: bool) -> list[str]:
    """What a run would do (``dry_run``) or did, in Swedish, one line per rule."""
    will = "skulle tas bort" if dry_run else "togs bort"
    agg = "skulle ersättas" if dry_run else "ersattes"
    lines = [
        ("Torrkörning av gallringen. " if dry_run else "Gallring genomförd. ") + describe(policy),
        f"Fritext: beskrivningen i {text.number(counts.free_texts)} händelser som inträffade "
        f"före {text.date(cut.free_text_before)} {will}.",
        f"Aggregering: {text.number(counts.aggregated_rows)} händelser som inträffade före "
        f"{text.date(cut.aggregate_before)} {agg} av {text.number(counts.aggregate_groups)} "
        "rader med antal per månad, område, organisation och kategori "
        "(långa trender påverkas inte).",
        f"Inloggningsförsök: {text.number(counts.login_attempts)} försök från före "
        f"{text.date(cut.attempts_before)} {will}.",
    ]
    if dry_run:
        lines.append("Ingenting har ändrats. Kör utan --dry-run för att gallra.")
    return lines
