"""Reading a corpus from disk into a documents table (with a ``text`` column).

Accepted inputs
---------------
* a folder of ``.txt`` files (searched recursively, sorted by path), or one ``.txt`` file;
* a ``.csv``, ``.jsonl``/``.ndjson`` or ``.parquet`` table with a text column and optional
  ``id``/``doc_id``, ``date``/``published_at``, ``title``, ``source``, ``url``,
  ``lang``/``language`` columns.

Header of ``.txt`` files
------------------------
Lines at the very top of the form ``key: value`` (or ``key value``) with ``key`` one of
``id``, ``date``, ``title``, ``url``, ``source``, ``lang``/``language`` are metadata, not
text. The header ends at the first other line. A ``date`` line may carry the text right after
the date (``date 2023-02 Rzecznik Kremla …``); that rest is kept as text. Example::

    id: tvp-2023-0412
    date: 2023-04-12
    lang: pl
    title: Putin i Łukaszenka …

    Text of the article …

Nothing is dropped: an unreadable, binary, undecodable or empty input becomes a row with its
status and message (see :data:`analysis.schemas.STATUSES`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import pandas as pd

from analysis import schemas

logger = logging.getLogger(__name__)

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")
DEFAULT_MAX_CHARS = 200_000
_KEYS = {"id": "doc_id", "date": "date_text", "title": "title", "url": "url",
         "source": "source_meta", "lang": "lang", "language": "lang"}
_HEADER = re.compile(r"^\s*(id|date|title|url|source|lang|language)\s*[:=]\s*(\S.*?)\s*$", re.I)
_DATE_INLINE = re.compile(
    r"^\s*date\s*[:=]?\s*((?:19|20)\d\d(?:[-./]\d{1,2}(?:[-./]\d{1,2})?)?)\b[ \t]*(.*)$", re.I)
_COLUMN_ALIASES = {
    "doc_id": ("doc_id", "id"),
    "date_text": ("published_at", "date", "date_published"),
    "title": ("title",),
    "url": ("url", "href"),
    "source_meta": ("source",),
    "lang": ("lang", "language"),
}


def default_corpus() -> Path:
    """The sample corpus shipped with the package (``analysis/_data/sample``)."""
    from analysis.resources import sample_corpus_path

    return sample_corpus_path()


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split metadata lines off the top of ``text``.

    Returns
    -------
    meta, body
        ``meta`` maps column names (``doc_id``, ``date_text``, ``title``, ``url``,
        ``source_meta``, ``lang``) to values; ``body`` is the rest of the text.
    """
    meta: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        inline = _DATE_INLINE.match(line)
        header = _HEADER.match(line)
        if header and header.group(1).lower() != "date":
            meta[_KEYS[header.group(1).lower()]] = header.group(2)
        elif inline:
            meta["date_text"] = inline.group(1)
            rest = inline.group(2).strip()
            if rest:
                lines[i] = rest
                break
        elif header:
            meta["date_text"] = header.group(2)
        else:
            break
        i += 1
    return meta, "\n".join(lines[i:]).strip("\n")


def _decode(raw: bytes, encoding: str | None) -> tuple[str | None, str]:
    """Bytes → text, or ``(None, reason)``. Only UTF-8/UTF-16 unless ``encoding`` is given."""
    if encoding:
        try:
            return raw.decode(encoding), ""
        except (UnicodeDecodeError, LookupError) as err:
            return None, f"cannot decode as {encoding}: {err}"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError as err:
            return None, f"invalid UTF-16: {err}"
    if b"\x00" in raw[:8192]:
        return None, "binary content (NUL bytes); not a text file"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as err:
        return None, (f"not valid UTF-8 (byte {err.start}); re-save as UTF-8 or pass "
                      f"encoding=... (e.g. cp1250, cp1257, iso8859_16)")


def _control_share(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(sample)


def _row_from_text(doc_id: str, source: str, text: str | None, reason: str, meta: dict,
                   max_chars: int) -> dict:
    row: dict = {"doc_id": doc_id, "source": source, "status": "ok", "message": "",
                 "text": text}
    for key in ("title", "url", "date_text", "lang"):
        value = meta.get(key)
        row[key] = None if value is None or (isinstance(value, float) and pd.isna(value)) else \
            str(value)
    if meta.get("source_meta"):
        row["source"] = f"{source} ({meta['source_meta']})"
    if row["date_text"]:
        row["date_source"] = meta.get("_date_source", "metadata")
    if row["lang"]:
        row["lang"] = row["lang"].strip().lower()[:2] if len(row["lang"].strip()) in (2, 3) \
            else _lang_code(row["lang"])
        row["lang_source"] = "metadata"
    if text is None:
        row.update(status="undecodable", message=reason, text="")
    elif _control_share(text) > 0.05:
        row.update(status="undecodable", message="mostly control characters; binary content?",
                   text="")
    elif not text.strip():
        row.update(status="empty", message="no text", text="")
    elif len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        cut = cut if cut > max_chars // 2 else max_chars
        row.update(status="truncated", text=text[:cut],
                   message=f"text has {len(text):,} characters; NER uses the first {cut:,}")
    return row


_LANG_NAMES = {"polish": "pl", "polski": "pl", "lithuanian": "lt", "lietuvių": "lt",
               "romanian": "ro", "română": "ro", "romana": "ro"}


def _lang_code(value: str) -> str:
    return _LANG_NAMES.get(value.strip().lower(), value.strip().lower())


def _read_txt(path: Path, root: Path, encoding: str | None, max_chars: int) -> dict:
    source = path.relative_to(root).as_posix() if path != root else path.name
    doc_id = source.rsplit(".", 1)[0]
    try:
        raw = path.read_bytes()
    except OSError as err:
        return _row_from_text(doc_id, source, "", "", {}, max_chars) | {
            "status": "unreadable", "message": f"cannot read file: {err}"}
    text, reason = _decode(raw, encoding)
    meta: dict = {}
    if text is not None:
        meta, text = parse_header(text.replace("\r\n", "\n").replace("\r", "\n"))
        meta["_date_source"] = "header"
        doc_id = meta.pop("doc_id", doc_id)
    return _row_from_text(doc_id, source, text, reason, meta, max_chars)


def sniff_delimiter(path: Path, encoding: str = "utf-8") -> str:
    """The field delimiter of a CSV file: ``,``, ``;``, tab or ``|`` (default ``,``).

    Reads the first 64 KB with :class:`csv.Sniffer`; a file it cannot tell is read as
    comma-separated.
    """
    import csv

    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_table(path: Path, text_column: str, encoding: str | None,
                max_chars: int) -> list[dict]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding or "utf-8",
                            sep=sniff_delimiter(path, encoding or "utf-8"))
    elif suffix in (".jsonl", ".ndjson"):
        table = pd.read_json(path, lines=True, dtype=False, encoding=encoding or "utf-8")
    else:
        table = pd.read_parquet(path)
    if text_column not in table.columns:
        raise KeyError(f"{path}: no text column {text_column!r}; columns are "
                       f"{', '.join(map(str, table.columns))}. Pass text_column=...")
    found = {key: next((c for c in names if c in table.columns), None)
             for key, names in _COLUMN_ALIASES.items()}
    rows = []
    for i, record in enumerate(table.to_dict("records")):
        meta = {key: record[col] for key, col in found.items()
                if col is not None and record[col] is not None and str(record[col]) != ""
                and not (isinstance(record[col], float) and pd.isna(record[col]))}
        if "date_text" in meta and not isinstance(meta["date_text"], str):
            meta["date_text"] = pd.Timestamp(meta["date_text"]).isoformat()
        doc_id = str(meta.pop("doc_id", f"{path.stem}:{i}"))
        value = record[text_column]
        text = None if value is None or (isinstance(value, float) and pd.isna(value)) else value
        reason = ""
        if isinstance(text, bytes):
            text, reason = _decode(text, encoding)
        elif text is None:
            text = ""
        elif not isinstance(text, str):
            text = str(text)
        rows.append(_row_from_text(doc_id, f"{path.name}#{i}", text, reason, meta, max_chars))
    return rows


def load_corpus(
    path: str | Path | None = None,
    *,
    text_column: str = "text",
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> pd.DataFrame:
    """Read a corpus into a documents table with a ``text`` column.

    Parameters
    ----------
    path
        Folder of ``.txt`` files, one ``.txt`` file, or a CSV/JSONL/parquet table; default the
        sample corpus shipped with the package.
    text_column
        Text column of a table input.
    encoding
        Force an encoding for ``.txt`` files (default: UTF-8, or UTF-16 with a BOM; anything
        else gets status ``undecodable`` rather than a guess).
    max_chars
        Longer texts are cut (status ``truncated``) so one huge file cannot stall a run.

    Returns
    -------
    DataFrame
        The ``documents`` schema (dates and language not yet resolved: ``date_text`` and
        ``lang`` hold what the metadata said) plus ``text``. Duplicate ids after the first get
        status ``duplicate_id``. Sorted by input order (file path or row).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is a file of an unsupported type.
    """
    root = Path(path) if path is not None else default_corpus()
    if not root.exists():
        raise FileNotFoundError(f"corpus not found: {root}")
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        rows: list[dict] = []
        for file in files:
            suffix = file.suffix.lower()
            if suffix in TABLE_SUFFIXES:
                rows.extend(_read_table(file, text_column, encoding, max_chars))
            elif suffix in (".txt", ""):
                rows.append(_read_txt(file, root, encoding, max_chars))
            else:
                source = file.relative_to(root).as_posix()
                rows.append(_row_from_text(source, source, "", "", {}, max_chars) | {
                    "status": "unsupported_format",
                    "message": f"not read: {suffix} files are not documents (.txt or "
                               f"{', '.join(TABLE_SUFFIXES)})"})
    elif root.suffix.lower() in TABLE_SUFFIXES:
        rows = _read_table(root, text_column, encoding, max_chars)
    elif root.suffix.lower() in (".txt", ""):
        rows = [_read_txt(root, root, encoding, max_chars)]
    else:
        raise ValueError(f"unsupported corpus file type {root.suffix!r}: use a folder of .txt, "
                         f"or {', '.join(TABLE_SUFFIXES)}")
    table = pd.DataFrame(rows)
    if table.empty:
        return schemas.conform(table, "documents", extra=["text"]).assign(
            text=pd.Series(dtype="string"))
    seen: dict[str, str] = {}
    for i, row in table.iterrows():
        first = seen.setdefault(row["doc_id"], row["source"])
        if first != row["source"]:
            table.loc[i, "status"] = "duplicate_id"
            table.loc[i, "message"] = f"id {row['doc_id']!r} already used by {first}"
    table["processed"] = False
    table["n_chars"] = table["text"].str.len()
    table["text_sha1"] = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in table["text"]]
    table["message"] = table["message"].replace("", pd.NA)
    out = schemas.conform(table, "documents", extra=["text"])
    return out.assign(text=out["text"].astype("string"))


def corpus_fingerprint(documents: pd.DataFrame) -> str:
    """A hash of the corpus: SHA-1 of the sorted ``(doc_id, text_sha1)`` pairs.

    Order-independent. ``text_sha1`` counts as empty where the column is missing.
    """
    schemas.require(documents, ["doc_id"], where="corpus_fingerprint")
    sha = (documents["text_sha1"] if "text_sha1" in documents.columns
           else pd.Series("", index=documents.index))
    pairs = sorted(zip(documents["doc_id"].astype(str), sha.astype(str), strict=True))
    return hashlib.sha1(json.dumps(pairs).encode()).hexdigest()
