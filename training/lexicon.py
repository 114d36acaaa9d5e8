"""Common-word lexicon shipped beside each NER model.

Short NER trainings sometimes pull a capitalised sentence-initial word into a name
("Wczoraj Putin", "Ieri Putin": *yesterday Putin*). A word that the training text writes in
lower case inside sentences, and seldom capitalised there, is a common word, not part of a
name (names are never written in lower case); :mod:`analysis.ner` trims such words from the
start of a multi-word mention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from analysis.ner import lexicon_key
from training import data
from training.paths import NER_SHORTNAMES, corpora_dir


def _text_sentences(text: str) -> Iterator[list[tuple[str, str]]]:
    """Raw text → token lists, split at sentence-final punctuation (tags unknown: 'O')."""
    for para in text.split("\n"):
        sent: list[tuple[str, str]] = []
        for tok in data.TOKEN_RE.findall(para):
            sent.append((tok, "O"))
            if tok in data.SENTENCE_END:
                yield sent
                sent = []
        if sent:
            yield sent


def common_words(sentences: Iterable[list[tuple[str, str]]], *, min_lower: int = 3,
                 max_cap_share: float = 0.2, max_start_share: float = 0.05) -> list[str]:
    """Words written in lower case inside sentences and seldom capitalised there.

    Parameters
    ----------
    sentences : iterable of list of (token, tag)
        Sentences with NER tags (``O`` outside entities; use ``O`` when unknown).
    min_lower : int
        Least number of lower-case, non-initial occurrences outside any entity.
    max_cap_share : float
        Largest ratio of capitalised non-initial occurrences to lower-case ones (quotes,
        headlines and titles capitalise common words too).

    max_start_share : float
        Largest ratio of tagged entities that the word begins, capitalised inside a
        sentence, to its lower-case occurrences (``Nowy`` begins ``Nowy Jork``, ``Nowy
        Sącz``, ``Nowy Targ`` too often to be trimmed from a name).

    Returns
    -------
    list of str
        Sorted words in :func:`analysis.ner.lexicon_key` form.
    """
    lower: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    starts: Counter[str] = Counter()
    for sent in sentences:
        initial = True
        for token, tag in sent:
            key = lexicon_key(token)
            if tag.startswith("B-") and not initial and token[:1].isupper():
                starts[key] += 1
            if not initial and token.isalpha():
                if token.islower() and tag == "O":
                    lower[key] += 1
                elif token[0].isupper():
                    cap[key] += 1
            # After a quote, dash, colon or bracket a new clause may start capitalised.
            initial = not any(ch.isalnum() for ch in token)
    return sorted(w for w, n in lower.items()
                  if n >= min_lower and cap[w] <= max_cap_share * n
                  and starts[w] <= max_start_share * n)


def case_sentences(lang: str, *, corpora: Path | None = None, workdir: Path
                   ) -> Iterator[list[tuple[str, str]]]:
    """The cased training text of ``lang``: NER train file, plus raw news for ro.

    Lithuanian reads ``lt_ner`` train itself: the prepared training file may also hold
    Polish transfer sentences.
    """
    ner_train = workdir / "data" / "ner" / f"{NER_SHORTNAMES[lang]}.train.bio"
    if lang == "lt":
        ner_train = corpora_dir(corpora) / "lt_ner" / "lt_ner-train.bio"
    with data.open_text(ner_train) as fh:
        for _, tokens in data.read_bio(fh):
            yield [(t.form, t.tag) for t in tokens]
    if lang == "ro":
        import pyarrow.parquet as pq

        root = corpora_dir(corpora)
        for path in sorted((root / "ro_news" / "datasets").glob("*.parquet")):
            for text in pq.read_table(path, columns=["article_text"]).column(0).to_pylist():
                if text:
                    yield from _text_sentences(text)
    if lang == "lt":
        root = corpora_dir(corpora)
        for path in sorted((root / "ud").glob("UD_Lithuanian-*/*.conllu")):
            with data.open_text(path) as fh:
                for block in data.read_conllu_sentences(fh):
                    rows = [ln.split("\t") for ln in block.split("\n")
                            if ln and not ln.startswith("#")]
                    yield [(r[1], "O") for r in rows if r[0].isdigit()]


def write_common_words(lang: str, dest: Path, *, corpora: Path | None = None,
                       workdir: Path) -> Path:
    """Write the common words of ``lang`` one per line to ``dest`` (atomically)."""
    words = common_words(case_sentences(lang, corpora=corpora, workdir=workdir))
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_text("\n".join(words) + "\n", encoding="utf-8")
    tmp.replace(dest)
    return dest
