"""User-written text is shown literally: no image, link, HTML or Streamlit directive from it."""

from __future__ import annotations

import re

import pytest

from ostan_dash.ui.safe_text import plain_markdown

HOSTILE = (
    "Se ![x](http://evil.example/x.png) och <img src=http://evil.example/y.png> "
    "[här](http://evil.example) https://evil.example :red[röd] :material/home: $x^2$ **fet**"
)


def unescape(md: str) -> str:
    """CommonMark's reading of backslash escapes (§2.4) and hard breaks: what a viewer sees."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md.replace("  \n", "\n"))


def test_every_markdown_and_html_character_is_escaped():
    md = plain_markdown(HOSTILE)
    # No punctuation stays unescaped, so no ![, ](, <, : or $ can start any syntax.
    unescaped = re.findall(r"(?<!\\)[!\[\]()<>:$*`_]", md.replace("\\\\", ""))
    assert unescaped == []
    assert "![" not in md and "](" not in md and "<img" not in md.replace("\\<", "")


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "Rad ett\nrad två", "C:\\temp\\fil.txt", "50 % – 1 234,5 kr", "\\![x](y)"],
)
def test_the_viewer_sees_exactly_what_was_typed(text):
    assert unescape(plain_markdown(text)) == text


def test_missing_text_is_a_dash_and_line_breaks_are_hard_breaks():
    assert plain_markdown(None) == "–"
    assert plain_markdown("  ") == "–"
    assert plain_markdown(None, empty="") == ""
    assert plain_markdown("a\r\nb") == "a  \nb"
