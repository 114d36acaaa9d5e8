"""Training recipes for the Stanza models shipped in ``analysis/models`` (not runtime code)."""
