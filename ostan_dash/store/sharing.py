"""The sharing policy (``sql/032_sharing_policy.sql``): what each organisation shares with whom.

Read and written only under the administrator's own database role; the database itself refuses
anyone else, and its triggers write the audit trail and raise the data version. What the rows
mean is in :mod:`ostan_dash.sharing`.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
import sqlalchemy as sa

from ostan_dash.store import as_user, read_frame

Grant = tuple[str, int | None]
"""One row's grantee: ('alla', None), ('analytiker', None) or ('organisation', org id)."""

SCHEMA = {
    "owner_org_id": pl.Int64,
    "data_kind": pl.Utf8,
    "grantee": pl.Utf8,
    "grantee_org_id": pl.Int64,
}


def policy_rows(admin_id: int) -> pl.DataFrame:
    """Every row of the policy (owner_org_id, data_kind, grantee, grantee_org_id)."""
    with as_user(admin_id, "admin") as conn:
        return read_frame(
            "SELECT owner_org_id, data_kind, grantee, grantee_org_id FROM sharing_policy "
            "ORDER BY owner_org_id, data_kind, grantee, grantee_org_id",
            conn=conn,
            schema=SCHEMA,
        )


def replace(admin_id: int, owner_org_id: int, kind: str, grants: Iterable[Grant]) -> int:
    """Make ``grants`` the whole policy of ``owner_org_id`` for ``kind`` in one transaction:
    rows no longer wanted are deleted, new ones inserted (unchanged rows stay, so the audit
    trail shows only what changed); returns the number of rows changed."""
    wanted = set(grants)
    with as_user(admin_id, "admin") as conn:
        have = {
            (g, o)
            for g, o in conn.execute(
                sa.text(
                    "SELECT grantee, grantee_org_id FROM sharing_policy "
                    "WHERE owner_org_id = :o AND data_kind = :k"
                ),
                {"o": owner_org_id, "k": kind},
            ).all()
        }
        for grantee, org in have - wanted:
            conn.execute(
                sa.text(
                    "DELETE FROM sharing_policy WHERE owner_org_id = :o AND data_kind = :k "
                    "AND grantee = :g AND grantee_org_id IS NOT DISTINCT FROM CAST(:go AS integer)"
                ),
                {"o": owner_org_id, "k": kind, "g": grantee, "go": org},
            )
        for grantee, org in sorted(wanted - have, key=str):
            conn.execute(
                sa.text(
                    "INSERT INTO sharing_policy (owner_org_id, data_kind, grantee, grantee_org_id) "
                    "VALUES (:o, :k, :g, :go)"
                ),
                {"o": owner_org_id, "k": kind, "g": grantee, "go": org},
            )
        return len(have ^ wanted)
