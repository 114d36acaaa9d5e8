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

import csv
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import stat
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from analysis import schemas
from analysis.errors import OptionError

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
            str(value).strip() or None
    if meta.get("source_meta"):
        row["source"] = f"{source} ({meta['source_meta']})"
    if row["date_text"]:
        row["date_source"] = meta.get("_date_source", "metadata")
    if row["lang"]:
        row["lang_source"] = "metadata"  # normalised by analysis.langid.language_code
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


def _failed_row(doc_id: str, source: str, status: str, message: str) -> dict:
    """A documents row for an input that was not read (no text)."""
    return _row_from_text(doc_id, source, "", "", {}, 1) | {"status": status,
                                                             "message": message}


def _file_id(relative: str) -> str:
    """Document id of a file: its path relative to the corpus root, without the final
    extension of the file name (``news.2023/article1.txt`` → ``news.2023/article1``)."""
    folder, _, name = relative.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{folder}/{stem}" if folder else stem


def _read_txt(path: Path, relative: str, encoding: str | None, max_chars: int) -> dict:
    doc_id = _file_id(relative)
    try:
        raw = path.read_bytes()
    except OSError as err:
        return _failed_row(doc_id, relative, "unreadable",
                           f"{relative}: cannot read file: {err.strerror or err}")
    text, reason = _decode(raw, encoding)
    meta: dict = {}
    if text is not None:
        meta, text = parse_header(text.replace("\r\n", "\n").replace("\r", "\n"))
        meta["_date_source"] = "header"
        doc_id = meta.pop("doc_id", doc_id)
    return _row_from_text(doc_id, relative, text, reason, meta, max_chars)


def sniff_delimiter(path: Path, encoding: str = "utf-8") -> str:
    """The field delimiter of a CSV file: ``,``, ``;``, tab or ``|`` (default ``,``).

    Reads the first 64 KB with :class:`csv.Sniffer`; a file it cannot tell is read as
    comma-separated.
    """
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


class _BadTable(Exception):
    """A table file that cannot be read as a whole (message names the file)."""

    def __init__(self, message: str, status: str = "unreadable") -> None:
        super().__init__(message)
        self.status = status


class _MissingTextColumn(_BadTable):
    """A table without the text column."""


def _csv_records(path: Path, relative: str, encoding: str | None) -> list[dict | str]:
    """Records of a CSV file; a line with the wrong number of fields is a message string."""
    enc = encoding or "utf-8-sig"
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # a text cell may be longer than the 128 KB default
    try:
        with open(path, encoding=enc, newline="") as handle:
            reader = csv.reader(handle, delimiter=sniff_delimiter(path, enc))
            header = next(reader, None)
            records: list[dict | str] = []
            line = reader.line_num + 1
            for fields in reader:
                if fields and (len(fields) != len(header or ())):
                    records.append(f"{relative} line {line}: {len(fields)} fields where the "
                                   f"header has {len(header or ())}; row not read")
                elif fields:
                    records.append(dict(zip(header, fields, strict=True)))
                line = reader.line_num + 1
    except UnicodeDecodeError as err:
        raise _BadTable(f"{relative}: not valid {enc} (byte {err.start}); pass encoding=...",
                        "undecodable") from err
    except (OSError, csv.Error) as err:
        raise _BadTable(f"{relative}: cannot read CSV: {err}") from err
    finally:
        csv.field_size_limit(limit)
    if header is None:
        return []
    return records


def _jsonl_records(path: Path, relative: str, encoding: str | None) -> list[dict | str]:
    """Records of a JSON Lines file; a malformed line is a message string."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _BadTable(f"{relative}: cannot read file: {err.strerror or err}") from err
    text, reason = _decode(raw, encoding)
    if text is None:
        raise _BadTable(f"{relative}: {reason}", "undecodable")
    records: list[dict | str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as err:
            records.append(f"{relative} line {number}: malformed JSON ({err}); row not read")
            continue
        records.append(record if isinstance(record, dict) else
                       f"{relative} line {number}: not a JSON object; row not read")
    return records


def _table_records(path: Path, relative: str, encoding: str | None) -> list[dict | str]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_records(path, relative, encoding)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_records(path, relative, encoding)
    try:
        return pd.read_parquet(path).to_dict("records")
    except Exception as err:  # noqa: BLE001 - any parquet/arrow failure: the file is unreadable
        raise _BadTable(f"{relative}: cannot read parquet: {type(err).__name__}: {err}") from err


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other non-scalars
        return False


def _meta_date(value: object) -> str:
    """A metadata date as text: an integer 1000–2999 is a year (never epoch nanoseconds)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | np.integer) or (isinstance(value, float | np.floating)
                                              and float(value).is_integer()):
        number = int(value)
        return str(number)  # 2023 → "2023" (a year); other numbers are rejected by dates
    if isinstance(value, dt.date | pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).isoformat()
    return str(value)


def _records_to_rows(records: list[dict | str], *, id_prefix: str, source_prefix: str,
                     text_column: str, encoding: str | None, max_chars: int) -> list[dict]:
    """Documents rows of table records (a string record is a row that could not be read)."""
    columns = {key for record in records if isinstance(record, dict) for key in record}
    if records and columns and text_column not in columns:
        raise _MissingTextColumn(f"no text column {text_column!r}; columns are "
                                 f"{', '.join(sorted(map(str, columns)))}")
    found = {key: next((c for c in names if c in columns), None)
             for key, names in _COLUMN_ALIASES.items()}
    rows = []
    for i, record in enumerate(records):
        default_id, source = f"{id_prefix}:{i}", f"{source_prefix}#{i}"
        if isinstance(record, str):
            rows.append(_failed_row(default_id, source, "unreadable", record))
            continue
        meta = {key: record.get(col) for key, col in found.items()
                if col is not None and not _missing(record.get(col))
                and str(record.get(col)) != ""}
        if "date_text" in meta:
            meta["date_text"] = _meta_date(meta["date_text"])
        doc_id = str(meta.pop("doc_id", default_id))
        value = record.get(text_column)
        text = None if _missing(value) else value
        reason = ""
        if isinstance(text, bytes):
            text, reason = _decode(text, encoding)
        elif text is None:
            text = ""
        elif not isinstance(text, str):
            text = str(text)
        rows.append(_row_from_text(doc_id, source, text, reason, meta, max_chars))
    return rows


def _read_table(path: Path, relative: str, text_column: str, encoding: str | None,
                max_chars: int) -> list[dict]:
    records = _table_records(path, relative, encoding)
    try:
        return _records_to_rows(records, id_prefix=_file_id(relative), source_prefix=relative,
                                text_column=text_column, encoding=encoding,
                                max_chars=max_chars)
    except _MissingTextColumn as err:
        raise _MissingTextColumn(f"{relative}: {err}") from err


def documents_from_table(
    table: pd.DataFrame,
    *,
    text_column: str = "text",
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> pd.DataFrame:
    """A documents table (with ``text``) from a table of texts already in memory.

    A table made by :func:`load_corpus` (it has the ``documents`` columns and ``text``) is
    taken as it is, with repeated ids marked ``duplicate_id``; any other table is read like
    a CSV file: ``text_column`` and the optional metadata columns, ids ``table:<row>`` unless
    an ``id``/``doc_id`` column gives them.

    Raises
    ------
    OptionError
        ``option="text_column"``: the table has no ``text_column``.
    """
    if set(schemas.columns("documents")) | {"text"} <= set(table.columns):
        return _finish(table.reset_index(drop=True))
    if text_column not in table.columns:
        raise OptionError(
            f"the corpus table has no text column {text_column!r}; its columns are "
            f"{', '.join(map(str, table.columns)) or 'none'}. Pass text_column=...",
            option="text_column")
    rows = _records_to_rows(table.to_dict("records"), id_prefix="table", source_prefix="<table>",
                            text_column=text_column, encoding=encoding, max_chars=max_chars)
    return _finish(pd.DataFrame(rows))


#: Folders of version control systems and archivers: never documents.
SKIPPED_FOLDERS = frozenset({".git", ".svn", ".hg", ".bzr", "CVS", "_darcs", "__MACOSX"})


def _link_problem(path: Path, root: Path) -> tuple[str, str] | None:
    """``(status, message)`` for a link that must not be read, else ``None``."""
    relative = path.relative_to(root).as_posix()
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as err:  # a loop: RuntimeError on Python < 3.13
        loop = isinstance(err, RuntimeError) or getattr(err, "errno", None) == errno.ELOOP
        what = "a link loop" if loop else "a dangling link (its target does not exist)"
        return "unreadable", f"{relative}: {what}; not read"
    if not target.is_relative_to(root.resolve()):
        return "outside_corpus", (f"{relative}: a link to a file outside the corpus folder; "
                                  "not read")
    if target.is_dir():
        return "unreadable", f"{relative}: a link to a folder; links to folders are not followed"
    return None


def _scan_folder(root: Path) -> tuple[list[tuple[Path, str, tuple[str, str] | None]],
                                      dict[str, int]]:
    """Files under ``root`` (sorted by relative path) and counts of what was skipped.

    Each file comes as ``(path, relative path, problem)`` where ``problem`` is a
    ``(status, message)`` pair for a link or special file that must not be read. Hidden
    files and folders and version-control folders are skipped and counted; links are never
    followed into folders, and a link is read only when its target is a file inside
    ``root``.
    """
    skipped = {"hidden": 0, "vcs": 0}
    entries = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(folder)
        keep = []
        for name in sorted(dirnames):
            if name in SKIPPED_FOLDERS:
                skipped["vcs"] += 1
            elif name.startswith("."):
                skipped["hidden"] += 1
            elif (base / name).is_symlink():
                filenames.append(name)  # reported below, never walked into
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith("."):
                skipped["hidden"] += 1
                continue
            path = base / name
            problem = _link_problem(path, root) if path.is_symlink() else None
            if problem is None:
                try:
                    regular = stat.S_ISREG(path.stat().st_mode)
                except OSError as err:
                    problem = ("unreadable", f"{name}: {err.strerror or err}")
                else:
                    if not regular:  # a FIFO or device would block or never end
                        problem = ("unreadable", f"{path.relative_to(root).as_posix()}: not a "
                                                 "regular file; not read")
            entries.append((path, path.relative_to(root).as_posix(), problem))
    entries.sort(key=lambda entry: PurePosixPath(entry[1]))
    return entries, skipped


def _read_folder(root: Path, text_column: str, encoding: str | None, max_chars: int
                 ) -> tuple[list[dict], dict[str, int]]:
    entries, skipped = _scan_folder(root)
    rows: list[dict] = []
    for path, relative, problem in entries:
        suffix = PurePosixPath(relative).suffix.lower()
        if problem is not None:
            rows.append(_failed_row(_file_id(relative), relative, *problem))
        elif suffix in TABLE_SUFFIXES:
            try:
                rows.extend(_read_table(path, relative, text_column, encoding, max_chars))
            except _BadTable as err:
                rows.append(_failed_row(_file_id(relative), relative, err.status,
                                        f"{err}; file not read"))
        elif suffix in (".txt", ""):
            rows.append(_read_txt(path, relative, encoding, max_chars))
        else:
            rows.append(_failed_row(_file_id(relative), relative, "unsupported_format",
                                    f"not read: {suffix} files are not documents (.txt or "
                                    f"{', '.join(TABLE_SUFFIXES)})"))
    return rows, skipped


def read_corpus(
    path: str | Path | None = None,
    *,
    text_column: str = "text",
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """:func:`load_corpus`, plus what a folder scan skipped.

    Returns
    -------
    documents, skipped
        The documents table and counts of skipped entries: ``hidden`` (files and folders
        whose name starts with ``.``) and ``vcs`` (``.git``, ``.svn``, ``.hg`` … folders).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    OptionError
        ``option="corpus"`` for a file of an unsupported type; ``option="text_column"`` for
        a table file without the text column.
    """
    root = Path(path) if path is not None else default_corpus()
    if not root.exists():
        raise FileNotFoundError(f"corpus not found: {root}")
    skipped = {"hidden": 0, "vcs": 0}
    if root.is_dir():
        rows, skipped = _read_folder(root, text_column, encoding, max_chars)
    elif root.suffix.lower() in TABLE_SUFFIXES:
        try:
            rows = _read_table(root, root.name, text_column, encoding, max_chars)
        except _MissingTextColumn as err:
            raise OptionError(f"{err}. Pass text_column=...", option="text_column") from err
        except _BadTable as err:
            rows = [_failed_row(_file_id(root.name), root.name, err.status, str(err))]
    elif root.suffix.lower() in (".txt", ""):
        rows = [_read_txt(root, root.name, encoding, max_chars)]
    else:
        raise OptionError(f"unsupported corpus file type {root.suffix!r}: use a folder of "
                          f".txt, or {', '.join(TABLE_SUFFIXES)}", option="corpus")
    return _finish(pd.DataFrame(rows)), skipped


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
        ``lang`` hold what the metadata said) plus ``text``. Ids are unique per file path
        relative to the corpus folder (``sub/feed:0`` for row 0 of ``sub/feed.csv``) unless
        the input gives its own; a repeated id gets status ``duplicate_id``. A file or a
        table line that cannot be read gets a row of its own (status ``unreadable``, the
        message names the file and line). Sorted by input order (file path, then row).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    OptionError
        A file of an unsupported type, or a table file without the text column.
    """
    return read_corpus(path, text_column=text_column, encoding=encoding,
                       max_chars=max_chars)[0]


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    """Conform rows to the documents schema; mark repeated ids ``duplicate_id``."""
    if table.empty:
        return schemas.conform(table, "documents", extra=["text"]).assign(
            text=pd.Series(dtype="string"))
    table = table.reset_index(drop=True)
    ids = table["doc_id"].astype(str)
    repeated = ids.duplicated(keep="first")
    first_source = dict(zip(ids[~repeated], table.loc[~repeated, "source"], strict=True))
    text = table["text"].fillna("").astype(str)
    status = table["status"].astype(object).where(~repeated, "duplicate_id")
    message = table["message"].astype(object).where(~repeated, [
        f"id {i!r} already used by {first_source[i]}" for i in ids])
    message = message.where(message.astype(str) != "", pd.NA)
    table = table.assign(
        status=status, message=message, processed=False, text=text,
        n_chars=text.str.len(),
        text_sha1=[hashlib.sha1(t.encode("utf-8")).hexdigest() for t in text])
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


# ------------------------------------------------------------------ text cleaning before NER
#: Longest run of non-space characters NER reads; longer runs (base64, minified code, long
#: URLs, separator lines, junk) are blanked. Stanza's tokenizer takes time quadratic in the
#: length of a run without spaces (8,000 × "x" took 2.6 s), and even a run broken into
#: pieces is cut into about one token per character (3,000 × "x" made 2,543 tokens), so
#: such runs would make a document of junk the slowest one of a corpus.
MAX_RUN_CHARS = 100
#: Version of :func:`clean_text`; part of the NER cache key.
CLEAN_VERSION = 1

_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]{0,30}(?:\s[^<>]{0,500})?/?>", re.S)
#: C0/C1 controls but tab and newline; format and separator characters that stand between
#: words (zero-width space, word joiner, BOM, bidi marks).
_TO_SPACE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")
_TO_NEWLINE = re.compile("[\u2028\u2029]")
#: Characters inside a word that are no part of it: soft hyphen, zero-width (non-)joiner.
_JOINERS = "\u00ad\u200c\u200d"
_JOINED_WORD = re.compile(f"[^\\s{_JOINERS}]*[{_JOINERS}][^\\s]*")
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")


def clean_text_positions(text: str) -> tuple[str, list[int] | None]:
    """:func:`clean_text`, and where each character of the result came from.

    Returns
    -------
    cleaned, positions
        ``positions[i]`` is the index in ``text`` of ``cleaned[i]``; ``None`` when every
        character stayed in place (only replaced), which is the case unless ``text`` holds
        soft hyphens or zero-width joiners inside words.
    """
    text = _TAG.sub(lambda m: " " * len(m.group(0)), text)
    text = _TO_NEWLINE.sub("\n", _TO_SPACE.sub(" ", text))
    positions: list[int] | None = None
    if any(ch in text for ch in _JOINERS):
        positions = list(range(len(text)))
        chars = list(text)
        for match in _JOINED_WORD.finditer(text):
            start, end = match.span()
            kept = [i for i in range(start, end) if text[i] not in _JOINERS]
            chars[start:end] = [text[i] for i in kept] + [" "] * (end - start - len(kept))
            positions[start:end] = kept + [i for i in range(start, end) if i not in kept]
        text = "".join(chars)

    return _LONG_RUN.sub(lambda m: " " * len(m.group(0)), text), positions


def count_long_runs(text: str) -> int:
    """How many runs of more than :data:`MAX_RUN_CHARS` non-space characters ``text`` has
    (:func:`clean_text` blanks them)."""
    return sum(1 for _ in _LONG_RUN.finditer(text))


def clean_text(text: str) -> str:
    """The text NER reads: ``text`` with what could stall or mislead it blanked out.

    Length-preserving: characters are replaced (or, for a joiner, moved within its word),
    never deleted or inserted, so character offsets into the result point into ``text``.

    * HTML/XML tags and comments (``<i>``, ``</p>``, ``<!-- … -->``) become spaces;
    * NUL and other control characters except tab and newline, zero-width spaces, word
      joiners, byte-order marks and bidi marks become spaces; line/paragraph separators
      (U+2028/U+2029) newlines;
    * a soft hyphen or zero-width (non-)joiner inside a word is moved to the word's end as
      a space, so ``Łuka\\u00adszenka`` reads ``Łukaszenka`` (see
      :func:`clean_text_positions` for the offsets);
    * a run of more than :data:`MAX_RUN_CHARS` non-space characters (no word of pl, lt or
      ro is that long: base64, code, long URLs, junk) becomes spaces, so the tokenizer never
      meets one; the pipeline notes it in the document's message.

    Examples
    --------
    >>> clean_text("<i>Łukaszenka</i>\\x00")
    '   Łukaszenka     '
    """
    return clean_text_positions(text)[0]
