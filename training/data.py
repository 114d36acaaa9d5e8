"""Corpus readers and converters (pure functions, no Stanza needed).

Sentences are represented as lists of :class:`Token` (form, tag, space_after);
BIO tags use the ``B-X`` / ``I-X`` / ``O`` convention.

NKJP nested labels
------------------
The NKJP IOB file joins nested labels with ``#``: ``I-orgName#B-placeName-settlement``
is a token inside an ``orgName`` whose inner ``placeName`` (subtype settlement)
starts here. We keep the *outermost* entity only: the part before the first ``#``.
Subtypes are dropped (``placeName-country`` becomes ``placeName``), giving the six
native types persName, orgName, placeName, geogName, date, time.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Token",
    "bio_to_spans",
    "detokenize",
    "flatten_nkjp_tag",
    "heuristic_space_after",
    "kpwr_to_actor",
    "open_text",
    "read_bio",
    "read_conllu_sentences",
    "read_nkjp_iob",
    "read_ronec_conllup",
    "read_ronec_json",
    "read_slavicner",
    "slavicner_documents",
    "RONEC_V1_TO_V2",
    "SENTENCE_END",
    "TOKEN_RE",
    "repair_bio",
    "to_actor_names",
    "write_bio",
]


@dataclass(frozen=True)
class Token:
    """One token with its NER tag and whether a space follows it."""

    form: str
    tag: str = "O"
    space_after: bool = True


def open_text(path: str | Path) -> io.TextIOBase:
    """Open a UTF-8 text file, transparently gunzipping ``*.gz``.

    Parameters
    ----------
    path : str or Path
        File to open.

    Returns
    -------
    io.TextIOBase
        A text stream (caller closes it).
    """
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")  # noqa: SIM115


def _blocks(lines: Iterable[str]) -> Iterator[list[str]]:
    """Yield blank-line separated blocks of stripped lines."""
    block: list[str] = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if line.strip() == "":
            if block:
                yield block
                block = []
        else:
            block.append(line)
    if block:
        yield block


# ---------------------------------------------------------------- CoNLL-U


def read_conllu_sentences(lines: Iterable[str]) -> list[str]:
    """Split CoNLL-U text into sentence blocks.

    Parameters
    ----------
    lines : iterable of str
        Lines of a CoNLL-U file.

    Returns
    -------
    list of str
        One string per sentence, lines joined by newlines, without the blank line.
    """
    return ["\n".join(block) for block in _blocks(lines)]


# ---------------------------------------------------------------- tags


def repair_bio(tags: Sequence[str]) -> list[str]:
    """Make a tag sequence valid BIO (an ``I-X`` after ``O`` or another type becomes ``B-X``).

    Parameters
    ----------
    tags : sequence of str
        BIO tags.

    Returns
    -------
    list of str
        Repaired tags.
    """
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def bio_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Turn BIO tags into entity spans over token indices.

    Parameters
    ----------
    tags : sequence of str
        BIO tags (an ``I-X`` that does not continue an ``X`` starts a new entity).

    Returns
    -------
    list of tuple
        ``(start, end, label)`` with ``end`` exclusive.
    """
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label):
            if start >= 0:
                spans.append((start, i, label))
                start, label = -1, ""
            if tag != "O":
                start, label = i, tag[2:]
    return spans


def flatten_nkjp_tag(tag: str) -> str:
    """Reduce an NKJP nested tag to its outermost entity type.

    Parameters
    ----------
    tag : str
        E.g. ``I-orgName#B-placeName-settlement`` or ``B-placeName-country`` or ``O``.

    Returns
    -------
    str
        ``I-orgName``, ``B-placeName``, ``O``.

    Examples
    --------
    >>> flatten_nkjp_tag("B-persName#B-persName-forename")
    'B-persName'
    >>> flatten_nkjp_tag("I-placeName-region")
    'I-placeName'
    """
    outer = tag.split("#", 1)[0].strip()
    if outer in ("", "O"):
        return "O"
    prefix, _, label = outer.partition("-")
    if prefix not in ("B", "I") or not label:
        return "O"
    return f"{prefix}-{label.split('-', 1)[0]}"


def kpwr_to_actor(label: str) -> str | None:
    """Map a KPWr n82 fine type to an actor label.

    Parameters
    ----------
    label : str
        E.g. ``nam_liv_person``, ``nam_org_company``, ``nam_loc_gpe_city``.

    Returns
    -------
    str or None
        PER, ORG, LOC, EVT, PRO, or None for non-actors (adjectives, currencies,
        numbers, gods/animals/inhabitants, other).
    """
    parts = label.split("_")
    if len(parts) < 2 or parts[0] != "nam":
        return None
    group = parts[1]
    if group == "liv":
        return "PER" if label == "nam_liv_person" else None
    return {"org": "ORG", "loc": "LOC", "fac": "LOC", "eve": "EVT", "pro": "PRO"}.get(group)


# ---------------------------------------------------------------- readers


def read_nkjp_iob(lines: Iterable[str]) -> list[tuple[str, list[Token]]]:
    """Read the NKJP / KPWr IOB format (orth, lemma, ctag, label; blank line between sentences).

    Parameters
    ----------
    lines : iterable of str
        File lines. ``-DOCSTART FILE <id>`` lines set the document id;
        ``-DOCSTART CONFIG`` lines are skipped.

    Returns
    -------
    list of tuple
        ``(doc_id, tokens)`` per sentence, tags as in the file (not flattened).
        Spacing is not recorded in the file; ``space_after`` comes from
        :func:`heuristic_space_after`.
    """
    out: list[tuple[str, list[Token]]] = []
    doc_id = ""
    forms: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if forms:
            spaces = heuristic_space_after(forms)
            toks = [Token(f, t, s) for f, t, s in zip(forms, tags, spaces, strict=True)]
            out.append((doc_id, toks))
            forms.clear()
            tags.clear()

    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if line.startswith("-DOCSTART"):
            flush()
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "FILE":
                doc_id = parts[2]
            continue
        if not line.strip():
            flush()
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            cols = line.split()
        forms.append(cols[0])
        tags.append(cols[-1] if len(cols) >= 4 else "O")
    flush()
    return out


def read_bio(lines: Iterable[str]) -> list[tuple[str, list[Token]]]:
    """Read ``token<TAB>tag`` BIO files with optional ``# sent_id = ...`` comments.

    Parameters
    ----------
    lines : iterable of str
        File lines.

    Returns
    -------
    list of tuple
        ``(sent_id, tokens)``; ``space_after`` comes from :func:`heuristic_space_after`.
    """
    out: list[tuple[str, list[Token]]] = []
    for block in _blocks(lines):
        sent_id = ""
        forms: list[str] = []
        tags: list[str] = []
        for line in block:
            if line.startswith("#"):
                m = re.match(r"#\s*sent_id\s*=\s*(.*)", line)
                if m:
                    sent_id = m.group(1).strip()
                continue
            cols = line.split("\t")
            forms.append(cols[0])
            tags.append(cols[1].strip() if len(cols) > 1 and cols[1].strip() else "O")
        if forms:
            spaces = heuristic_space_after(forms)
            toks = [Token(f, t, s) for f, t, s in zip(forms, tags, spaces, strict=True)]
            out.append((sent_id, toks))
    return out


RONEC_V1_TO_V2 = {"ORGANIZATION": "ORG", "NUMERIC_VALUE": "NUMERIC"}


def read_ronec_conllup(lines: Iterable[str]) -> list[tuple[str, list[Token]]]:
    """Read RONEC v1 CoNLL-U Plus (NER class in column 11, BIO).

    v1 class names are renamed to the v2 names (ORGANIZATION→ORG,
    NUMERIC_VALUE→NUMERIC) so v1 training data and v2 dev data share a label set.

    Parameters
    ----------
    lines : iterable of str
        File lines.

    Returns
    -------
    list of tuple
        ``(sent_id, tokens)`` with ``space_after`` from the MISC column.
    """
    out: list[tuple[str, list[Token]]] = []
    for block in _blocks(lines):
        sent_id = ""
        toks: list[Token] = []
        for line in block:
            if line.startswith("#"):
                m = re.match(r"#\s*sent_id\s*=\s*(.*)", line)
                if m:
                    sent_id = m.group(1).strip()
                continue
            cols = line.split("\t")
            if len(cols) < 10 or not cols[0].isdigit():
                continue
            tag = cols[10].strip() if len(cols) > 10 else "O"
            if tag in ("", "_", "*"):
                tag = "O"
            if tag != "O":
                prefix, _, label = tag.partition("-")
                tag = f"{prefix}-{RONEC_V1_TO_V2.get(label, label)}"
            space = "SpaceAfter=No" not in cols[9].split("|")
            toks.append(Token(cols[1], tag, space))
        if toks:
            out.append((sent_id, toks))
    return out


def read_ronec_json(data: list[dict]) -> list[tuple[str, list[Token]]]:
    """Read RONEC v2 JSON records (tokens, ner_tags, space_after).

    Parameters
    ----------
    data : list of dict
        Parsed JSON list.

    Returns
    -------
    list of tuple
        ``(id, tokens)``.
    """
    out: list[tuple[str, list[Token]]] = []
    for rec in data:
        spaces = rec.get("space_after") or [True] * len(rec["tokens"])
        toks = [
            Token(f, t, bool(s))
            for f, t, s in zip(rec["tokens"], rec["ner_tags"], spaces, strict=True)
        ]
        out.append((str(rec.get("id", len(out))), toks))
    return out


def ronec_valid_halves(records: list[dict]) -> tuple[list[list[Token]], list[list[Token]]]:
    """Split RONEC v2 valid into a training half (even ids) and a dev half (odd ids).

    RONEC v2 is split into train/valid/test by sentence (its ids are scattered through the
    corpus), so halving valid by id parity keeps each half a sample of the same kind as
    the held-out test.

    Parameters
    ----------
    records : list of dict
        Parsed RONEC v2 JSON records (with ``id``).

    Returns
    -------
    tuple of list
        ``(train_half, dev_half)`` sentences.
    """
    halves: tuple[list[list[Token]], list[list[Token]]] = ([], [])
    for rec, (_, sent) in zip(records, read_ronec_json(records), strict=True):
        halves[int(rec["id"]) % 2].append(sent)
    return halves


# ---------------------------------------------------------------- actor-name convention

_QUOTE_MARKS = frozenset('"\'„“”«»‚‘’')
_APPOSITION_MARKS = ",("
_GOLD_WORD = re.compile(r"\S+")


def actor_name_span(text: str, start: int, end: int, label: str | None = None
                    ) -> tuple[int, int] | None:
    """The capitalised name inside the gold span ``text[start:end]``, or None.

    The convention behind the headline ro dev score: leading words without a capital
    letter are titles or descriptions and go ("deputatul Hans-Peter Kemper" ->
    "Hans-Peter Kemper"); an apposition after a comma or an opening bracket goes ("Marius
    Popovici, vicepreședinte" -> "Marius Popovici"); quote marks and spaces around what is
    left go. For a person every comma or bracket starts one ("Ion Pop (PSD)", "Dan
    Zaharescu, Director"); for other labels only one followed by a lower-case word does, a
    capitalised word being more of the name or an alias ("Ministerul Agriculturii, Pădurilor
    și Dezvoltării Rurale", "Ministerul Finanțelor Publice (MFP)"). A span without a word
    holding a capital letter has no name: None (the caller treats it as neutral).

    Parameters
    ----------
    text : str
        The gold text.
    start, end : int
        Character offsets of the gold span.
    label : str, optional
        Actor label of the span.

    Returns
    -------
    tuple of int or None
        New ``(start, end)`` offsets, or None when the span holds no capitalised word.
    """
    first = next((m for m in _GOLD_WORD.finditer(text, start, end)
                  if any(ch.isupper() for ch in m.group())), None)
    if first is None:
        return None
    start = first.start()
    end = _apposition_start(text, start, end, label == "PER")
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTE_MARKS):
        end -= 1
    while start < end and (text[start].isspace() or text[start] in _QUOTE_MARKS):
        start += 1
    return (start, end) if start < end else None


def _apposition_start(text: str, start: int, end: int, any_mark: bool) -> int:
    """Offset of the first comma or opening bracket in ``text[start:end]`` that starts an
    apposition (with ``any_mark``, every one; else one followed, past spaces and quote marks,
    by a lower-case letter), or ``end``."""
    for i in range(start, end):
        if text[i] not in _APPOSITION_MARKS:
            continue
        after = text[i + 1:end].lstrip("".join(_QUOTE_MARKS) + " \t\n")
        if any_mark or after[:1].islower():
            return i
    return end


def to_actor_names(sentence: Sequence[Token]) -> list[Token]:
    """Re-tag a sentence by the actor-name convention of :func:`actor_name_span`.

    The convention the ro dev score uses (``training.evaluate``), applied to training data:
    each entity keeps the tokens of its capitalised name; an entity without one becomes
    ``O``. Token edges are kept: a token partly inside the cut name stays in it.
    """
    text, offsets = detokenize(sentence)
    tags = ["O"] * len(sentence)
    for start, end, label in bio_to_spans([t.tag for t in sentence]):
        cut = actor_name_span(text, offsets[start][0], offsets[end - 1][1], label)
        if cut is None:
            continue
        inside = [k for k in range(start, end)
                  if offsets[k][0] < cut[1] and offsets[k][1] > cut[0]]
        if not inside:
            continue
        tags[inside[0]] = f"B-{label}"
        for k in inside[1:]:
            tags[k] = f"I-{label}"
    return [Token(t.form, tag, t.space_after) for t, tag in zip(sentence, tags, strict=True)]


# ---------------------------------------------------------------- spacing

_NO_SPACE_BEFORE = set(",.;:!?)]}%…»”") | {"''", "'s", "n't"}
_NO_SPACE_AFTER = set("([{„«“")


def heuristic_space_after(forms: Sequence[str]) -> list[bool]:
    """Guess whether a space follows each token (for corpora without spacing info).

    No space before closing punctuation (``, . ; : ! ? ) ] } % …``) and after
    opening brackets/quotes (``( [ { „ « “``); straight double quotes alternate
    between opening and closing.

    Parameters
    ----------
    forms : sequence of str
        Token forms of one sentence.

    Returns
    -------
    list of bool
        ``space_after`` per token (the last one is True).
    """
    n = len(forms)
    space = [True] * n
    quote_open = False
    for i, form in enumerate(forms):
        if form == '"':
            if quote_open:
                if i > 0:
                    space[i - 1] = False
            else:
                space[i] = False
            quote_open = not quote_open
            continue
        if form in _NO_SPACE_BEFORE and i > 0:
            space[i - 1] = False
        if form in _NO_SPACE_AFTER:
            space[i] = False
    if n:
        space[-1] = True
    return space


def detokenize(tokens: Sequence[Token]) -> tuple[str, list[tuple[int, int]]]:
    """Rebuild the sentence text and each token's character offsets.

    Parameters
    ----------
    tokens : sequence of Token
        Tokens with ``space_after``.

    Returns
    -------
    text : str
        The sentence (no trailing space).
    offsets : list of tuple
        ``(start, end)`` of each token in ``text``.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, tok in enumerate(tokens):
        offsets.append((pos, pos + len(tok.form)))
        parts.append(tok.form)
        pos += len(tok.form)
        if tok.space_after and i < len(tokens) - 1:
            parts.append(" ")
            pos += 1
    return "".join(parts), offsets


# ---------------------------------------------------------------- writers


#: Words (with inner hyphens and apostrophes) and single punctuation marks: the tokenizer
#: for raw text where no gold tokens exist (word2vec text, lexicon text, SlavicNER).
TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
#: Tokens that end a sentence in raw text.
SENTENCE_END = frozenset(".!?…")


def slavicner_documents(root: str | Path, lang: str
                        ) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """SlavicNER raw documents with their span annotations.

    Parameters
    ----------
    root : str or Path
        The ``slavicner`` folder (``raw/<topic>/<lang>/*.txt``, ``ner/<topic>/<lang>/*.tsv``).
    lang : str
        Language subfolder (``pl``, ``cs``).

    Yields
    ------
    tuple
        ``(topic/name, text, [(start, end, category), ...])``; annotations whose offsets do
        not match their mention text are left out; documents without raw text are skipped.
    """
    root = Path(root)
    for tsv in sorted((root / "ner").glob(f"*/{lang}/*.tsv")):
        topic = tsv.parent.parent.name
        raw = root / "raw" / topic / lang / tsv.name.replace(".tsv", ".txt")
        if not raw.is_file():
            continue
        text = raw.read_text(encoding="utf-8")
        spans: list[tuple[int, int, str]] = []
        for line in tsv.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 5 and cols[0].isdigit() and cols[1].isdigit():
                start, end = int(cols[0]), int(cols[1])
                if text[start:end] == cols[2]:
                    spans.append((start, end, cols[4]))
        yield f"{topic}/{tsv.stem}", text, spans


def read_slavicner(root: str | Path, lang: str) -> list[tuple[str, list[Token]]]:
    """Tokenize SlavicNER raw documents and tag them with their span annotations.

    Parameters
    ----------
    root : str or Path
        The ``slavicner`` folder (``raw/<topic>/<lang>/*.txt``,
        ``ner/<topic>/<lang>/*.tsv``).
    lang : str
        Language subfolder (``pl``, ``cs``).

    Returns
    -------
    list of tuple
        ``(document name, tokens)`` per sentence, BIO tags PER/ORG/LOC/EVT/PRO. Tokens are
        words and single punctuation marks; sentences end at ``. ! ? …`` and at line
        breaks. An annotation whose offsets do not match its mention text, or that does not
        cover whole tokens, is left out (its tokens stay ``O``).
    """
    out: list[tuple[str, list[Token]]] = []
    for name, text, spans in slavicner_documents(root, lang):
        toks = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        tags = ["O"] * len(toks)
        starts = {s: i for i, (s, _) in enumerate(toks)}
        ends = {e: i for i, (_, e) in enumerate(toks)}
        for start, end, label in sorted(spans):
            first, last = starts.get(start), ends.get(end)
            if first is None or last is None or any(t != "O" for t in tags[first:last + 1]):
                continue
            tags[first] = f"B-{label}"
            for i in range(first + 1, last + 1):
                tags[i] = f"I-{label}"
        sent: list[Token] = []
        for i, (start, end) in enumerate(toks):
            nxt = toks[i + 1][0] if i + 1 < len(toks) else len(text)
            gap = text[end:nxt]
            sent.append(Token(text[start:end], tags[i], bool(gap)))
            boundary = "\n" in gap or (text[start:end] in SENTENCE_END and gap
                                       and not (i + 1 < len(tags) and tags[i + 1][:2] == "I-"))
            if boundary or i + 1 == len(toks):
                out.append((name, sent))
                sent = []
    return out


def sample_slavicner(root: str | Path, langs: Iterable[str], per_lang: int,
                     rng: random.Random) -> list[list[Token]]:
    """Draw SlavicNER sentences that hold an entity, ``per_lang`` from each language.

    Parameters
    ----------
    root : str or Path
        The ``slavicner`` folder.
    langs : iterable of str
        Language subfolders, drawn from in this order.
    per_lang : int
        Sentences per language (all of a language's when it has fewer).
    rng : random.Random
        Source of the draws (the caller goes on using it, e.g. to shuffle).

    Returns
    -------
    list of list of Token
        The drawn sentences, language by language.
    """
    out: list[list[Token]] = []
    for lang in langs:
        pool = [s for _, s in read_slavicner(root, lang) if any(t.tag != "O" for t in s)]
        out.extend(rng.sample(pool, min(per_lang, len(pool))))
    return out


def transfer_sentence(sentence: Sequence[Token], lang: str) -> list[Token]:
    """A SlavicNER sentence (actor labels) in ``lang``'s training conventions.

    Labels become ``lang``'s native ones (:func:`training.labels.native_tag`: pl has no
    EVT/PRO, so they become ``O``). pl also drops one-word PER spans that are nationality
    words (SlavicNER tags "Polacy", "Niemców" as persons; they are not actors here, see
    :func:`analysis.ner.is_demonym`, which needs ``morfeusz2`` from the training extra).

    Examples
    --------
    >>> [t.tag for t in transfer_sentence([Token("Jan", "B-PER"), Token("i"),
    ...                                    Token("Marsz", "B-EVT")], "pl")]
    ['B-persName', 'O', 'O']
    """
    from training.labels import native_tag

    tags = [native_tag(lang, t.tag) for t in sentence]
    if lang == "pl":
        from analysis.ner import _morfeusz, is_demonym

        if _morfeusz() is None:
            raise RuntimeError("pl transfer data needs morfeusz2 (pip install morfeusz2) "
                               "to leave out nationality words")
        for start, end, label in bio_to_spans(tags):
            if (label == "persName" and end - start == 1
                    and is_demonym(sentence[start].form, "pl")):
                tags[start] = "O"
    return [Token(t.form, tag, t.space_after) for t, tag in zip(sentence, tags, strict=True)]


def write_bio(sentences: Iterable[Sequence[Token]], path: str | Path) -> int:
    """Write sentences as ``token<TAB>tag`` BIO (blank line between sentences).

    Tokens containing whitespace get it replaced by ``_`` (Stanza splits on it).

    Parameters
    ----------
    sentences : iterable of sequence of Token
        Sentences to write; tags are repaired to valid BIO.
    path : str or Path
        Output file.

    Returns
    -------
    int
        Number of sentences written.
    """
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for sent in sentences:
            tags = repair_bio([t.tag for t in sent])
            for tok, tag in zip(sent, tags, strict=True):
                form = re.sub(r"\s", "_", tok.form) or "_"
                fh.write(f"{form}\t{tag}\n")
            fh.write("\n")
            n += 1
    return n


def load_json(path: str | Path) -> list[dict]:
    """Load a (possibly gzipped) JSON file.

    Parameters
    ----------
    path : str or Path
        File.

    Returns
    -------
    list of dict
        Parsed content.
    """
    with open_text(path) as fh:
        return json.load(fh)
