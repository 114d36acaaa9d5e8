"""Measurements of the analysis package against the shared corpora."""
