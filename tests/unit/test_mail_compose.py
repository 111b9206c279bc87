"""The e-mail of a published lägesbild is built from the frozen version alone: subject with the
kind and the period in Swedish (and the version after the first), a short Swedish body with
when and by whom it was published and the classification line, the stored PDF attached."""

from __future__ import annotations

import datetime as dt

import pytest

from ostan_dash import sending
from ostan_dash.reports import periods
from ostan_dash.store.analyses import Published

PDF = b"%PDF-1.7\n\x00\xff stored bytes\n%%EOF"


def published(kind: str, key: str, version: int = 1, pdf: bytes | None = PDF) -> Published:
    p = periods.parse(kind, key)
    return Published(
        version_id=7,
        analysis_id=3,
        version=version,
        document={
            "kind": kind,
            "title": p.title,
            "classification": "Får delas inom samverkan",
            "period": {"key": p.key, "label": p.label, "start": str(p.start), "end": str(p.end)},
        },
        pdf=pdf,
        # 18:05 UTC on 30 November 2026 is 19:05 in Stockholm (CET).
        published_at=dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC),
        published_by="Anna Analytiker",
    )


@pytest.mark.parametrize(
    ("kind", "key", "version", "subject", "file_name"),
    [
        (
            "vecka",
            "2026-W48",
            1,
            "Veckolägesbild v.\u00a048 2026 (23–29 november)",
            "veckolagesbild-2026-W48-v1.pdf",
        ),
        (
            "kvartal",
            "2026-Q3",
            2,
            "Kvartalsanalys kvartal 3 2026 (version 2)",
            "kvartalsanalys-2026-Q3-v2.pdf",
        ),
        ("ar", "2025", 1, "Årsanalys 2025", "arsanalys-2025-v1.pdf"),
    ],
    ids=["vecka", "kvartal-v2", "ar"],
)
def test_subject_body_and_attachment(kind, key, version, subject, file_name):
    msg = sending.compose(published(kind, key, version))
    assert msg.subject == subject
    assert msg.attachment == (file_name, PDF, "application/pdf")
    lines = msg.body.splitlines()
    assert "Får delas inom samverkan." in lines
    assert "publicerad 30 november 2026 kl. 19:05 av Anna Analytiker." in msg.body
    assert sending.DEFINITE[kind] in msg.body


def test_a_version_without_pdf_is_not_sent():
    with pytest.raises(sending.SendError, match="ingen sparad PDF"):
        sending.compose(published("vecka", "2026-W48", pdf=None))
