"""On-disk cache of NER results, keyed by text hash and model identity.

One JSON file per (model identity, text) under ``<root>/<model identity>/<sha1[:2]>/``.
Entries are written atomically (temporary file + rename), so an interrupted run leaves no
half-written entry and a rerun skips every finished document. An entry that cannot be used
(truncated or malformed JSON, the wrong shape, a folder in its place) is a miss: the text is
annotated again and the entry rewritten where possible; a cache that cannot be written warns
and the run goes on without storing.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import pandas as pd

logger = logging.getLogger(__name__)

CACHE_ENV = "ACTOR_NETWORKS_CACHE"
_FORMAT = 1


def default_cache_dir() -> Path:
    """``$ACTOR_NETWORKS_CACHE`` or ``~/.cache/actor-networks``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "actor-networks"


class NerCache:
    """Read/write NER results (mentions + sentences of one text) for one model identity.

    Parameters
    ----------
    root
        Cache directory; ``None`` disables caching (every lookup misses, nothing is written).
    model_identity
        :attr:`analysis.models.ModelSpec.identity` of the models that produced the results.
    """

    def __init__(self, root: str | os.PathLike[str] | None, model_identity: str) -> None:
        self.root = Path(root) / f"ner-v{_FORMAT}" / model_identity if root is not None else None
        self.hits = 0
        self.misses = 0

    def _path(self, text_sha1: str) -> Path:
        assert self.root is not None
        return self.root / text_sha1[:2] / f"{text_sha1}.json"

    def get(self, text_sha1: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """Return cached ``(mentions, sentences)`` for a text, or ``None``."""
        if self.root is None:
            self.misses += 1
            return None
        path = self._path(text_sha1)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, a folder, unreadable, truncated JSON
            self.misses += 1
            return None
        tables = _tables(payload)
        if tables is None:
            logger.warning("NER cache entry %s has the wrong shape; recomputing it", path)
            self.misses += 1
            return None
        self.hits += 1
        return tables

    def put(self, text_sha1: str, mentions: pd.DataFrame, sentences: pd.DataFrame) -> None:
        """Store the results of one text (columns as :func:`analysis.ner.annotate_texts`)."""
        if self.root is None:
            return
        path = self._path(text_sha1)
        payload = {
            "mentions": json.loads(mentions.to_json(orient="records", force_ascii=False)),
            "sentences": json.loads(sentences.to_json(orient="records", force_ascii=False)),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError as err:
            logger.warning("cannot write NER cache entry %s (%s); not cached", path, err)
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as err:  # e.g. a folder where the entry should be, a full disk
            Path(tmp).unlink(missing_ok=True)
            logger.warning("cannot write NER cache entry %s (%s); not cached", path, err)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _tables(payload: object) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The (mentions, sentences) of a cache entry, or ``None`` when it has the wrong shape."""
    if not isinstance(payload, dict):
        return None
    parts = [payload.get("mentions"), payload.get("sentences")]
    if not all(isinstance(part, list) and all(isinstance(row, dict) for row in part)
               for part in parts):
        return None
    mentions, sentences = (pd.DataFrame(part) for part in parts)
    needed = ({"start_char"}, {"sentence_idx"})
    for table, columns in zip((mentions, sentences), needed, strict=True):
        if len(table) and not columns <= set(table.columns):
            return None
    return mentions, sentences
