"""Streamlit widgets, figures, texts and cached loaders: the only part of the package that imports Streamlit."""
