"""Who is mentioned with whom: co-mention counts and association weights.

Units per level:

* ``document`` — a processed document;
* ``paragraph`` — a paragraph of a processed document (from the sentences table);
* ``sentence`` — a sentence;
* ``window`` — token windows of ``window`` tokens, sliding by ``window // 2`` tokens over each
  document (a pair counts once per window where both actors have a mention overlapping it).

For actors ``s`` and ``t`` at one level, with ``n`` units holding both, ``n_s`` and ``n_t``
units holding each, and ``N`` units in all (with or without actors):
Jaccard ``n / (n_s + n_t - n)``; Dice ``2n / (n_s + n_t)``; PMI ``log2(n N / (n_s n_t))``;
NPMI ``PMI / -log2(n / N)`` (1 when ``n = N``); log-likelihood ``G² = 2 Σ O log(O / E)`` over
the 2×2 contingency table (Dunning 1993).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from analysis import schemas

DEFAULT_WINDOW = 20
#: A unit naming more actors than this (a list of names) counts only its first ones.
DEFAULT_MAX_UNIT_ACTORS = 50
#: Longest evidence text, "…" marks included.
EVIDENCE_CHARS = 300


def _codes(values: pd.Series | pd.Index, *, sort: bool = False) -> np.ndarray:
    """Integer codes of ``values``; with ``sort``, in the values' sort order (NA last)."""
    return pd.factorize(values, sort=sort, use_na_sentinel=False)[0].astype(np.int64)


def _ranges(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(i, first[i] + j)`` for every ``i`` and ``0 <= j < count[i]``, as two arrays."""
    count = np.maximum(count, 0)
    owner = np.repeat(np.arange(len(count)), count)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    return owner, first[owner] + step


def _compact(key: np.ndarray) -> np.ndarray:
    """Non-negative ``key`` as unit codes: itself when its range is small, else codes."""
    if key.max(initial=0) <= 4 * len(key) + 1024:
        return key
    return _codes(key)


def _documents(mentions: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Codes and names (as strings) of the mentions' documents."""
    doc, names = pd.factorize(mentions["doc_id"].astype(str), use_na_sentinel=False)
    return doc.astype(np.int64), pd.Index(names)


def _unit_members(documents: tuple[np.ndarray, pd.Index], mentions: pd.DataFrame,
                  entity: np.ndarray, sentences: pd.DataFrame, level: str, window: int, *,
                  distinct: bool = True
                  ) -> tuple[np.ndarray, np.ndarray, pd.api.extensions.ExtensionArray]:
    """The actors of every unit of one level, in order of first mention.

    Returns ``(row, unit, unit_idx)``: for each distinct (unit, actor), the position in
    ``mentions`` of the mention that first names the actor there, an integer code of the
    unit, and the unit's paragraph, sentence or window index (NA for a document); without
    ``distinct``, one row per mention and unit. ``documents`` comes from
    :func:`_documents`, ``entity`` holds the actors' integer codes, one per mention.
    """
    doc, doc_names = documents
    rows = np.arange(len(mentions))
    if level == "document":
        unit = doc
        index = pd.arrays.IntegerArray(np.zeros(len(doc), dtype=np.int64),
                                       np.ones(len(doc), dtype=bool))
    elif level in ("paragraph", "sentence"):
        index = mentions[f"{level}_idx"].astype("Int64").array
        code = _codes(index)
        unit = _compact(doc * (int(code.max(initial=0)) + 1) + code)
    elif level == "window":
        # windows k cover tokens [k*stride, k*stride + window)
        stride = max(window // 2, 1)
        start = mentions["token_start"].astype(int).to_numpy()
        end = mentions["token_end"].astype(int).to_numpy()
        last_window = _last_windows(sentences, window).reindex(
            doc_names, fill_value=0).to_numpy()[doc]
        first = np.maximum(0, -(-(start - window + 1) // stride))
        last = np.minimum((end - 1) // stride, last_window)
        rows, k = _ranges(first, last - first + 1)
        unit = _compact(doc[rows] * (int(k.max(initial=0)) + 1) + k)
        index = pd.arrays.IntegerArray(k, np.zeros(len(k), dtype=bool))
    else:
        raise ValueError(f"unknown level {level!r}; choose from {schemas.COMENTION_LEVELS}")
    if not distinct:
        return rows, unit, index
    keep = np.flatnonzero(_first_in_unit(unit, entity[rows]))
    return rows[keep], unit[keep], index[keep]


def _first_in_unit(unit: np.ndarray, entity: np.ndarray) -> np.ndarray:
    """Mask of the first row of each (unit, actor)."""
    return ~pd.Series(unit * (int(entity.max(initial=0)) + 1) + entity).duplicated().to_numpy()


def _capped(unit: np.ndarray, entity: np.ndarray, limit: int | None) -> np.ndarray:
    """Mask of the mention rows of the first ``limit`` actors of their unit (order kept).

    Only units with more than ``limit`` rows can hold more than ``limit`` actors; only
    their rows are told apart by actor.
    """
    if limit is None:
        return np.ones(len(unit), dtype=bool)
    crowded = np.bincount(unit)[unit] > limit
    rows = np.flatnonzero(crowded)
    rows = rows[_first_in_unit(unit[rows], entity[rows])]
    keep = ~crowded
    keep[rows[_first_of_unit(unit[rows], limit)]] = True
    return keep


def _first_of_unit(unit: np.ndarray, limit: int | None) -> np.ndarray:
    """Mask of the members among the first ``limit`` of their unit (order kept)."""
    if limit is None:
        return np.ones(len(unit), dtype=bool)
    order = np.argsort(unit, kind="stable")
    ranked = unit[order]
    start = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    position = np.arange(len(unit)) - np.repeat(start, np.diff(np.r_[start, len(unit)]))
    keep = np.empty(len(unit), dtype=bool)
    keep[order] = position < limit
    return keep


def crowded_units(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    levels: tuple[str, ...] = schemas.COMENTION_LEVELS,
    window: int = DEFAULT_WINDOW,
    max_unit_actors: int = DEFAULT_MAX_UNIT_ACTORS,
) -> pd.DataFrame:
    """Units naming more than ``max_unit_actors`` distinct actors (lists of names).

    :func:`comention_table` counts only the first ``max_unit_actors`` actors of such a unit
    (in order of first mention), so a list of 5,000 names yields at most
    ``max_unit_actors * (max_unit_actors - 1) / 2`` pairs per unit.

    Returns
    -------
    DataFrame
        The ``crowded_units`` schema: ``level``, ``doc_id``, ``unit_idx`` (paragraph,
        sentence or window index; NA for a document), ``n_actors``. Sorted by level (in the
        order given), document and unit. Does not mutate its inputs.
    """
    schemas.require(mentions, ["doc_id", "paragraph_idx", "sentence_idx", "token_start",
                               "token_end", "entity_id"], where="crowded_units")
    mentions = mentions[mentions["entity_id"].notna()]
    entity = _codes(mentions["entity_id"])
    documents = _documents(mentions)
    ids = documents[1].to_numpy(dtype=object)[documents[0]]
    frames = []
    for level in levels:
        rows, unit, index = _unit_members(documents, mentions, entity, sentences, level,
                                          window)
        size = np.bincount(unit, minlength=int(unit.max(initial=-1)) + 1)
        _, first = np.unique(unit, return_index=True)
        crowded = first[size[unit[first]] > max_unit_actors]
        frames.append(pd.DataFrame({
            "doc_id": ids[rows[crowded]], "unit_idx": index[crowded],
            "n_actors": size[unit[crowded]], "level": level}))
    if not frames:
        return schemas.empty("crowded_units")
    table = pd.concat(frames, ignore_index=True)
    order = {level: i for i, level in enumerate(levels)}
    table = table.assign(_order=table["level"].map(order)).sort_values(
        ["_order", "doc_id", "unit_idx"], kind="stable")
    return schemas.conform(table, "crowded_units")


def _n_units(documents: pd.DataFrame, sentences: pd.DataFrame, level: str, window: int) -> int:
    if level == "document":
        return int(documents["processed"].fillna(False).astype(bool).sum())
    if level == "paragraph":
        return len(sentences[["doc_id", "paragraph_idx"]].drop_duplicates())
    if level == "sentence":
        return len(sentences)
    return int((_last_windows(sentences, window) + 1).sum())


def _last_windows(sentences: pd.DataFrame, window: int) -> pd.Series:
    """Index of the last token window of each document (indexed by ``str(doc_id)``)."""
    stride = max(window // 2, 1)
    n_tokens = sentences.groupby("doc_id")["token_end"].max()
    last = np.maximum(0, -(-(n_tokens.to_numpy(dtype=np.int64) - window) // stride))
    return pd.Series(last, index=n_tokens.index.astype(str), dtype=np.int64)


def association_weights(n: np.ndarray, n_s: np.ndarray, n_t: np.ndarray,
                        n_units: np.ndarray) -> dict[str, np.ndarray]:
    """Jaccard, Dice, PMI, NPMI and G² for arrays of pair and marginal unit counts."""
    n, n_s, n_t, big_n = (np.asarray(a, dtype=float) for a in (n, n_s, n_t, n_units))
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = n / (n_s + n_t - n)
        dice = 2 * n / (n_s + n_t)
        pmi = np.log2(n * big_n / (n_s * n_t))
        npmi = np.where(n >= big_n, 1.0, pmi / -np.log2(n / big_n))
        observed = [n, n_s - n, n_t - n, big_n - n_s - n_t + n]
        expected = [n_s * n_t / big_n, n_s * (big_n - n_t) / big_n,
                    (big_n - n_s) * n_t / big_n, (big_n - n_s) * (big_n - n_t) / big_n]
        g2 = sum(np.where(o > 0, o * np.log(o / e), 0.0) for o, e in zip(observed, expected,
                                                                          strict=True))
    return {"jaccard": jaccard, "dice": dice, "pmi": pmi, "npmi": npmi, "llr": 2 * g2}


def evidence_window(text: str, spans: list[tuple[int, int]], *,
                    limit: int = EVIDENCE_CHARS) -> str:
    """At most ``limit`` characters of ``text`` around the character ``spans`` (one or two).

    ``text`` shorter than ``limit`` is returned whole. Otherwise one window around both spans
    when they fit, else one window around each; "…" marks where text was cut. Without spans,
    the start of the text.

    Examples
    --------
    >>> evidence_window("a" * 20 + " Putin " + "b" * 20, [(21, 26)], limit=15)
    '…aaa Putin bbb…'
    """
    text = str(text)
    if len(text) <= limit:
        return text
    if not spans:
        return text[: limit - 1] + "…"
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    if hi - lo <= limit - 2 or len(spans) == 1:
        return _around(text, lo, hi, limit)
    first, second = sorted(spans)[0], sorted(spans)[-1]
    left = _around(text, *first, limit // 2)
    right = _around(text, *second, limit // 2)
    return left + right[1:] if left.endswith("…") and right.startswith("…") else left + right


def _around(text: str, lo: int, hi: int, limit: int) -> str:
    """``text[lo:hi]`` centred in at most ``limit`` characters, "…" marks included."""
    if len(text) <= limit:
        return text
    room = limit - 2
    lo, hi = max(0, lo), min(len(text), max(hi, lo))
    if hi - lo >= room:
        start, end = lo, lo + room
    else:
        start = max(0, lo - (room - (hi - lo)) // 2)
        end = min(len(text), start + room)
        start = max(0, end - room)
    if start == 0:
        end = min(len(text), limit - 1)
    elif end == len(text):
        start = max(0, len(text) - (limit - 1))
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def _evidence(mentions: pd.DataFrame, group: np.ndarray, sentences: pd.DataFrame,
              source: np.ndarray, target: np.ndarray, n_groups: int,
              max_unit_actors: int | None = None
              ) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray,
                         pd.api.extensions.ExtensionArray, np.ndarray]:
    """One sentence per pair: the first where both occur, else both first sentences joined;
    cut to :data:`EVIDENCE_CHARS` characters around the two mentions. Only the first
    ``max_unit_actors`` actors of a sentence are looked at (a list of 5,000 names would
    make 12.5 million candidate pairs).

    ``group`` holds the actor code of each mention (codes sort like the ids), ``source`` <
    ``target`` the codes of distinct pairs. Returns ``(doc_ids, doc, texts, text)``: the
    evidence document of pair ``p`` is ``doc_ids[doc[p]]``, its text ``texts[text[p]]``
    (NA where -1).
    """
    spans = _spans(mentions, group, sentences, source, target, n_groups, max_unit_actors)
    doc = np.full(len(source), -1)
    text = np.full(len(source), -1)  # position in the pool of texts below
    # pairs that share a sentence: the first such sentence, by document and index
    found, r_s, r_t = _first_shared_sentence(spans, source, target, n_groups)
    doc[found] = spans.doc[r_s]
    readable = spans.doc_is_str[spans.doc[r_s]] & (spans.row[r_s] >= 0)
    found, r_s, r_t = found[readable], r_s[readable], r_t[readable]
    rows, at = np.unique(spans.row[r_s], return_inverse=True)
    text[found] = at
    sentence_texts = np.array([str(t) for t in spans.texts[rows]], dtype=object)
    long = np.flatnonzero(_lengths(sentence_texts)[text[found]] > EVIDENCE_CHARS)
    cut = [evidence_window(sentence_texts[text[p]], spans.spans((a, b))) for p, a, b in
           zip(found[long].tolist(), r_s[long].tolist(), r_t[long].tolist(), strict=True)]
    text[found[long]] = len(rows) + np.arange(len(long))
    # other pairs: the first sentence of each in the first document naming both
    missing = np.flatnonzero(doc < 0)
    pair, r_s, r_t = _first_shared_document(spans, source[missing], target[missing], n_groups)
    s_first = spans.sent[r_s] <= spans.sent[r_t]
    left, right = np.where(s_first, r_s, r_t), np.where(s_first, r_t, r_s)
    rows, at = np.unique(np.r_[left, right], return_inverse=True)
    halves = _evidence_windows(spans.text(rows, missing=""), spans.lo[rows], spans.hi[rows],
                               spans.has_span[rows], limit=(EVIDENCE_CHARS - 3) // 2)
    halves = pa.array(halves, type=pa.large_string())
    joined = pc.binary_join_element_wise(halves.take(at[:len(left)]),
                                         halves.take(at[len(left):]),
                                         pa.scalar(" … ", type=pa.large_string()))
    doc[missing[pair]] = spans.doc[r_s]
    text[missing[pair]] = len(sentence_texts) + len(cut) + np.arange(len(pair))
    # one string array in one piece (taking from it is fast), joined without Python strings
    pool = pa.concat_arrays([pa.array(sentence_texts, type=pa.large_string()),
                             pa.array(cut, type=pa.large_string()), joined])
    return _strings(spans.doc_ids), doc, _strings(pd.arrays.ArrowStringArray(pool)), text


@dataclass(frozen=True)
class _Spans:
    """First mention of actors in sentences (see :func:`_spans`), as parallel arrays."""

    doc: np.ndarray  # document code (codes sort like the ids)
    sent: np.ndarray  # sentence index code (codes sort like the indices)
    group: np.ndarray  # actor (group) code
    row: np.ndarray  # position in ``texts``, -1 when the sentence is missing
    lo: np.ndarray  # span start within the sentence (NaN when unknown)
    hi: np.ndarray
    has_span: np.ndarray
    doc_ids: pd.Index  # document ids by code
    doc_is_str: np.ndarray  # by document code
    texts: np.ndarray  # sentence texts (first row of each document and index)

    def text(self, rows: np.ndarray, missing: str | None = None) -> np.ndarray:
        """Sentence texts of spans ``rows`` as ``str`` (``missing`` where no sentence)."""
        out = np.full(len(rows), missing, dtype=object)
        known = self.row[rows] >= 0
        out[known] = [str(t) for t in self.texts[self.row[rows[known]]]]
        return out

    def spans(self, rows: tuple[int, ...]) -> list[tuple[int, int]]:
        """Character spans of ``rows`` within their sentence, where known."""
        return [(int(self.lo[r]), int(self.hi[r])) for r in rows if self.has_span[r]]


def _spans(mentions: pd.DataFrame, group: np.ndarray, sentences: pd.DataFrame,
           source: np.ndarray, target: np.ndarray, n_groups: int,
           max_unit_actors: int | None) -> _Spans:
    """The first mention of each actor of a pair in each sentence (the first
    ``max_unit_actors`` of a sentence), its document, sentence, sentence row and span."""
    n_mentions = len(mentions)
    doc, doc_ids = pd.factorize(pd.concat([mentions["doc_id"], sentences["doc_id"]],
                                          ignore_index=True), sort=True, use_na_sentinel=False)
    sent = _codes(pd.concat([mentions["sentence_idx"], sentences["sentence_idx"]],
                            ignore_index=True), sort=True)
    sentence_key = doc.astype(np.int64) * (int(sent.max(initial=0)) + 1) + sent
    m_key = _codes(sentence_key[:n_mentions])
    wanted = np.zeros(n_groups, dtype=bool)
    wanted[source] = wanted[target] = True
    keyed = np.flatnonzero(~pd.Series(m_key * n_groups + group).duplicated().to_numpy())
    keyed = keyed[wanted[group[keyed]]]
    if max_unit_actors is not None:
        known = (mentions["doc_id"].notna() & mentions["sentence_idx"].notna()).to_numpy()
        keyed = keyed[known[keyed]]
        keyed = keyed[_first_of_unit(m_key[keyed], max_unit_actors)]
    # the sentence of each span: the first row of its document and index
    s_key = sentence_key[n_mentions:]
    first_rows = np.flatnonzero(~pd.Series(s_key).duplicated().to_numpy())
    row = pd.Index(s_key[first_rows]).get_indexer(sentence_key[keyed])
    lo = hi = np.full(len(keyed), np.nan)
    if {"start_char", "end_char"} <= set(mentions.columns) and "start_char" in sentences:
        base = _floats(sentences["start_char"])[first_rows]
        base = np.where(row >= 0, base[row], np.nan)
        lo = _floats(mentions["start_char"])[keyed] - base
        hi = _floats(mentions["end_char"])[keyed] - base
    return _Spans(
        doc=doc[keyed], sent=sent[keyed], group=group[keyed], row=row, lo=lo, hi=hi,
        has_span=~(np.isnan(lo) | np.isnan(hi)), doc_ids=doc_ids,
        doc_is_str=np.array([isinstance(d, str) for d in doc_ids], dtype=bool),
        texts=sentences["text"].to_numpy(dtype=object)[first_rows])


def _floats(values: pd.Series) -> np.ndarray:
    """``values`` as floats, NaN where missing."""
    return values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _first_together(rows: np.ndarray, unit: np.ndarray, group: np.ndarray,
                    wanted: pd.Index, n_groups: int, *, batch: int = 2_000_000
                    ) -> tuple[np.ndarray, np.ndarray]:
    """For each pair key ``source * n_groups + target`` in ``wanted``, the two ``rows`` of
    the first unit holding both (-1, -1 where none).

    ``rows`` are positions into ``group``, in unit order; ``unit`` (aligned with ``rows``)
    must be grouped. Pairs are enumerated unit by unit, about ``batch`` at a time, so
    memory stays bounded however crowded a unit is.
    """
    row_s = np.full(len(wanted), -1)
    row_t = np.full(len(wanted), -1)
    if not len(rows):
        return row_s, row_t
    start = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    size = np.diff(np.r_[start, len(unit)])
    n_pairs = size * (size - 1) // 2
    chunk = (np.cumsum(n_pairs) - n_pairs) // batch
    cuts = np.r_[start[np.flatnonzero(np.diff(chunk)) + 1], len(unit)]
    lo = 0
    for hi in cuts.tolist():
        part = unit[lo:hi]
        first = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
        count = np.diff(np.r_[first, len(part)])
        after = np.repeat(first + count, count) - np.arange(len(part)) - 1
        i, j = _ranges(np.arange(1, len(part) + 1), after)
        i, j = rows[lo + i], rows[lo + j]
        swap = group[i] > group[j]
        i, j = np.where(swap, j, i), np.where(swap, i, j)
        at = wanted.get_indexer(group[i] * n_groups + group[j])
        hit = np.flatnonzero(at >= 0)
        at, first_hit = np.unique(at[hit], return_index=True)  # units ascend: first wins
        new = row_s[at] < 0
        row_s[at[new]] = i[hit[first_hit[new]]]
        row_t[at[new]] = j[hit[first_hit[new]]]
        lo = hi
    return row_s, row_t


def _first_shared_sentence(spans: _Spans, source: np.ndarray, target: np.ndarray,
                           n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pair, span_s, span_t)``: the pairs that share a sentence and their spans in the
    first such sentence (by document, then index)."""
    order = np.lexsort((spans.sent, spans.doc))
    unit = (spans.doc * (int(spans.sent.max(initial=0)) + 1) + spans.sent)[order]
    row_s, row_t = _first_together(order, unit, spans.group,
                                   pd.Index(source * n_groups + target), n_groups)
    pair = np.flatnonzero(row_s >= 0)
    return pair, row_s[pair], row_t[pair]


def _first_shared_document(spans: _Spans, source: np.ndarray, target: np.ndarray,
                           n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pair, span_s, span_t)``: the pairs named in one document and the first span of
    each in the first such document."""
    order = np.lexsort((spans.sent, spans.doc))
    firsts = order[~pd.Series(spans.doc[order] * n_groups + spans.group[order]).duplicated(
        ).to_numpy()]
    row_s, row_t = _first_together(firsts, spans.doc[firsts], spans.group,
                                   pd.Index(source * n_groups + target), n_groups)
    pair = np.flatnonzero(row_s >= 0)
    return pair, row_s[pair], row_t[pair]


def _lengths(texts: np.ndarray) -> np.ndarray:
    """Lengths of an object array of strings."""
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def _evidence_windows(texts: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                      has_span: np.ndarray, *, limit: int) -> np.ndarray:
    """:func:`evidence_window` of each text around at most one span, at once."""
    length = _lengths(texts)
    cut = np.flatnonzero(length > limit)
    length, has_span = length[cut], has_span[cut]
    lo = np.where(has_span, lo[cut], 0).astype(np.int64)
    hi = np.where(has_span, hi[cut], 0).astype(np.int64)
    # _around, on arrays
    room = limit - 2
    lo = np.maximum(lo, 0)
    hi = np.minimum(length, np.maximum(hi, lo))
    wide = hi - lo >= room
    start = np.where(wide, lo, np.maximum(0, lo - (room - (hi - lo)) // 2))
    end = np.where(wide, lo + room, np.minimum(length, start + room))
    start = np.where(wide, start, np.maximum(0, end - room))
    at_start = start == 0
    end = np.where(at_start, np.minimum(length, limit - 1), end)
    start = np.where(~at_start & (end == length), np.maximum(0, length - (limit - 1)), start)
    # without a span: the start of the text
    start, end = np.where(has_span, start, 0), np.where(has_span, end, limit - 1)
    out = texts.copy()
    out[cut] = [("…" if a > 0 else "") + t[a:b] + ("…" if b < n else "") for t, a, b, n in
                zip(texts[cut], start.tolist(), end.tolist(), length.tolist(), strict=True)]
    return out


def _pair_counts(unit: np.ndarray, group: np.ndarray, n_groups: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(source, target, n, units per group)``: units holding both of two groups (source <
    target), from (unit, group) rows (repeats allowed), by a sparse product."""
    n_units = int(unit.max(initial=-1)) + 1
    members = sparse.csr_array((np.ones(len(unit), dtype=np.int64), (unit, group)),
                               shape=(n_units, n_groups))
    members.sum_duplicates()
    members.data[:] = 1  # a unit holds an actor or not
    together = sparse.triu(members.T.tocsr() @ members, k=1).tocoo()
    return (together.row.astype(np.int64), together.col.astype(np.int64),
            together.data.astype(np.int64), np.bincount(members.indices, minlength=n_groups))


def _comentions(mentions: pd.DataFrame, period: np.ndarray, periods: np.ndarray,
                sentences: pd.DataFrame, n_units: dict[str, np.ndarray], *,
                levels: tuple[str, ...], window: int, max_unit_actors: int | None,
                evidence: bool) -> pd.DataFrame | None:
    """Co-mention rows of all levels and periods at once: ``period`` (from ``periods`` by
    each mention's code in ``period``) and the ``comentions`` columns, sorted.

    Actors are counted per period: each (period, actor) that occurs is a group, and group
    codes sort like (period, actor id); a unit lies in one document, so in one period.
    ``n_units[level][p]`` is the number of units of period ``p``. Returns None when no pair
    occurs.
    """
    entity, names = pd.factorize(mentions["entity_id"], sort=True)  # codes sort like ids
    n_entities = max(len(names), 1)
    groups, group = np.unique(period * n_entities + entity, return_inverse=True)
    group_period, group_entity = groups // n_entities, groups % n_entities
    n_groups = len(groups)
    documents = _documents(mentions)
    parts = []
    for order, level in enumerate(levels):
        rows, unit, _ = _unit_members(documents, mentions, group, sentences, level, window,
                                      distinct=False)
        keep = _capped(unit, group[rows], max_unit_actors)
        source, target, n, marginal = _pair_counts(unit[keep], group[rows[keep]], n_groups)
        parts.append((np.full(len(n), order), source, target, n, marginal[source],
                      marginal[target], n_units[level][group_period[source]]))
    if not sum(len(part[0]) for part in parts):
        return None
    level, source, target, n, n_source, n_target, units = (np.concatenate(a) for a in
                                                            zip(*parts, strict=True))
    key = source * n_groups + target
    inverse, pairs = pd.factorize(key)
    if evidence:
        doc_ids, doc, texts, text = _evidence(mentions, group, sentences, pairs // n_groups,
                                              pairs % n_groups, n_groups, max_unit_actors)
    else:
        doc_ids = texts = _strings([])
        doc = text = np.full(len(pairs), -1)
    # by period, level, descending n, then ids (group codes sort like ids)
    sort = np.argsort(key, kind="stable")
    first = (group_period[source] * len(levels) + level) * (n.max() + 1) + n.max() - n
    sort = sort[np.argsort(first[sort], kind="stable")]
    pair = inverse[sort]
    names = _strings(names)
    return pd.DataFrame({
        "period": periods[group_period[source[sort]]],
        "level": _strings(levels).take(level[sort]),
        "source": names.take(group_entity[source[sort]]),
        "target": names.take(group_entity[target[sort]]),
        "n": n[sort], "n_source": n_source[sort], "n_target": n_target[sort],
        "n_units": units[sort],
        **{k: v[sort] for k, v in association_weights(n, n_source, n_target, units).items()},
        "evidence_doc_id": doc_ids.take(doc[pair], allow_fill=True),
        "evidence_text": texts.take(text[pair], allow_fill=True),
    })


def _strings(values) -> pd.api.extensions.ExtensionArray:
    """``values`` as the schemas' string dtype, each converted as :func:`schemas.conform`
    would."""
    return pd.Series(values).astype(schemas.S).array


def _linked(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions with an actor, only the columns co-mentions read."""
    columns = ["doc_id", "paragraph_idx", "sentence_idx", "token_start", "token_end",
               "entity_id", *(c for c in ("start_char", "end_char") if c in mentions)]
    mentions = mentions[columns]
    return mentions[mentions["entity_id"].notna()]


def _check_inputs(mentions: pd.DataFrame, sentences: pd.DataFrame, documents: pd.DataFrame,
                  window: int, where: str) -> None:
    schemas.require(mentions, ["doc_id", "paragraph_idx", "sentence_idx", "token_start",
                               "token_end", "entity_id"], where=where)
    schemas.require(sentences, ["doc_id", "paragraph_idx", "sentence_idx", "token_end", "text"],
                    where=where)
    schemas.require(documents, ["doc_id", "processed"], where=where)
    if window < 1:
        raise ValueError("window must be at least 1 token")


def comention_table(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    levels: tuple[str, ...] = schemas.COMENTION_LEVELS,
    window: int = DEFAULT_WINDOW,
    max_unit_actors: int | None = DEFAULT_MAX_UNIT_ACTORS,
    evidence: bool = True,
) -> pd.DataFrame:
    """Count co-mentions of actors at each level and weigh them.

    Parameters
    ----------
    mentions
        Needs ``doc_id``, ``paragraph_idx``, ``sentence_idx``, ``token_start``,
        ``token_end``, ``entity_id``.
    sentences
        Needs ``doc_id``, ``paragraph_idx``, ``sentence_idx``, ``token_end``, ``text``
        (all sentences of the processed documents: they define the unit counts).
    documents
        Needs ``doc_id`` and ``processed``.
    levels
        Any of ``document``, ``paragraph``, ``sentence``, ``window``.
    window
        Window size in tokens for the ``window`` level.
    max_unit_actors
        A unit naming more distinct actors counts only its first ``max_unit_actors`` (in
        order of first mention; see :func:`crowded_units`); ``None`` for no cap.
    evidence
        Find an evidence sentence for each pair (about half the time on a large corpus);
        with ``False`` the two evidence columns are left NA.

    Returns
    -------
    DataFrame
        The ``comentions`` schema: ``level``, ``source`` < ``target`` (entity ids), ``n``,
        ``n_source``, ``n_target``, ``n_units``, ``jaccard``, ``dice``, ``pmi``, ``npmi``,
        ``llr``, ``evidence_doc_id``, ``evidence_text`` (the first sentence naming both, at
        most :data:`EVIDENCE_CHARS` characters around the two mentions, mentions' ``start_char``
        and ``end_char`` and sentences' ``start_char`` permitting). Sorted by level (in the order
        given), descending ``n``, then ids. Does not mutate its inputs.

    Notes
    -----
    Counts come from one sparse product per level (units × actors, transposed, times
    itself), so the time grows with the pairs, not with a Python loop over them.
    """
    _check_inputs(mentions, sentences, documents, window, "comention_table")
    for level in levels:
        if level not in schemas.COMENTION_LEVELS:
            raise ValueError(f"unknown level {level!r}; choose from {schemas.COMENTION_LEVELS}")
    mentions = _linked(mentions)
    n_units = {level: np.array([_n_units(documents, sentences, level, window)])
               for level in levels}
    table = _comentions(mentions, np.zeros(len(mentions), dtype=np.int64), np.zeros(1),
                        sentences, n_units, levels=levels, window=window,
                        max_unit_actors=max_unit_actors, evidence=evidence)
    if table is None:
        return schemas.empty("comentions")
    return schemas.conform(table, "comentions")


def comentions_over_time(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    freq: str = "MS",
    levels: tuple[str, ...] = ("document", "sentence"),
    window: int = DEFAULT_WINDOW,
    max_unit_actors: int | None = DEFAULT_MAX_UNIT_ACTORS,
    evidence: bool = True,
) -> pd.DataFrame:
    """:func:`comention_table` computed within each calendar period.

    Parameters
    ----------
    freq
        pandas offset alias of the calendar bins: ``"D"``, ``"W-MON"``, ``"MS"`` (month),
        ``"QS"``, ``"YS"``. Documents without a date are left out (they have no period).
    levels, window, max_unit_actors, evidence
        As for :func:`comention_table`.

    Returns
    -------
    DataFrame
        ``period`` (start of the bin) followed by the ``comentions`` columns; unit counts and
        weights are those of the period. Sorted by period, then as :func:`comention_table`.
        Counts of all periods come from one sparse product per level (an actor in another
        period is another column). Does not mutate its inputs.
    """
    schemas.require(documents, ["doc_id", "processed", "published_at"],
                    where="comentions_over_time")
    _check_inputs(mentions, sentences, documents, window, "comentions_over_time")
    for level in levels:
        if level not in schemas.COMENTION_LEVELS:
            raise ValueError(f"unknown level {level!r}; choose from {schemas.COMENTION_LEVELS}")
    dated = documents[documents["published_at"].notna()]
    starts = dated["published_at"].dt.to_period(_period_alias(freq)).dt.start_time
    periods = np.sort(starts.unique())
    period_of = pd.Series(np.searchsorted(periods, starts.to_numpy()),
                          index=dated["doc_id"].to_numpy())
    period_of = period_of[~period_of.index.duplicated()]
    mentions = _linked(mentions)
    m_period = mentions["doc_id"].map(period_of)
    mentions = mentions[m_period.notna().to_numpy()]
    s_period = sentences["doc_id"].map(period_of)
    sentences = sentences[s_period.notna().to_numpy()]
    s_period = s_period.dropna().to_numpy(dtype=np.int64)
    d_period = documents["doc_id"].map(period_of)
    n_periods = len(periods)
    n_units = {level: _n_units_by_period(documents, d_period, sentences, s_period, level,
                                         window, n_periods) for level in levels}
    table = _comentions(mentions, m_period.dropna().to_numpy(dtype=np.int64), periods,
                        sentences, n_units, levels=levels, window=window,
                        max_unit_actors=max_unit_actors, evidence=evidence)
    if table is None:
        return schemas.empty("comentions_by_period")
    return schemas.conform(table, "comentions_by_period")


def _n_units_by_period(documents: pd.DataFrame, d_period: pd.Series, sentences: pd.DataFrame,
                       s_period: np.ndarray, level: str, window: int,
                       n_periods: int) -> np.ndarray:
    """:func:`_n_units` of each period (sentences already limited to dated documents)."""
    if level == "document":
        dated = d_period.notna().to_numpy()
        processed = documents["processed"].fillna(False).astype(bool).to_numpy()[dated]
        return np.bincount(d_period[dated].to_numpy(dtype=np.int64), weights=processed,
                           minlength=n_periods).astype(np.int64)
    if level == "paragraph":
        first = ~sentences[["doc_id", "paragraph_idx"]].duplicated().to_numpy()
        return np.bincount(s_period[first], minlength=n_periods)
    if level == "sentence":
        return np.bincount(s_period, minlength=n_periods)
    windows = _last_windows(sentences, window) + 1
    doc_period = pd.Series(s_period, index=sentences["doc_id"].astype(str).to_numpy())
    doc_period = doc_period[~doc_period.index.duplicated()]
    return np.bincount(doc_period.reindex(windows.index).to_numpy(), weights=windows.to_numpy(),
                       minlength=n_periods).astype(np.int64)


def _period_alias(freq: str) -> str:
    """Offset alias (``MS``) → period alias (``M``)."""
    return {"MS": "M", "QS": "Q", "YS": "Y", "AS": "Y", "W": "W-SUN"}.get(freq, freq)
