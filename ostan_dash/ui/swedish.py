"""Streamlit's and plotly's own texts in Swedish.

What a parameter can say is said there: placeholders and ``select_all=False`` on every
multiselect (:data:`MULTISELECT`), plotly's locale in :data:`ostan_dash.ui.charts.PLOTLY_CONFIG`,
numbers as pre-formatted Styler text (:mod:`ostan_dash.ui.export`), Streamlit's own CSV button
switched off (``client.disableDataExport``: our downloads carry the filter header instead).

The rest has no option in Streamlit 1.67: the file uploader's "Drag and drop file here" /
"Upload" / "200MB per file" (streamlit/streamlit#13500), the forms' "Press Enter to submit form"
and the toolbar and column-menu tooltips of tables and charts ("Search", "Fullscreen", "Sort
ascending" …) — all hard-coded English in the frontend bundle, with no language setting
(streamlit/streamlit#1353, "Streamlit should have support for Internationalization"). For those
:func:`install` adds one small script that swaps these exact English texts (whole text nodes
and the ``aria-label``/``title``/``placeholder``/``data-title`` attributes, nothing else) for Swedish as they
appear. It is keyed on the English strings themselves, so a Streamlit upgrade that changes one
leaves it English rather than breaking anything; the e2e scan
(``tests/e2e/test_swedish_e2e.py``) then names it. Remove an entry once Streamlit offers a
parameter for it.
"""

from __future__ import annotations

import json

# Every st.multiselect: no "Select all" as the first option (one tap would select all 13
# knowledge sources), a Swedish placeholder.
MULTISELECT = {"select_all": False, "placeholder": "Välj …"}

# Exact English texts of Streamlit 1.67's frontend → Swedish.
TRANSLATIONS: dict[str, str] = {
    # st.file_uploader
    "Drag and drop file here": "Dra och släpp filen här",
    "Drag and drop a file here": "Dra och släpp filen här",
    "Drag and drop files here": "Dra och släpp filerna här",
    "Drag and drop directories here": "Dra och släpp mapparna här",
    "Browse files": "Välj fil",
    "Upload": "Välj fil",
    "Upload directories": "Välj mapp",
    "Add files": "Lägg till filer",
    "file upload": "Välj fil",
    # st.multiselect / st.selectbox
    "Choose options": "Välj …",
    "Choose an option": "Välj …",
    "Select all": "Välj alla",
    "Clear all": "Rensa alla",
    "No results": "Inga träffar",
    "No options": "Inga val",
    "No options to select": "Inga fler val",
    "Selected values": "Valda",
    "Multiselect options": "Val",
    # element toolbar of tables and charts
    "Show/hide columns": "Visa eller dölj kolumner",
    "Download as CSV": "Ladda ned som CSV",
    "Search": "Sök",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Type to search": "Skriv för att söka",
    "Close Search": "Stäng sökningen",
    "Next Result": "Nästa träff",
    "Previous Result": "Föregående träff",
    "Clear selection": "Avmarkera",
    "Add row": "Lägg till rad",
    "Delete row": "Ta bort rad",
    # table column menu
    "Sort ascending": "Sortera stigande",
    "Sort descending": "Sortera fallande",
    "Pin column": "Lås kolumnen",
    "Unpin column": "Lås upp kolumnen",
    "Hide column": "Dölj kolumnen",
    "Copy column name": "Kopiera kolumnnamnet",
    "Automatic": "Automatiskt",
    "Localized": "Enligt webbläsaren",
    "Plain": "Utan format",
    "Compact": "Kompakt",
    "Percent": "Procent",
    "Scientific": "Vetenskapligt",
    "Engineering": "Tekniskt",
    "Accounting": "Bokföring",
    "Duration": "Varaktighet",
    "Distance": "Avstånd",
    "Calendar": "Kalender",
    "Loading...": "Laddar …",
    "No data": "Inga data",
    "Select...": "Välj …",
}

# Texts with a number or a key name inside (JavaScript regular expressions, whole text node).
PATTERNS: list[tuple[str, str]] = [
    (r"^Press Enter to submit form$", "Tryck Enter för att skicka formuläret"),
    (r"^Press Enter to apply$", "Tryck Enter för att verkställa"),
    (r"^Press (⌘|Ctrl)\+Enter to submit form$", "Tryck $1+Enter för att skicka formuläret"),
    (r"^Press (⌘|Ctrl)\+Enter to apply$", "Tryck $1+Enter för att verkställa"),
    (r"^Limit (\d+(?:\.\d+)?)\s?(B|KB|MB|GB) per file", "Högst $1 $2 per fil"),
    (r"^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB) per file", "Högst $1 $2 per fil"),
    # the help icon's aria-label beside a widget's label (what a screen reader says)
    (r"^Help for (.+)$", "Hjälp om $1"),
]

# data-title: plotly's mode bar tooltips (Streamlit adds its "Fullscreen" button there).
ATTRIBUTES = ("aria-label", "title", "placeholder", "data-title")


def translate(text: str) -> str:
    """What the script makes of one text (the same table, in Python, for tests)."""
    import re

    stripped = text.strip()
    exact = _exact()
    if stripped in exact:
        return text.replace(stripped, exact[stripped])
    for pattern, repl in PATTERNS:
        py_repl = re.sub(r"\$(\d)", r"\\\1", repl)
        new, n = re.subn(pattern, py_repl, stripped)
        if n:
            return text.replace(stripped, new)
    return text


_SCRIPT = """
(() => {
  if (window.__ostanSwedish) return;
  window.__ostanSwedish = true;
  const exact = %(exact)s;
  const patterns = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  const attrs = %(attrs)s;
  const tr = (s) => {
    const t = s.trim();
    if (!t) return s;
    if (Object.prototype.hasOwnProperty.call(exact, t)) return s.replace(t, exact[t]);
    for (const [re, r] of patterns) if (re.test(t)) return s.replace(t, t.replace(re, r));
    return s;
  };
  const fixText = (n) => { const v = tr(n.data); if (v !== n.data) n.data = v; };
  const fixAttrs = (el) => {
    for (const a of attrs) {
      const v = el.getAttribute && el.getAttribute(a);
      if (v) { const w = tr(v); if (w !== v) el.setAttribute(a, w); }
    }
  };
  const walk = (root) => {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1) return;
    fixAttrs(root);
    const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) n.nodeType === 3 ? fixText(n) : fixAttrs(n);
  };
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttrs(r.target);
      else r.addedNodes.forEach(walk);
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true,
                              attributes: true, attributeFilter: attrs});
  walk(document.body);
})();
"""


def _exact() -> dict[str, str]:
    """The table above and plotly's mode bar tooltips: a chart shown without
    ``config=charts.PLOTLY_CONFIG`` still gets Swedish tooltips (not Swedish months)."""
    from ostan_dash.ui.charts import SV_LOCALE

    return {**SV_LOCALE["dictionary"], **TRANSLATIONS}


def script() -> str:
    """The translating script, with the tables above."""
    return _SCRIPT % {
        "exact": json.dumps(_exact(), ensure_ascii=False),
        "patterns": json.dumps(PATTERNS, ensure_ascii=False),
        "attrs": json.dumps(list(ATTRIBUTES)),
    }


def install() -> None:
    """Add the script to the page (once per run; the script itself installs once per tab).

    Its container is hidden, so it takes no room on the page.
    """
    import streamlit as st

    with st.container(key="ostan_swedish"):
        st.html(
            f"<style>.st-key-ostan_swedish{{display:none}}</style><script>{script()}</script>",
            unsafe_allow_javascript=True,
        )
