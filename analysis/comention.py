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

import numpy as np
import pandas as pd

from analysis import schemas

DEFAULT_WINDOW = 20
#: A unit naming more actors than this (a list of names) counts only its first ones.
DEFAULT_MAX_UNIT_ACTORS = 50
#: Longest evidence text, "…" marks included.
EVIDENCE_CHARS = 300


def _unit_members(mentions: pd.DataFrame, sentences: pd.DataFrame, level: str,
                  window: int) -> pd.DataFrame:
    """(unit, entity_id, doc_id, unit_idx) rows for one level, in order of first mention;
    unit is a string key, unit_idx the paragraph, sentence or window index (NA for a
    document)."""
    ids = mentions["doc_id"].astype(str)
    if level == "document":
        unit, index = ids, pd.Series(pd.NA, index=mentions.index, dtype="Int64")
    elif level == "paragraph":
        index = mentions["paragraph_idx"].astype("Int64")
        unit = ids + "\x1f" + index.astype(str)
    elif level == "sentence":
        index = mentions["sentence_idx"].astype("Int64")
        unit = ids + "\x1f" + index.astype(str)
    elif level == "window":
        stride = max(window // 2, 1)
        last_window = _last_windows(sentences, window)
        rows = []
        for doc_id, start, end, entity in zip(ids, mentions["token_start"].astype(int),
                                              mentions["token_end"].astype(int),
                                              mentions["entity_id"], strict=True):
            # windows k cover tokens [k*stride, k*stride + window)
            first = max(0, -(-(start - window + 1) // stride))
            last = min((end - 1) // stride, last_window.get(doc_id, 0))
            rows.extend((f"{doc_id}\x1f{k}", entity, doc_id, k)
                        for k in range(first, last + 1))
        table = pd.DataFrame(rows, columns=["unit", "entity_id", "doc_id", "unit_idx"])
        return table.drop_duplicates(["unit", "entity_id"]).astype({"unit_idx": "Int64"})
    else:
        raise ValueError(f"unknown level {level!r}; choose from {schemas.COMENTION_LEVELS}")
    return pd.DataFrame({"unit": unit, "entity_id": mentions["entity_id"], "doc_id": ids,
                         "unit_idx": index}).drop_duplicates(["unit", "entity_id"])


def _capped(members: pd.DataFrame, max_unit_actors: int | None) -> pd.DataFrame:
    """Members less the actors of a unit beyond its first ``max_unit_actors``."""
    if max_unit_actors is None:
        return members
    return members[members.groupby("unit", sort=False).cumcount() < max_unit_actors]


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
    frames = []
    for level in levels:
        members = _unit_members(mentions, sentences, level, window)
        sizes = members.groupby(["unit"], sort=False).agg(
            doc_id=("doc_id", "first"), unit_idx=("unit_idx", "first"),
            n_actors=("entity_id", "size"))
        frames.append(sizes[sizes["n_actors"] > max_unit_actors].assign(level=level))
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
    return int(sum(k + 1 for k in _last_windows(sentences, window).values()))


def _last_windows(sentences: pd.DataFrame, window: int) -> dict[str, int]:
    """Index of the last token window of each document."""
    stride = max(window // 2, 1)
    n_tokens = sentences.groupby("doc_id")["token_end"].max()
    return {str(d): max(0, -(-(int(n) - window) // stride)) for d, n in n_tokens.items()}


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


def _evidence(mentions: pd.DataFrame, sentences: pd.DataFrame, pairs: pd.DataFrame,
              max_unit_actors: int | None = None) -> pd.DataFrame:
    """One sentence per pair: the first where both occur, else both first sentences joined;
    cut to :data:`EVIDENCE_CHARS` characters around the two mentions. Only the first
    ``max_unit_actors`` actors of a sentence are looked at (a list of 5,000 names would
    make 12.5 million candidate pairs)."""
    has_offsets = {"start_char", "end_char"} <= set(mentions.columns) and \
        "start_char" in sentences.columns
    if has_offsets:
        spans = mentions[["doc_id", "sentence_idx", "entity_id", "start_char", "end_char"]]
    else:
        spans = mentions[["doc_id", "sentence_idx", "entity_id"]].assign(
            start_char=pd.NA, end_char=pd.NA)
    spans = spans.drop_duplicates(["doc_id", "sentence_idx", "entity_id"])  # first mention
    spans = spans[spans["entity_id"].isin(set(pairs["source"]) | set(pairs["target"]))]
    if max_unit_actors is not None:
        spans = spans[spans.groupby(["doc_id", "sentence_idx"], sort=False).cumcount()
                      < max_unit_actors]
    keyed = spans[["doc_id", "sentence_idx", "entity_id"]]
    unique_sentences = sentences.drop_duplicates(["doc_id", "sentence_idx"])
    text = dict(zip(zip(unique_sentences["doc_id"], unique_sentences["sentence_idx"],
                        strict=True), unique_sentences["text"], strict=True))
    offset = (dict(zip(zip(unique_sentences["doc_id"], unique_sentences["sentence_idx"],
                           strict=True), unique_sentences["start_char"], strict=True))
              if has_offsets else {})
    span_of = {(d, k, e): (a, b) for d, k, e, a, b in spans.itertuples(index=False)}

    def relative(doc, sentence, entity) -> list[tuple[int, int]]:
        a, b = span_of.get((doc, sentence, entity), (pd.NA, pd.NA))
        base = offset.get((doc, sentence))
        if pd.isna(a) or pd.isna(b) or base is None or pd.isna(base):
            return []
        return [(int(a) - int(base), int(b) - int(base))]

    both = keyed.merge(keyed, on=["doc_id", "sentence_idx"], suffixes=("_s", "_t"))
    both = both[both["entity_id_s"] < both["entity_id_t"]]
    both = both.sort_values(["entity_id_s", "entity_id_t", "doc_id", "sentence_idx"])
    both = both.drop_duplicates(["entity_id_s", "entity_id_t"]).rename(
        columns={"entity_id_s": "source", "entity_id_t": "target"})
    out = pairs[["source", "target"]].merge(both, on=["source", "target"], how="left")
    evidence = []
    for s, t, d, k in zip(out["source"], out["target"], out["doc_id"], out["sentence_idx"],
                          strict=True):
        if not isinstance(d, str) or (d, k) not in text:
            evidence.append(pd.NA)
            continue
        evidence.append(evidence_window(text[(d, k)], relative(d, k, s) + relative(d, k, t)))
    out["evidence_text"] = pd.array(evidence, dtype="string")
    missing = out["doc_id"].isna()
    if missing.any():
        first = keyed.sort_values(["doc_id", "sentence_idx"]).drop_duplicates(
            ["doc_id", "entity_id"])
        first_sent = {(d, e): s for d, e, s in zip(first["doc_id"], first["entity_id"],
                                                   first["sentence_idx"], strict=True)}
        docs_of = {e: set(ids) for e, ids in first.groupby("entity_id")["doc_id"]}
        half = (EVIDENCE_CHARS - 3) // 2
        rows, doc_ids, texts = [], [], []  # collected, then written once (no per-cell .at)
        for i, s, t in zip(out.index[missing], out.loc[missing, "source"],
                           out.loc[missing, "target"], strict=True):
            shared = sorted(docs_of.get(s, set()) & docs_of.get(t, set()))
            if not shared:
                continue
            doc = shared[0]
            (a, ea), (b, eb) = sorted(((first_sent[(doc, s)], s), (first_sent[(doc, t)], t)))
            rows.append(i)
            doc_ids.append(doc)
            texts.append(
                f"{evidence_window(text.get((doc, a), ''), relative(doc, a, ea), limit=half)}"
                f" … {evidence_window(text.get((doc, b), ''), relative(doc, b, eb), limit=half)}")
        if rows:
            out.loc[rows, "doc_id"] = doc_ids
            out.loc[rows, "evidence_text"] = pd.array(texts, dtype="string")
    return out.rename(columns={"doc_id": "evidence_doc_id"})[
        ["source", "target", "evidence_doc_id", "evidence_text"]]


def comention_table(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    levels: tuple[str, ...] = schemas.COMENTION_LEVELS,
    window: int = DEFAULT_WINDOW,
    max_unit_actors: int | None = DEFAULT_MAX_UNIT_ACTORS,
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

    Returns
    -------
    DataFrame
        The ``comentions`` schema: ``level``, ``source`` < ``target`` (entity ids), ``n``,
        ``n_source``, ``n_target``, ``n_units``, ``jaccard``, ``dice``, ``pmi``, ``npmi``,
        ``llr``, ``evidence_doc_id``, ``evidence_text`` (the first sentence naming both, at
        most :data:`EVIDENCE_CHARS` characters around the two mentions, mentions' ``start_char``
        and ``end_char`` and sentences' ``start_char`` permitting). Sorted by level (in the order
        given), descending ``n``, then ids. Does not mutate its inputs.
    """
    schemas.require(mentions, ["doc_id", "paragraph_idx", "sentence_idx", "token_start",
                               "token_end", "entity_id"], where="comention_table")
    schemas.require(sentences, ["doc_id", "paragraph_idx", "sentence_idx", "token_end", "text"],
                    where="comention_table")
    schemas.require(documents, ["doc_id", "processed"], where="comention_table")
    if window < 1:
        raise ValueError("window must be at least 1 token")
    mentions = mentions[mentions["entity_id"].notna()]
    frames = []
    evidence = None
    for level in levels:
        members = _capped(_unit_members(mentions, sentences, level, window), max_unit_actors)
        if members.empty:
            continue
        counts = members.groupby("entity_id")["unit"].nunique()
        pairs = members.merge(members, on="unit", suffixes=("_s", "_t"))
        pairs = pairs[pairs["entity_id_s"] < pairs["entity_id_t"]]
        if pairs.empty:
            continue
        table = (pairs.groupby(["entity_id_s", "entity_id_t"]).size().rename("n").reset_index()
                 .rename(columns={"entity_id_s": "source", "entity_id_t": "target"}))
        n_units = _n_units(documents, sentences, level, window)
        table = table.assign(
            level=level,
            n_source=table["source"].map(counts).to_numpy(),
            n_target=table["target"].map(counts).to_numpy(),
            n_units=n_units,
        )
        table = table.assign(**association_weights(table["n"], table["n_source"],
                                                   table["n_target"], table["n_units"]))
        frames.append(table)
    if not frames:
        return schemas.empty("comentions")
    table = pd.concat(frames, ignore_index=True)
    pairs = table[["source", "target"]].drop_duplicates()
    evidence = _evidence(mentions, sentences, pairs, max_unit_actors)
    table = table.merge(evidence, on=["source", "target"], how="left")
    order = {level: i for i, level in enumerate(levels)}
    table = table.assign(_order=table["level"].map(order)).sort_values(
        ["_order", "n", "source", "target"], ascending=[True, False, True, True], kind="stable")
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
) -> pd.DataFrame:
    """:func:`comention_table` computed within each calendar period.

    Parameters
    ----------
    freq
        pandas offset alias of the calendar bins: ``"D"``, ``"W-MON"``, ``"MS"`` (month),
        ``"QS"``, ``"YS"``. Documents without a date are left out (they have no period).

    Returns
    -------
    DataFrame
        ``period`` (start of the bin) followed by the ``comentions`` columns; unit counts and
        weights are those of the period. Sorted by period, then as :func:`comention_table`.
    """
    schemas.require(documents, ["doc_id", "processed", "published_at"],
                    where="comentions_over_time")
    dated = documents[documents["published_at"].notna()]
    periods = dated["published_at"].dt.to_period(_period_alias(freq)).dt.start_time
    frames = []
    for period in sorted(periods.unique()):
        ids = set(dated.loc[periods == period, "doc_id"])
        part = comention_table(
            mentions[mentions["doc_id"].isin(ids)], sentences[sentences["doc_id"].isin(ids)],
            documents[documents["doc_id"].isin(ids)], levels=levels, window=window,
            max_unit_actors=max_unit_actors)
        frames.append(part.assign(period=period))
    columns = ["period", *schemas.columns("comentions")]
    if not frames:
        return schemas.empty("comentions").assign(
            period=pd.Series(dtype="datetime64[ns]"))[columns]
    out = pd.concat(frames, ignore_index=True)
    return out.assign(period=out["period"].astype("datetime64[ns]"))[columns]


def _period_alias(freq: str) -> str:
    """Offset alias (``MS``) → period alias (``M``)."""
    return {"MS": "M", "QS": "Q", "YS": "Y", "AS": "Y", "W": "W-SUN"}.get(freq, freq)
