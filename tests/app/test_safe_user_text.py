"""Problembilder shows a user's description without its markdown image, link or HTML (issue 13:
every viewer's browser fetched the outside image)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import streamlit as st

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/problembilder.py"
HOSTILE = (
    "Klotter vid torget ![x](http://evil.example/x.png) <img src=http://evil.example/y.png> "
    "[läs mer](http://evil.example/z)"
)


def test_a_problem_description_with_an_image_and_html_renders_without_them(as_role, engine):
    with engine.begin() as c:
        pid, old = c.execute(
            sa.text("SELECT id, description FROM problem_pictures ORDER BY id LIMIT 1")
        ).one()
        c.execute(
            sa.text("UPDATE problem_pictures SET description = :d WHERE id = :i"),
            {"d": HOSTILE, "i": pid},
        )
    try:
        st.cache_data.clear()
        at = as_role("analytiker")
        at.switch_page(PAGE).run()
        at.selectbox(key="pb_pick").set_value(pid).run()
        assert not at.exception, at.exception
        shown = [m.value for m in at.markdown if "evil" in m.value]
        assert shown, "the description is on the page"
        for body in shown:
            assert "![" not in body and "](" not in body and "<img" not in body.replace("\\<", "")
            assert "\\!\\[x\\]\\(http\\:\\/\\/evil\\.example\\/x\\.png\\)" in body
    finally:
        with engine.begin() as c:
            c.execute(
                sa.text("UPDATE problem_pictures SET description = :d WHERE id = :i"),
                {"d": old, "i": pid},
            )
        st.cache_data.clear()
