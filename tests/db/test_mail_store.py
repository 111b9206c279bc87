"""Sändlistor and the send log under the app roles (sql/016 + 020): admins edit the lists,
analysts and admins read them and log sends under their own name; readers see neither; the
web login before it knows the user reads no addresses; the log cannot be backdated."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash.store import as_user
from ostan_dash.store import mail as mail_store
from ostan_dash.store.mail import Delivery

pytestmark = pytest.mark.db


def user(db, name: str) -> int:
    return db.execute(sa.text("SELECT id FROM users WHERE username = :u"), {"u": name}).scalar_one()


@pytest.fixture
def version_id(db) -> int:
    """A published version to log sends of (the test's transaction rolls it back)."""
    analyst = user(db, "analytiker")
    with as_user(analyst, "analytiker", conn=db):
        aid = db.execute(
            sa.text(
                "INSERT INTO analyses (kind, period_start, period_end, title, body, created_by) "
                "VALUES ('vecka', DATE '2001-01-01', DATE '2001-01-07', 'Test', '', :u) "
                "RETURNING id"
            ),
            {"u": analyst},
        ).scalar_one()
        return db.execute(
            sa.text(
                "INSERT INTO analysis_versions (analysis_id, version, document) "
                "VALUES (:a, 1, '{}'::jsonb) RETURNING id"
            ),
            {"a": aid},
        ).scalar_one()


def test_admin_sets_the_list_and_an_analyst_reads_it(db):
    admin = user(db, "admin")
    added, removed = mail_store.set_recipients(
        "kvartal", ["Anna.Berg@ostan.se", "polis@example.se"], user_id=admin, role="admin", conn=db
    )
    assert (added, removed) == (["Anna.Berg@ostan.se", "polis@example.se"], [])
    # Same list in another case and one address less: one removal, nothing added twice.
    added, removed = mail_store.set_recipients(
        "kvartal", ["anna.berg@ostan.se"], user_id=admin, role="admin", conn=db
    )
    assert (added, removed) == ([], ["polis@example.se"])
    listed = mail_store.recipients(
        "kvartal", user_id=user(db, "analytiker"), role="analytiker", conn=db
    )
    assert listed["address"].to_list() == ["Anna.Berg@ostan.se"]
    name = db.execute(sa.text("SELECT display_name FROM users WHERE id = :i"), {"i": admin})
    assert listed["added_by"].to_list() == [name.scalar_one()]
    assert mail_store.recipients("vecka", user_id=admin, role="admin", conn=db).is_empty()


def test_analyst_cannot_edit_the_lists(db):
    with pytest.raises(DBAPIError, match="permission denied"):
        mail_store.set_recipients(
            "vecka", ["a@example.se"], user_id=user(db, "analytiker"), role="analytiker", conn=db
        )


@pytest.mark.parametrize("role", ["lasare", "rapportor"])
def test_readers_and_reporters_cannot_read_the_lists(db, role):
    with pytest.raises(DBAPIError, match="permission denied"):
        mail_store.recipients("vecka", user_id=user(db, role), role=role, conn=db)


def test_the_web_login_reads_no_addresses_before_it_knows_the_user(db):
    db.execute(sa.text("SET LOCAL ROLE ostan_web"))
    for sql in ("SELECT count(*) FROM mail_recipients", "SELECT count(*) FROM mail_log"):
        with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
            db.execute(sa.text(sql))


def test_a_send_is_logged_under_the_senders_name(db, version_id):
    analyst = user(db, "analytiker")
    n = mail_store.log_deliveries(
        version_id,
        [Delivery("a@example.se"), Delivery("b@example.se", "Servern tog inte emot adressen.")],
        user_id=analyst,
        role="analytiker",
        conn=db,
    )
    assert n == 2
    logged = mail_store.send_log(version_id, user_id=analyst, role="analytiker", conn=db)
    name = db.execute(
        sa.text("SELECT display_name FROM users WHERE id = :i"), {"i": analyst}
    ).scalar_one()
    assert sorted(logged.select("recipient", "ok", "error", "sent_by").rows()) == [
        ("a@example.se", True, None, name),
        ("b@example.se", False, "Servern tog inte emot adressen.", name),
    ]


def test_a_reader_cannot_write_or_read_the_log(db, version_id):
    reader = user(db, "lasare")
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        mail_store.log_deliveries(
            version_id, [Delivery("a@example.se")], user_id=reader, role="lasare", conn=db
        )
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        mail_store.send_log(version_id, user_id=reader, role="lasare", conn=db)


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        # Backdating a send, or logging it under someone else's name: columns not insertable.
        (
            "INSERT INTO mail_log (version_id, recipient, ok, sent_at) "
            "VALUES (:v, 'a@example.se', true, now() - interval '1 year')",
            "permission denied",
        ),
        (
            "INSERT INTO mail_log (version_id, recipient, ok, sent_by) "
            "VALUES (:v, 'a@example.se', true, (SELECT id FROM users WHERE username = 'admin'))",
            "permission denied",
        ),
        # A failure without its reason, and a recipient that is no address.
        (
            "INSERT INTO mail_log (version_id, recipient, ok) VALUES (:v, 'a@example.se', false)",
            "mail_log_failure_has_reason",
        ),
        (
            "INSERT INTO mail_log (version_id, recipient, ok) VALUES (:v, 'inte en adress', true)",
            "mail_log_recipient_address",
        ),
        # The log is append-only.
        ("UPDATE mail_log SET ok = true WHERE version_id = :v", "permission denied"),
        ("DELETE FROM mail_log WHERE version_id = :v", "permission denied"),
    ],
    ids=[
        "backdate",
        "other-sender",
        "failure-without-reason",
        "not-an-address",
        "update",
        "delete",
    ],
)
def test_the_log_is_evidence(db, version_id, sql, error):
    with (
        pytest.raises(DBAPIError, match=error),
        as_user(user(db, "analytiker"), "analytiker", conn=db),
    ):
        db.execute(sa.text(sql), {"v": version_id})


def test_an_address_is_on_a_list_once_regardless_of_case(db):
    with (
        pytest.raises(DBAPIError, match="mail_recipients_kind_address_ci"),
        as_user(user(db, "admin"), "admin", conn=db),
    ):
        db.execute(
            sa.text(
                "INSERT INTO mail_recipients (kind, address) "
                "VALUES ('ar', 'anna@ostan.se'), ('ar', 'ANNA@ostan.se')"
            )
        )


def test_an_admin_cannot_attribute_an_entry_to_someone_else(db):
    with (
        pytest.raises(DBAPIError, match="permission denied"),
        as_user(user(db, "admin"), "admin", conn=db),
    ):
        db.execute(
            sa.text(
                "INSERT INTO mail_recipients (kind, address, added_by) "
                "VALUES ('ar', 'anna@ostan.se', (SELECT id FROM users WHERE username = 'lasare'))"
            )
        )
