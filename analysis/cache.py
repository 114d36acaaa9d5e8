"""On-disk cache of NER results, keyed by model identity and text hash.

One SQLite file, ``<root>/ner-v2.sqlite3`` (stdlib :mod:`sqlite3`, WAL journal), holds every
entry; its primary key is ``(model identity, text sha1)`` and the payload is the JSON of the
mentions and sentences of one text, zlib-compressed. :meth:`NerCache.get_many` and
:meth:`NerCache.put_many` read or write a whole batch of texts in one query and one
transaction, so a warm rerun costs a few queries, not one file open per text; a batch is
committed whole or not at all, so an interrupted run leaves no half-written entry and a rerun
skips every finished batch.

An entry that cannot be used (not zlib, not JSON, the wrong shape) is a miss: the text is
annotated again and the entry replaced. A cache file that cannot be opened, read or written
(a folder in its place, not a database, a read-only disk, a lock held too long) warns once and
the run goes on without the cache. Readers never block each other, nor a writer (WAL);
writers wait up to :data:`BUSY_TIMEOUT_S` for each other.

The JSON cache of earlier versions (``<root>/ner-v1/<model identity>/…/<sha1>.json``) is
neither read nor removed; delete that folder to reclaim its space.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

logger = logging.getLogger(__name__)

CACHE_ENV = "ACTOR_NETWORKS_CACHE"
_FORMAT = 2
CACHE_FILE = f"ner-v{_FORMAT}.sqlite3"
#: Seconds a writer waits for another process' write transaction before giving up.
BUSY_TIMEOUT_S = 30.0
#: Texts per ``SELECT … IN (…)`` (below SQLite's oldest limit of 999 bound parameters).
_CHUNK = 900

Tables = tuple[pd.DataFrame, pd.DataFrame]


def default_cache_dir() -> Path:
    """``$ACTOR_NETWORKS_CACHE`` or ``~/.cache/actor-networks``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "actor-networks"


class NerCache:
    """Read/write NER results (mentions + sentences of one text) for one model identity.

    Parameters
    ----------
    root
        Cache directory (the SQLite file :data:`CACHE_FILE` is created in it); ``None``
        disables caching (every lookup misses, nothing is written).
    model_identity
        Key of the models and rules that produced the results (see
        :func:`analysis.pipeline.ner_cache_key`).

    Attributes
    ----------
    hits, misses
        Lookups answered from the cache and not.
    """

    def __init__(self, root: str | os.PathLike[str] | None, model_identity: str) -> None:
        self.path = Path(root) / CACHE_FILE if root is not None else None
        self.model_identity = model_identity
        self.hits = 0
        self.misses = 0
        self._disabled = root is None

    # ---------------------------------------------------------------------------- one text
    def get(self, text_sha1: str) -> Tables | None:
        """Return cached ``(mentions, sentences)`` for a text, or ``None``."""
        return self.get_many([text_sha1]).get(text_sha1)

    def put(self, text_sha1: str, mentions: pd.DataFrame, sentences: pd.DataFrame) -> None:
        """Store the results of one text (columns as :func:`analysis.ner.annotate_texts`)."""
        self.put_many([(text_sha1, mentions, sentences)])

    # ------------------------------------------------------------------------------ batches
    def get_many(self, text_sha1s: Sequence[str]) -> dict[str, Tables]:
        """Cached ``(mentions, sentences)`` of the texts found, by sha1 (one query per
        :data:`_CHUNK` texts); every other text counts as a miss."""
        return {sha: (pd.DataFrame(rows[0]), pd.DataFrame(rows[1]))
                for sha, rows in self._records(text_sha1s).items()}

    def get_tables(self, text_sha1s: Sequence[str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
        """Cached mentions and sentences of every text found, as two long tables with a
        ``text_sha1`` column first, and the set of sha1s found (a text may be found and have
        no rows). Faster than :meth:`get_many` for many texts: two tables are built, not two
        per text."""
        found = self._records(text_sha1s)
        return _long(found, 0), _long(found, 1), set(found)

    def _records(self, text_sha1s: Sequence[str]) -> dict[str, tuple[list, list]]:
        """The rows (dicts) of the cached mentions and sentences of the texts found."""
        wanted = list(dict.fromkeys(text_sha1s))
        found: dict[str, tuple[list, list]] = {}
        if wanted and not self._disabled:
            try:
                with self._connect() as conn:
                    for start in range(0, len(wanted), _CHUNK):
                        chunk = wanted[start:start + _CHUNK]
                        rows = conn.execute(
                            "SELECT text_sha1, payload FROM ner WHERE model = ? AND text_sha1 "
                            f"IN ({', '.join('?' * len(chunk))})",
                            [self.model_identity, *chunk]).fetchall()
                        for sha, payload in rows:
                            entry = _decode(payload)
                            if entry is None:
                                logger.warning("NER cache entry %s of %s is unusable; "
                                               "recomputing it", sha, self.path)
                            else:
                                found[sha] = entry
            except sqlite3.Error as err:
                self._give_up("read", err)
                found = {}
        self.hits += sum(sha in found for sha in text_sha1s)
        self.misses += sum(sha not in found for sha in text_sha1s)
        return found

    def put_many(self, entries: Iterable[tuple[str, pd.DataFrame, pd.DataFrame]]) -> None:
        """Store ``(text_sha1, mentions, sentences)`` entries in one transaction, replacing
        what was there; a failure warns once and disables the cache (nothing is stored)."""
        if self._disabled:
            return
        rows = [(self.model_identity, sha, _encode(mentions, sentences))
                for sha, mentions, sentences in entries]
        if not rows:
            return
        try:
            with self._connect() as conn, conn:  # the inner ``conn``: one transaction
                conn.executemany(
                    "INSERT OR REPLACE INTO ner (model, text_sha1, payload) VALUES (?, ?, ?)",
                    rows)
        except sqlite3.Error as err:
            self._give_up("write", err)

    # ----------------------------------------------------------------------------- helpers
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """An open connection to the cache file (created with its table if missing)."""
        assert self.path is not None
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            with contextlib.suppress(sqlite3.OperationalError):  # e.g. a read-only file
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS ner (model TEXT NOT NULL, "
                         "text_sha1 TEXT NOT NULL, payload BLOB NOT NULL, "
                         "PRIMARY KEY (model, text_sha1)) WITHOUT ROWID")
            yield conn
        finally:
            conn.close()

    def _give_up(self, action: str, err: sqlite3.Error) -> None:
        """Warn (once) that the cache file is unusable and stop using it."""
        if not self._disabled:
            logger.warning("cannot %s the NER cache %s (%s); going on without it", action,
                           self.path, err)
        self._disabled = True


def _encode(mentions: pd.DataFrame, sentences: pd.DataFrame) -> bytes:
    """The payload of one entry: zlib-compressed JSON ``{"mentions": […], "sentences": […]}``
    with one object per row."""
    text = (f'{{"mentions":{mentions.to_json(orient="records", force_ascii=False)},'
            f'"sentences":{sentences.to_json(orient="records", force_ascii=False)}}}')
    return zlib.compress(text.encode("utf-8"), 6)


def _long(found: dict[str, tuple[list, list]], part: int) -> pd.DataFrame:
    """One long table of part ``part`` (0 mentions, 1 sentences) of every entry found."""
    rows = [{"text_sha1": sha, **row} for sha, parts in found.items() for row in parts[part]]
    return pd.DataFrame(rows) if rows else pd.DataFrame({"text_sha1": pd.Series(dtype=object)})


def _decode(payload: object) -> tuple[list, list] | None:
    """The rows of the (mentions, sentences) of a payload, or ``None`` when it is unusable."""
    if not isinstance(payload, bytes):
        return None
    try:
        return _rows(json.loads(zlib.decompress(payload).decode("utf-8")))
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None


def _rows(payload: object) -> tuple[list, list] | None:
    """The rows of the (mentions, sentences) of a cache entry, or ``None`` when it has the
    wrong shape (not two lists of objects; rows without ``start_char`` / ``sentence_idx``)."""
    if not isinstance(payload, dict):
        return None
    parts = (payload.get("mentions"), payload.get("sentences"))
    if not all(isinstance(part, list) and all(isinstance(row, dict) for row in part)
               for part in parts):
        return None
    for part, key in zip(parts, ("start_char", "sentence_idx"), strict=True):
        if part and not any(key in row for row in part):
            return None
    return parts[0], parts[1]
