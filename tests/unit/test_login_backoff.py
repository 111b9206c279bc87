"""Login backoff per (username, client) with a fake clock: it slows a guesser down and never
keeps the right person out (issue 13: a per-username lock was a denial of service)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from ostan_dash import auth
from ostan_dash.auth import FAILURE, REFUSED, RESET, SUCCESS, Attempt

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


class FakeLogin:
    """The login guard's decisions on an in-memory history, driven by a fake clock."""

    def __init__(self) -> None:
        self.history: dict[tuple[str, str], list[Attempt]] = defaultdict(list)

    def attempt(self, user: str, client: str, at: dt.datetime, *, password_ok: bool) -> str:
        kind = auth.attempt_outcome(self.history[user, client], at, password_ok)
        self.history[user, client].append(Attempt(at, kind))
        return kind

    def wait(self, user: str, client: str, at: dt.datetime) -> dt.timedelta:
        return auth.wait_remaining(self.history[user, client], at)

    def reset(self, user: str, at: dt.datetime) -> None:
        for (u, _), events in self.history.items():
            if u == user:
                events.append(Attempt(at, RESET))


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 0), (2, 0), (3, 2), (4, 4), (5, 8), (8, 64), (11, 512), (12, 900), (500, 900)],
)
def test_delay_doubles_after_the_free_failures_and_is_capped(failures, seconds):
    assert auth.FREE_FAILURES == 3 and auth.MAX_DELAY == 900 * S
    assert auth.backoff_delay(failures) == seconds * S


def test_a_guesser_every_three_minutes_from_elsewhere_never_keeps_the_user_out():
    """The attack of issue 13: one wrong password every 3 minutes for a day, from another
    address. The user logs in at 40 spread-out times with the right password: always at once."""
    sim = FakeLogin()
    refused_attacker, user_in = 0, 0
    user_logins = {T0 + dt.timedelta(minutes=35 * k + 1) for k in range(40)}  # all within 24 h
    t = T0
    while t < T0 + dt.timedelta(hours=24):
        refused_attacker += sim.attempt("anna", "ip:203.0.113.9", t, password_ok=False) == REFUSED
        for login in sorted(x for x in user_logins if t <= x < t + 3 * 60 * S):
            assert sim.attempt("anna", "ip:10.1.2.3", login, password_ok=True) == SUCCESS
            user_in += 1
        t += 3 * 60 * S
    assert user_in == 40
    # The attacker is throttled: at the cap most of its 480 tries are refused unchecked.
    assert sim.wait("anna", "ip:203.0.113.9", t) > 0 * S
    assert refused_attacker > 300


def test_the_same_client_waits_longer_after_each_failure():
    sim = FakeLogin()
    t, waits = T0, []
    for _ in range(14):
        t += sim.wait("anna", "c", t)  # a patient guesser: tries exactly when allowed
        assert sim.attempt("anna", "c", t, password_ok=False) == FAILURE
        waits.append(sim.wait("anna", "c", t).total_seconds())
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_attempts_during_the_wait_are_refused_and_do_not_lengthen_it():
    sim = FakeLogin()
    for k in range(8):
        t = T0 + k * 1000 * S
        sim.attempt("anna", "c", t, password_ok=False)
    end = t + auth.backoff_delay(8)
    # A flood during the wait, even with the right password: refused, unchecked, no extension.
    for k in range(1, 200):
        at = t + k * 0.3 * S
        assert sim.attempt("anna", "c", at, password_ok=k % 2 == 0) == REFUSED
        assert at + sim.wait("anna", "c", at) == end
    assert sim.attempt("anna", "c", end, password_ok=True) == SUCCESS


def test_the_right_password_after_the_wait_always_logs_in():
    sim = FakeLogin()
    for n in range(1, 30):
        t = T0 + n * dt.timedelta(hours=30)  # each round starts from a clean history window
        for _ in range(n):
            t += sim.wait("anna", "c", t)
            sim.attempt("anna", "c", t, password_ok=False)
        t += sim.wait("anna", "c", t)
        assert sim.attempt("anna", "c", t, password_ok=True) == SUCCESS
        assert sim.wait("anna", "c", t) == 0 * S  # a success starts afresh


def test_success_on_one_client_does_not_lift_another_clients_wait():
    sim = FakeLogin()
    for k in range(6):
        sim.attempt("anna", "attacker", T0 + k * 1000 * S, password_ok=False)
    t = T0 + 5000 * S + S
    assert sim.attempt("anna", "home", t, password_ok=True) == SUCCESS
    assert sim.wait("anna", "attacker", t) == auth.backoff_delay(6) - S


def test_an_unlock_clears_every_client_and_old_failures_are_forgotten():
    sim = FakeLogin()
    for client in ("a", "b"):
        sim.history["anna", client] = [Attempt(T0 + k * S, FAILURE) for k in range(10)]
    t = T0 + 20 * S
    assert sim.wait("anna", "a", t) > 0 * S and sim.wait("anna", "b", t) > 0 * S
    sim.reset("anna", t)
    assert sim.wait("anna", "a", t) == 0 * S and sim.wait("anna", "b", t) == 0 * S
    # Without an unlock, a day without attempts forgets the failures.
    for k in range(10):
        sim.attempt("bo", "a", T0 + k * S, password_ok=False)
    later = T0 + auth.HISTORY_WINDOW + 10 * S
    assert auth.counted_failures(sim.history["bo", "a"], later) == []


def test_counted_per_username_alone_the_same_attack_keeps_the_user_out():
    """Control: counted per username only (all clients in one history), the same attack does
    keep the user out, so the test above can fail."""
    sim = FakeLogin()
    kept_out = 0
    t = T0
    while t < T0 + dt.timedelta(hours=6):
        sim.attempt("anna", "everyone", t, password_ok=False)
        kept_out += sim.attempt("anna", "everyone", t + 60 * S, password_ok=True) != SUCCESS
        sim.history["anna", "everyone"] = [
            a for a in sim.history["anna", "everyone"] if a.kind != SUCCESS
        ]  # the user never got in, so no success to reset on
        t += 3 * 60 * S
    assert kept_out > 100


@pytest.mark.parametrize(
    ("ip", "headers", "trusted", "expected"),
    [
        pytest.param("198.51.100.7", {}, None, "ip:198.51.100.7", id="address"),
        pytest.param(None, {}, None, "session:s1", id="loopback-session"),
        pytest.param(
            "10.0.0.1", {"X-Real-Ip": "203.0.113.5"}, None, "ip:10.0.0.1", id="header-untrusted"
        ),
        pytest.param(
            "10.0.0.1", {"X-Real-Ip": "203.0.113.5"}, "X-Real-IP", "ip:203.0.113.5", id="real-ip"
        ),
        pytest.param(
            None,
            {"X-Forwarded-For": "1.2.3.4, 203.0.113.5"},
            "x-forwarded-for",
            "ip:203.0.113.5",
            id="forwarded-last-hop",
        ),
        pytest.param(None, {}, "X-Real-IP", "session:s1", id="header-missing"),
        pytest.param(None, {"X-Real-IP": "evil"}, "X-Real-IP", "session:s1", id="header-not-ip"),
        pytest.param(object(), {}, None, "session:s1", id="not-a-string"),
        pytest.param("2001:DB8::1", {}, None, "ip:2001:db8::1", id="ipv6-normalised"),
    ],
)
def test_client_key(ip, headers, trusted, expected):
    assert auth.client_key(ip, headers, "s1", trusted_header=trusted) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 sekund"),
        (8, "8 sekunder"),
        (59.5, "1 minut"),
        (64, "2 minuter"),
        (900, "15 minuter"),
    ],
)
def test_delay_text(seconds, text):
    assert auth.delay_text(seconds * S) == text


def test_a_session_check_is_relied_on_only_for_the_same_session_and_user_and_briefly():
    user = auth.User(1, "analytiker", "Analytiker", "analytiker", 1, "Östan kommun")
    checked = auth.Checked("sid-1", user, at=100.0)
    window = auth.RECHECK.total_seconds()
    assert checked.still("sid-1", "analytiker", 100.0)
    assert checked.still("sid-1", " Analytiker ", 100.0 + window - 0.01)  # as typed at login
    assert not checked.still("sid-1", "analytiker", 100.0 + window)  # the window has passed
    assert not checked.still("sid-2", "analytiker", 101.0)  # another session
    assert not checked.still("sid-1", "admin", 101.0)  # another user
    assert not checked.still("sid-1", "analytiker", 99.0)  # a clock that went back
