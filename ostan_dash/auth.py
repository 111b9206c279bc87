"""Accounts, login throttling and server-side sessions (no Streamlit here).

streamlit-authenticator renders the form and sets a signed cookie; this module decides who may
log in and whether a session is still valid. Measured weaknesses of the library that this covers
are listed in ``shared/notes/login.md``: no revocation on logout, no usable attempt limit,
usernames discoverable by timing. The SQL is in :mod:`ostan_dash.store.accounts`; the policy
(attempt limit, idle and absolute session limits, bcrypt, the cookie key) is here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import bcrypt

from ostan_dash import config
from ostan_dash.store import accounts, session_checked, transaction
from ostan_dash.vocab import ORGANISATION_KINDS, ROLES

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=8)
# Login throttling per (username, client): this many failures are free, then each further one
# doubles the wait before the next attempt, up to MAX_DELAY. Failures older than
# HISTORY_WINDOW are forgotten.
FREE_FAILURES = 3
MAX_DELAY = dt.timedelta(minutes=15)
HISTORY_WINDOW = dt.timedelta(hours=24)
# A valid bcrypt hash (cost 12) of a random string: checked for unknown users so that a wrong
# username costs as much time as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(12))


@dataclass(frozen=True)
class User:
    """A logged-in person: role and organisation always come from our own database."""

    id: int
    username: str
    name: str
    role: str
    organisation_id: int
    organisation: str


def hash_password(password: str) -> str:
    """bcrypt hash (cost 12) of ``password``."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()


def credentials() -> dict:
    """A fresh credentials dict for streamlit-authenticator from the active users in the database.

    Built anew on every run because the library mutates it in place (login.md).
    """
    users = accounts.active_users()
    return {
        "usernames": {
            r["username"]: {
                "name": r["display_name"],
                "password": r["password_hash"],
                "email": f"{r['username']}@ostan.invalid",
                "roles": [r["role"]],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for r in users.iter_rows(named=True)
        }
    }


def user(username: str) -> User | None:
    """The active user ``username`` with role and organisation, or None."""
    r = accounts.active_user(username.lower().strip())
    if r is None:
        return None
    return User(
        r["id"],
        r["username"],
        r["display_name"],
        r["role"],
        r["organisation_id"],
        r["organisation"],
    )


# Login throttling -----------------------------------------------------------------------------
#
# A hard lock per username lets anyone keep a person out with one wrong password now and then
# (issue 13). Here the wait belongs to the pair (username, client): a stranger's failures from
# another address never delay the user, and the same client's wait grows 2, 4, 8, ... seconds
# (capped). Attempts during a wait are refused without a password check and are not failures,
# so they cannot lengthen it: once the wait is over the right password always logs in.

FAILURE, SUCCESS, REFUSED, RESET = "fel", "ratt", "nekad", "upplast"


@dataclass(frozen=True)
class Attempt:
    """One event in the login history of a (username, client) pair.

    ``kind`` is ``FAILURE`` (wrong password or unknown user), ``SUCCESS``, ``REFUSED`` (sent
    during a wait, not checked) or ``RESET`` (an administrator cleared the wait).
    """

    at: dt.datetime
    kind: str


def backoff_delay(failures: int) -> dt.timedelta:
    """The wait after ``failures`` consecutive failures: none for the first ``FREE_FAILURES - 1``,
    then 2, 4, 8, ... seconds (``2 ** (failures - FREE_FAILURES + 1)``), at most ``MAX_DELAY``.

    Throttling by increasing waits instead of a lockout, as NIST SP 800-63B §5.2.2 ("Rate
    Limiting") suggests so that the limit does not become a denial of service for the user.
    """
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    exponent = failures - FREE_FAILURES + 1
    if exponent >= 20:  # 2**20 s is far beyond any cap: avoid huge numbers
        return MAX_DELAY
    return min(dt.timedelta(seconds=2**exponent), MAX_DELAY)


def counted_failures(history: list[Attempt], now: dt.datetime) -> list[dt.datetime]:
    """Times of the failures that count towards the wait: after the last success or reset,
    within ``HISTORY_WINDOW`` of ``now``; refused attempts never count."""
    since = now - HISTORY_WINDOW
    out: list[dt.datetime] = []
    for a in sorted(history, key=lambda a: a.at):
        if a.at > now:
            continue
        if a.kind in (SUCCESS, RESET):
            out = []
        elif a.kind == FAILURE and a.at > since:
            out.append(a.at)
    return out


def wait_remaining(history: list[Attempt], now: dt.datetime) -> dt.timedelta:
    """How long this (username, client) must still wait before a password is checked (zero: go).

    The wait runs from the last counted failure; nothing else moves it.
    """
    failures = counted_failures(history, now)
    if not failures:
        return dt.timedelta(0)
    left = failures[-1] + backoff_delay(len(failures)) - now
    return max(left, dt.timedelta(0))


def attempt_outcome(history: list[Attempt], now: dt.datetime, password_ok: bool) -> str:
    """What one login attempt becomes: ``REFUSED`` during a wait, else ``SUCCESS`` or ``FAILURE``."""
    if wait_remaining(history, now) > dt.timedelta(0):
        return REFUSED
    return SUCCESS if password_ok else FAILURE


def client_key(
    ip_address: str | None,
    headers: Mapping[str, str] | None,
    session: str,
    *,
    trusted_header: str | None = None,
) -> str:
    """The client a login attempt is counted against.

    The connection's IP address (Streamlit's ``st.context.ip_address``; it is ``None`` on
    loopback); behind a reverse proxy the proxy's own header named by ``trusted_header``
    (``OSTAN_CLIENT_IP_HEADER``, e.g. ``X-Real-IP``; for ``X-Forwarded-For`` the last address,
    the one the proxy added). Headers are never trusted unless configured: a client could
    otherwise claim a fresh address on every attempt. Without an address: the browser session.
    """
    if trusted_header and headers:
        wanted = trusted_header.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), "")
        last = _ip(value.split(",")[-1]) if isinstance(value, str) else None
        if last:
            return f"ip:{last}"
    address = _ip(ip_address)
    if address:
        return f"ip:{address}"
    return f"session:{session}"[:200]


def _ip(value: object) -> str | None:
    """``value`` as a normalised IP address, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _name(username: str) -> str:
    return username.lower().strip()[:64]


def login_history(username: str, client: str, *, now: dt.datetime) -> list[Attempt]:
    """The (username, client) pair's attempts and resets within ``HISTORY_WINDOW`` of ``now``."""
    rows = accounts.login_history(_name(username), client, now - HISTORY_WINDOW)
    return [Attempt(r["at"], r["kind"]) for r in rows.iter_rows(named=True)]


def login_wait(username: str, client: str, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long ``client`` must still wait before a password for ``username`` is checked."""
    now = now or dt.datetime.now(dt.UTC)
    return wait_remaining(login_history(username, client, now=now), now)


def record_attempt(username: str, client: str, kind: str, *, at: dt.datetime | None = None) -> None:
    """Log a login attempt of ``kind`` (and the last login time on success), with an audit row."""
    if kind not in (FAILURE, SUCCESS, REFUSED):
        raise ValueError(kind)
    accounts.record_attempt(_name(username), client, kind, at=at)


def delay_text(wait: dt.timedelta) -> str:
    """A wait in Swedish words, rounded up: '8 sekunder', '1 minut', '15 minuter'."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} sekund" + ("" if seconds == 1 else "er")
    minutes = -(-seconds // 60)
    return f"{minutes} minut" + ("" if minutes == 1 else "er")


def burn_dummy_check(password: str) -> None:
    """Spend the time of one bcrypt check, for an unknown username."""
    bcrypt.checkpw(password.encode()[:72], _DUMMY_HASH)


def session_id(username: str, exp_date: float, key: str) -> str:
    """The server-side session id of a login cookie: an HMAC of its username and expiry."""
    msg = f"{username}:{exp_date!r}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()


def login_ticket(username: str, password: str) -> str | None:
    """The database's one-time ticket for ``username``'s login, given only for their own
    password (checked there against the stored hash), else None."""
    return accounts.login_ticket(username, password)


def open_session(sid: str, user_id: int, ticket: str) -> bool:
    """Record a new session at login, paid for with the user's login ticket
    (:func:`login_ticket`): the app's own database login cannot open one for anybody else."""
    return accounts.open_session(sid, user_id, ticket)


def check_session(sid: str, *, now: dt.datetime | None = None) -> bool:
    """True when session ``sid`` exists, is not revoked and has neither idled out (30 min) nor
    passed its absolute limit (8 h); a valid session's last-seen time is refreshed."""
    now = now or dt.datetime.now(dt.UTC)
    with transaction() as conn:  # the database decides (sql/033_sessions_behind_functions.sql)
        valid = accounts.check_session(
            sid, now, idle=IDLE_TIMEOUT, limit=ABSOLUTE_TIMEOUT, conn=conn
        )
    if not valid:
        return False
    session_checked(sid)  # the database's proof of identity for this request (store.bind)
    return True


RECHECK = dt.timedelta(seconds=10)
"""How long a page rerun trusts the gate's last check of the same login session (issue 14:
the gate does not ask the database on every click). The database still checks the session on
every transaction that reads or writes data (``ostan_identify``, sql/026 and 030), so a revoked
or expired session reads nothing at once; only the page's frame may be drawn for up to this
long."""


@dataclass(frozen=True)
class Checked:
    """The gate's last check with the database: this session and user were valid at ``at``
    (seconds of a monotonic clock)."""

    sid: str
    user: User
    at: float

    def still(self, sid: str, username: str, now: float) -> bool:
        """Whether a rerun at ``now`` for ``sid`` and ``username`` may rely on this check."""
        return (
            sid == self.sid
            and username.lower().strip() == self.user.username
            and 0 <= now - self.at < RECHECK.total_seconds()
        )


def relied_on(checked: Checked) -> User:
    """The user of a check still relied on: the session's id is again this request's proof of
    identity for the database (:func:`store.session_checked`)."""
    session_checked(checked.sid)
    return checked.user


def revoke_session(sid: str) -> None:
    """Revoke one session (logout)."""
    accounts.revoke_session(sid)


def revoke_user_sessions(username: str) -> int:
    """Revoke every session of a user (an administrator's action); returns how many."""
    return accounts.revoke_user_sessions(username)


class WeakKeyError(RuntimeError):
    """No strong cookie key outside demo mode."""


def cookie_key(secret_value: str | None = None) -> str:
    """The cookie signing key: secrets/environment, or in demo mode one generated and kept in var/.

    Outside demo mode a key shorter than 32 characters is refused (a guessable key lets anyone
    forge a login cookie; login.md).
    """
    key = (secret_value or os.environ.get("OSTAN_COOKIE_KEY", "")).strip()
    if len(key) >= 32:
        return key
    if not config.demo_mode():
        raise WeakKeyError("OSTAN_COOKIE_KEY saknas eller är för kort (minst 32 tecken)")
    path = Path(config.VAR_DIR) / "cookie_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


# Administration -------------------------------------------------------------------------------
#
# The Administration page calls these; each checks its input and hands a finished change to
# ostan_dash.store.accounts, which runs it under the administrator's own database role and
# writes the audit row in the same transaction.

AccountError = accounts.AccountError
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9._-]{2,64}$")  # the CHECK on users.username


def username_problems(username: str) -> list[str]:
    """Why ``username`` cannot be used (empty list: it can): the rule of the users table."""
    if not _USERNAME.fullmatch(username):
        return [
            "Användarnamnet ska vara 2–64 tecken: små bokstäver a–z, siffror, punkt, "
            "bindestreck eller understreck (inga å, ä, ö eller mellanslag)."
        ]
    return []


def password_problems(password: str, username: str) -> list[str]:
    """Why ``password`` is not good enough for ``username`` (NIST SP 800-63B §5.1.1.2: a
    minimum length, no composition rules; refuse the obvious)."""
    out = []
    if len(password) < MIN_PASSWORD_LENGTH:
        out.append(f"Lösenordet ska ha minst {MIN_PASSWORD_LENGTH} tecken.")
    if len(password.encode()) > 72:
        out.append("Lösenordet får vara högst 72 byte (bcrypt läser inte fler).")
    if username and username.lower() in password.lower():
        out.append("Lösenordet får inte innehålla användarnamnet.")
    if password and len(set(password)) < 4:
        out.append("Lösenordet har för få olika tecken.")
    return out


def _check(problems: list[str]) -> None:
    if problems:
        raise AccountError(" ".join(problems))


def _require_admin(admin: User) -> None:
    """The page decided; check again here before acting with the admin role (STYLE.md)."""
    if admin.role != "admin":
        raise AccountError("Endast en administratör kan ändra konton och organisationer.")


def create_user(
    admin: User,
    *,
    username: str,
    display_name: str,
    role: str,
    organisation_id: int,
    password: str,
) -> int:
    """Add a user with a bcrypt hash (cost 12) of the initial password; returns the id.

    Raises :class:`AccountError` with the reasons in Swedish.
    """
    _require_admin(admin)
    username = username.strip()
    display_name = " ".join(display_name.split())
    problems = username_problems(username)
    if not display_name:
        problems.append("Ange ett namn.")
    elif len(display_name) > 200:
        problems.append("Namnet får vara högst 200 tecken.")
    if role not in ROLES:
        problems.append("Välj en roll.")
    _check(problems + password_problems(password, username))
    return accounts.create_user(
        admin.id,
        username=username,
        display_name=display_name,
        role=role,
        organisation_id=organisation_id,
        password_hash=hash_password(password),
    )


def change_role(admin: User, user_id: int, *, role: str, organisation_id: int) -> None:
    """Give a user another role or organisation (not one's own role: ask another admin)."""
    _require_admin(admin)
    if role not in ROLES:
        raise AccountError("Välj en roll.")
    if user_id == admin.id and role != admin.role:
        raise AccountError("Du kan inte ändra din egen roll; be en annan administratör.")
    accounts.set_role(admin.id, user_id, role=role, organisation_id=organisation_id)


def set_active(admin: User, user_id: int, *, active: bool) -> int:
    """Activate or deactivate a user (never oneself); deactivation revokes their sessions."""
    _require_admin(admin)
    if user_id == admin.id and not active:
        raise AccountError("Du kan inte avaktivera dig själv.")
    return accounts.set_active(admin.id, user_id, active=active)


def set_password(admin: User, user_id: int, *, username: str, password: str) -> int:
    """Set a new password for a user; their open sessions are revoked (returned)."""
    _require_admin(admin)
    _check(password_problems(password, username))
    return accounts.set_password(admin.id, user_id, password_hash=hash_password(password))


def unlock(admin: User, user_id: int) -> None:
    """Clear the user's login wait on every client at once."""
    _require_admin(admin)
    accounts.unlock(admin.id, user_id)


def revoke_sessions(admin: User, user_id: int) -> int:
    """Log a user out everywhere: revoke all their open sessions; returns how many."""
    _require_admin(admin)
    return accounts.revoke_sessions(admin.id, user_id)


def add_organisation(admin: User, *, name: str, kind: str) -> int:
    """Add an organisation of ``kind`` (a key of ``vocab.ORGANISATION_KINDS``)."""
    _require_admin(admin)
    name = " ".join(name.split())
    if not name:
        raise AccountError("Ange organisationens namn.")
    if len(name) > 200:
        raise AccountError("Namnet får vara högst 200 tecken.")
    if kind not in ORGANISATION_KINDS:
        raise AccountError("Välj en typ av organisation.")
    return accounts.add_organisation(admin.id, name=name, kind=kind)


def users_overview(admin: User, *, now: dt.datetime | None = None):
    """Every user with role, organisation, active flag, last login, failed logins within
    ``HISTORY_WINDOW`` (since the last unlock) and open sessions (within both time limits)."""
    _require_admin(admin)
    now = now or dt.datetime.now(dt.UTC)
    return accounts.users_overview(
        admin.id,
        failures_since=now - HISTORY_WINDOW,
        idle_since=now - IDLE_TIMEOUT,
        started_since=now - ABSOLUTE_TIMEOUT,
    )


def organisations(admin: User):
    """Every organisation with its number of active users."""
    _require_admin(admin)
    return accounts.organisations(admin.id)


# Login with the organisation's own account (OIDC through st.login) ----------------------------
#
# Streamlit's st.login (Authlib) does the OpenID Connect flow and keeps the ID token's claims in
# a signed, HttpOnly cookie; st.user shows them. Who the person is here is decided by our users
# table only (sql/025_oidc.sql): the provider vouches for an identity, never for a role. The
# cookie is stateless, so every OIDC login also gets a row in user_sessions: logout, an
# administrator's revocation and the idle and absolute limits apply as to local accounts.

FRESH_LOGIN = dt.timedelta(minutes=5)
OIDC_UNKNOWN = "Ditt konto finns inte i Östan-dash – be administratören lägga till det."
OIDC_INACTIVE = "Ditt konto i Östan-dash är avaktiverat – kontakta administratören."
OIDC_INCOMPLETE = "Inloggningen gav ingen fullständig identitet (utfärdare och subjekt saknas)."


@dataclass(frozen=True)
class OidcIdentity:
    """Who the provider says the person is: issuer and subject (OpenID Connect Core 1.0 §2:
    "iss" + "sub" is the only stable, unique identifier), the e-mail address only when the
    provider has verified it, and when the ID token was issued."""

    issuer: str
    subject: str
    email: str | None
    issued_at: dt.datetime | None
    nonce: str | None


def oidc_providers(section: Mapping | None) -> list[str | None]:
    """The providers configured in secrets.toml's ``[auth]`` (empty: OIDC is off).

    As Streamlit reads it: ``redirect_uri`` and ``cookie_secret`` under ``[auth]``, and either
    named providers ``[auth.<name>]`` with ``client_id`` and ``server_metadata_url`` (sorted
    names) or one unnamed provider with those keys directly under ``[auth]`` (``[None]``).
    ``cookie_key`` (the local login's key) alone does not turn OIDC on.
    """
    if not isinstance(section, Mapping):
        return []
    if not (section.get("redirect_uri") and section.get("cookie_secret")):
        return []

    def complete(s: Mapping) -> bool:
        return bool(s.get("client_id") and s.get("server_metadata_url"))

    named = sorted(k for k, v in section.items() if isinstance(v, Mapping) and complete(v))
    if named:
        return list(named)
    return [None] if complete(section) else []


def _verified(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def normalise_email(email: str | None) -> str | None:
    """An e-mail address as stored in ``users.oidc_email``: trimmed, lower-case; None if blank."""
    if email is None:
        return None
    email = email.strip().lower()
    return email or None


def oidc_identity(claims: Mapping) -> OidcIdentity | None:
    """The identity in the ID token's claims (``st.user``), or None without ``iss`` and ``sub``.

    The e-mail address counts only with ``email_verified`` true (OpenID Connect Core 1.0 §5.1:
    an unverified address may belong to anyone; Microsoft's advice against unverified e-mail
    claims for authorisation). ``iat`` becomes a UTC time.
    """
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not (isinstance(issuer, str) and issuer and isinstance(subject, str) and subject):
        return None
    email = claims.get("email")
    verified = _verified(claims.get("email_verified"))
    iat = claims.get("iat")
    issued = dt.datetime.fromtimestamp(iat, dt.UTC) if isinstance(iat, int | float) else None
    nonce = claims.get("nonce") or claims.get("sid")
    return OidcIdentity(
        issuer.rstrip("/"),
        subject,
        normalise_email(email) if verified and isinstance(email, str) else None,
        issued,
        nonce if isinstance(nonce, str) else None,
    )


def pick_oidc_user(identity: OidcIdentity, candidates: list[Mapping]) -> Mapping | None:
    """The users row for ``identity`` among ``candidates`` (rows matching its subject or e-mail).

    Issuer + subject wins. A verified e-mail matches only a row with no subject of its own: an
    address must not take over an account an administrator has tied to another identity.
    """
    for row in candidates:
        if row.get("oidc_issuer") == identity.issuer and row.get("oidc_subject") == (
            identity.subject
        ):
            return row
    if identity.email:
        for row in candidates:
            if row.get("oidc_email") == identity.email and not row.get("oidc_subject"):
                return row
    return None


def oidc_user(identity: OidcIdentity) -> tuple[User | None, str | None]:
    """(the user, None) for a known, active identity; else (None, the Swedish reason)."""
    row = pick_oidc_user(
        identity, accounts.oidc_candidates(identity.issuer, identity.subject, identity.email)
    )
    if row is None:
        return None, OIDC_UNKNOWN
    if not row["active"]:
        return None, OIDC_INACTIVE
    found = User(
        row["id"],
        row["username"],
        row["display_name"],
        row["role"],
        row["organisation_id"],
        row["organisation"],
    )
    return found, None


def record_oidc_refusal(identity: OidcIdentity, reason: str) -> None:
    """Audit a refused OIDC login (the log line is written by the caller)."""
    accounts.record_oidc_refusal(identity.issuer, identity.subject, identity.email, reason)


def oidc_session_id(identity: OidcIdentity, key: str) -> str:
    """The server-side session id of one OIDC login: an HMAC of issuer, subject, the ID token's
    nonce (new for every login, OpenID Connect Core 1.0 §3.1.2.1) and its issue time."""
    iat = identity.issued_at.timestamp() if identity.issued_at else None
    msg = f"oidc:{identity.issuer}:{identity.subject}:{identity.nonce}:{iat!r}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()


def fresh_login(issued_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether an ID token issued at ``issued_at`` comes from a login just made (within
    ``FRESH_LOGIN``): only then may it open a new session. An older cookie whose session is
    unknown (e.g. removed) must log in again instead of reviving one."""
    if issued_at is None:
        return False
    return dt.timedelta(minutes=-1) <= now - issued_at <= FRESH_LOGIN


def oidc_session(
    sid: str, user: User, identity: OidcIdentity, *, now: dt.datetime | None = None
) -> bool:
    """True when the OIDC login ``sid`` may go on: opened now if the login is fresh and the
    session new (audit row, last login time), then checked like a local session (revoked,
    idle 30 min, absolute 8 h)."""
    now = now or dt.datetime.now(dt.UTC)
    if not accounts.session_known(sid):
        if not fresh_login(identity.issued_at, now):
            return False
        accounts.record_oidc_login(sid, user.id, user.username, identity.issuer)
    return check_session(sid, now=now)


def oidc_identity_problems(issuer: str, subject: str, email: str) -> list[str]:
    """Why an administrator's OIDC identity cannot be saved (empty list: it can)."""
    out = []
    if bool(issuer.strip()) != bool(subject.strip()):
        out.append("Ange både utfärdare och subjekt, eller inget av dem.")
    if issuer.strip() and not re.fullmatch(r"https?://\S+", issuer.strip()):
        out.append("Utfärdaren ska vara en adress (https://…), som i ID-tokenets iss.")
    if email.strip() and not re.fullmatch(r"[^@\s]+@[^@\s]+", email.strip()):
        out.append("E-postadressen ser inte ut som en e-postadress.")
    if max(len(issuer), len(subject), len(email)) > 500:
        out.append("Högst 500 tecken per fält.")
    return out


def set_oidc_identity(admin: User, user_id: int, *, issuer: str, subject: str, email: str) -> None:
    """Tie a user to an identity at the organisation's provider (blank fields clear it)."""
    _require_admin(admin)
    _check(oidc_identity_problems(issuer, subject, email))
    accounts.set_oidc_identity(
        admin.id,
        user_id,
        issuer=issuer.strip().rstrip("/") or None,
        subject=subject.strip() or None,
        email=normalise_email(email),
    )


# Back to the deep link after the organisation's login. Streamlit's OIDC callback always sends the
# browser to the app's root ("/"), so the page and filters a person opened before logging in
# (a shared /karta?omrade=F01) are remembered here for a few minutes, keyed by the browser, and
# the router opens them once the login is through (ui.login.return_to). In this process only: a
# deployment with several app processes needs sticky sessions for it (the proxy's ip_hash).
RETURN_WITHIN = dt.timedelta(minutes=10)
_MAX_DESTINATIONS = 10_000
_destinations: dict[str, tuple[dt.datetime, str, dict[str, list[str]]]] = {}
_destinations_lock = threading.Lock()


def browser_key(xsrf_cookie: str | None) -> str | None:
    """A key for this browser that survives the OIDC redirect: the SHA-256 of the token inside
    Streamlit's XSRF cookie (``2|mask|masked token|time``; the mask changes with every response,
    the token stays), or None when there is no such cookie."""
    parts = (xsrf_cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if not mask or not masked:
        return None
    token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    return hashlib.sha256(token).hexdigest()


def page_of_url(url: str | None) -> str:
    """The page part of an app URL (``http://host/karta`` → ``karta``; the root → ``""``)."""
    path = urlparse(url or "").path.rstrip("/")
    return path.rsplit("/", 1)[-1] if path else ""


def remember_destination(
    key: str, url_path: str, query: Mapping[str, list[str]], *, now: dt.datetime | None = None
) -> None:
    """Remember that the browser ``key`` started a login at page ``url_path`` with ``query``."""
    now = now or dt.datetime.now(dt.UTC)
    with _destinations_lock:
        for k in [k for k, (at, _, _) in _destinations.items() if now - at > RETURN_WITHIN]:
            del _destinations[k]
        if len(_destinations) >= _MAX_DESTINATIONS:  # a flood of logins never started: oldest out
            del _destinations[min(_destinations, key=lambda k: _destinations[k][0])]
        _destinations[key] = (now, url_path, {k: list(v) for k, v in query.items()})


def take_destination(
    key: str | None, *, now: dt.datetime | None = None
) -> tuple[str, dict[str, list[str]]] | None:
    """The page and query the browser ``key`` started its login at (once; None when there is
    none or it is older than ``RETURN_WITHIN``)."""
    if key is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    with _destinations_lock:
        found = _destinations.pop(key, None)
    if found is None or now - found[0] > RETURN_WITHIN:
        return None
    return found[1], found[2]
