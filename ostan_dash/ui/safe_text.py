"""User-written text shown as typed: no images, links, HTML or Streamlit directives from it.

Problem pictures, interventions and cause analyses are written by users and shown with
``st.markdown`` next to our own bold labels. Markdown in them would run in every viewer's
browser: ``![x](http://evil/x.png)`` makes each browser fetch an outside address, ``[här](…)``
is a link that looks like ours, a bare ``https://…`` becomes a link (GitHub-flavoured
autolinks), ``:red[…]`` and ``:material/…:`` are Streamlit directives and ``$…$`` is LaTeX.
:func:`plain_markdown` escapes every ASCII punctuation character with a backslash, which
CommonMark (§2.4, "Backslash escapes") defines as the literal character: the text renders
exactly as typed and none of that syntax can take effect. Raw HTML (``<img src=…>``) is not
rendered by ``st.markdown`` without ``unsafe_allow_html``, and its ``<`` is escaped too.
"""

from __future__ import annotations

import re

# CommonMark's escapable characters: all ASCII punctuation.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def plain_markdown(text: str | None, *, empty: str = "–") -> str:
    """Markdown source that shows ``text`` literally, with its line breaks kept.

    Parameters
    ----------
    text
        What a user wrote (``None`` or blank gives ``empty``).
    empty
        Shown for a missing text (our own, not escaped).

    Returns
    -------
    str
        ``text`` with every ASCII punctuation character backslash-escaped and each line break
        as a Markdown hard break (two spaces + newline), safe to put inside ``st.markdown``.
    """
    if text is None or not text.strip():
        return empty
    escaped = _PUNCTUATION.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "  \n".join(escaped.split("\n"))
