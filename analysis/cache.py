"""On-disk cache of NER results, keyed by text hash and model identity.

One JSON file per (model identity, text) under ``<root>/<model identity>/<sha1[:2]>/``.
Entries are written atomically (temporary file + rename), so an interrupted run leaves no
half-written entry and a rerun skips every finished document.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

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
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return pd.DataFrame(payload["mentions"]), pd.DataFrame(payload["sentences"])

    def put(self, text_sha1: str, mentions: pd.DataFrame, sentences: pd.DataFrame) -> None:
        """Store the results of one text (columns as :func:`analysis.ner.annotate_texts`)."""
        if self.root is None:
            return
        path = self._path(text_sha1)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "mentions": json.loads(mentions.to_json(orient="records", force_ascii=False)),
            "sentences": json.loads(sentences.to_json(orient="records", force_ascii=False)),
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
