"""Lägesbilder: the weekly, quarterly and annual documents of the EST rhythm.

A document is drafted from the data by pure functions (:mod:`.weekly`, :mod:`.quarterly`,
:mod:`.annual`; the longer periods are compared with the same period a year earlier by
:mod:`.compare`), frozen as plain JSON
(numbers, tables, sentences and the figures as SVG and plotly JSON) when an analyst publishes it
(:mod:`ostan_dash.store.analyses`), and rendered to print-friendly HTML and an A4 PDF from that
JSON alone (:mod:`.render`), so a published version reads the same however the data change.
"""
