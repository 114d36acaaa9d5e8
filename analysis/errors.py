"""Errors a run raises before any NER: bad options, missing or broken models, bad output folder.

They share :class:`SetupError`, so the command line turns each into one line and a non-zero
exit. ``option`` names the Python keyword of :func:`analysis.run` that was wrong; the command
line shows it as its ``--option``.
"""

from __future__ import annotations


class SetupError(Exception):
    """The run cannot start; nothing was processed.

    Parameters
    ----------
    message
        What is wrong, in one line.
    option
        The :func:`analysis.run` keyword at fault, if one is.
    """

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


class OptionError(SetupError, ValueError):
    """An option has a value the run cannot use."""


class NothingProcessedError(RuntimeError):
    """A run ended without processing any document (empty corpus, every document failed)."""
