"""Time shortcuts for filing a report from a phone: "Nyss", "I natt", "I helgen".

Each shortcut turns "now" into an occurrence window (from, to) in wall-clock time
Europe/Stockholm, so that a night or weekend across a daylight-saving change keeps
its local hours (22–06, Fri 18 – Mon 06) and its true length (7, 8 or 9 hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHORTCUTS = ("Nyss", "I natt", "I helgen")


def _local(day, hour: int) -> datetime:
    """Wall-clock ``hour`` on ``day`` in Stockholm (aware datetime)."""
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _earliest(a: datetime, b: datetime) -> datetime:
    """The earlier instant (compared in UTC, not wall clock)."""
    return a if a.astimezone(UTC) <= b.astimezone(UTC) else b


def shortcut_window(name: str, now: datetime) -> tuple[datetime, datetime]:
    """Occurrence window for a time shortcut.

    Parameters
    ----------
    name : str
        ``"Nyss"`` (the last hour), ``"I natt"`` (22–06 of the latest night that has
        begun) or ``"I helgen"`` (Friday 18 – Monday 06 of the latest weekend that has
        begun).
    now : datetime
        Aware current time (any zone).

    Returns
    -------
    tuple of datetime
        ``(from, to)`` aware in Europe/Stockholm; ``to`` never lies after ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now måste ha tidszon")
    local = now.astimezone(STOCKHOLM)
    if name == "Nyss":
        # Arithmetic in UTC: same-zone aware datetimes subtract as wall clock.
        return ((now.astimezone(UTC) - timedelta(hours=1)).astimezone(STOCKHOLM), local)
    if name == "I natt":
        start_day = local.date() if local.hour >= 22 else local.date() - timedelta(days=1)
        start = _local(start_day, 22)
        end = _local(start_day + timedelta(days=1), 6)
        return (start, _earliest(end, local))
    if name == "I helgen":
        # Latest Friday 18:00 that is not after now.
        friday = local.date() - timedelta(days=(local.weekday() - 4) % 7)
        start = _local(friday, 18)
        if start.astimezone(UTC) > local.astimezone(UTC):
            friday -= timedelta(days=7)
            start = _local(friday, 18)
        end = _local(friday + timedelta(days=3), 6)
        return (start, _earliest(end, local))
    raise ValueError(f"okänd genväg: {name}")
