"""Named-entity mentions from raw text with character offsets.

:func:`annotate_texts` is the one function that turns raw text into mentions; the pipeline and
the model evaluation (``python -m training.evaluate``) both go through it, so the scores we
report are the scores of what users get.

Texts are split into paragraphs first (blank-line separated blocks when the text has blank
lines, else one paragraph per line); each paragraph is one Stanza document, so headlines and
captions without a full stop never merge into the next sentence. Offsets always refer to the
original text.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Sequence

import pandas as pd

from analysis import schemas
from analysis.models import ModelSpec, load_pipeline, resolve_models

logger = logging.getLogger(__name__)

#: Version of the rules applied to Stanza's entities (trimming, which spans are names).
#: Part of the NER cache key: bump it whenever those rules change, so that cached results
#: made under the old rules are not reused.
RULES_VERSION = 4

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_WORDLIKE = re.compile(r"\w")

#: Columns of the per-text tables returned by :func:`annotate_texts` (``text_idx`` is the
#: position of the text in the input; the pipeline renames it to ``doc_id``).
MENTION_COLUMNS = {"text_idx": "Int64", **{
    c: d for c, d in schemas.SCHEMAS["mentions"].items()
    if c not in ("doc_id", "lang", "base_form", "entity_id")
}}
SENTENCE_COLUMNS = {"text_idx": "Int64", **{
    c: d for c, d in schemas.SCHEMAS["sentences"].items() if c != "doc_id"
}}


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the paragraphs of ``text``.

    Blocks separated by blank lines are paragraphs when the text has any blank line; otherwise
    every non-empty line is one. Spans exclude surrounding whitespace; empty blocks are skipped.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*separator.finditer(text), None]:
        end = match.start() if match else len(text)
        block = text[start:end]
        stripped = block.strip()
        if stripped:
            lead = len(block) - len(block.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        if match:
            start = match.end()
    return spans


def _token_lemma(token) -> str:
    lemmas = [w.lemma or w.text for w in token.words]
    return "".join(lemmas) if len(lemmas) > 1 else lemmas[0]


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def annotate_texts(
    texts: Sequence[str],
    lang: str,
    *,
    model_dir: str | None = None,
    official: bool = False,
    spec: ModelSpec | None = None,
    batch_size: int = 64,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the Stanza models of ``lang`` over ``texts``.

    Parameters
    ----------
    texts
        Raw texts, all in language ``lang``.
    lang
        ``"pl"``, ``"lt"`` or ``"ro"``.
    model_dir, official
        Passed to :func:`analysis.models.resolve_models` (ignored when ``spec`` is given).
    spec
        An already resolved model specification.
    batch_size
        Paragraphs per Stanza call.
    progress
        Show a tqdm progress bar over batches.

    Returns
    -------
    mentions : DataFrame
        ``text_idx``, ``paragraph_idx``, ``sentence_idx``, ``token_start``, ``token_end``,
        ``start_char``, ``end_char`` (offsets into the input text), ``text``, ``lemma``
        (token lemmas joined with the original spacing), ``label`` (PER/ORG/LOC/EVT/PRO, or
        NA for non-actor labels such as dates and for all-lower-case spans),
        ``label_native``. Sorted by text and offset.
    sentences : DataFrame
        ``text_idx``, ``paragraph_idx``, ``sentence_idx``, ``token_start``, ``token_end``,
        ``start_char``, ``end_char``, ``text``, ``lemmas`` (lower-cased lemmas of word tokens,
        space-separated).
    """
    spec = spec or resolve_models(lang, model_dir=model_dir, official=official)
    if spec.lang != lang:
        raise ValueError(f"model spec is for {spec.lang!r}, texts are {lang!r}")
    units: list[tuple[int, int, int, int]] = []  # text_idx, paragraph_idx, start, end
    for t_idx, text in enumerate(texts):
        for p_idx, (start, end) in enumerate(split_paragraphs(text)):
            units.append((t_idx, p_idx, start, end))
    mention_rows: list[dict] = []
    sentence_rows: list[dict] = []
    if units:
        import stanza  # heavy

        nlp = load_pipeline(spec)
        labels = spec.labels
        common = _common_words(spec.paths.get("common_words"), lang)
        batches = _batches(units, batch_size)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, total=-(-len(units) // batch_size), desc=f"NER {lang}")
        counters: dict[int, list[int]] = {}  # text_idx -> [next sentence idx, next token idx]
        for batch in batches:
            docs = [stanza.Document([], text=texts[t][s:e]) for t, _, s, e in batch]
            docs = nlp.bulk_process(docs)
            for (t_idx, p_idx, offset, _), doc in zip(batch, docs, strict=True):
                sent_next, tok_next = counters.setdefault(t_idx, [0, 0])
                for tokens, ents in _joined_sentences(doc.sentences):
                    tok_index = {id(tok): tok_next + i for i, tok in enumerate(tokens)}
                    sentence_rows.append({
                        "text_idx": t_idx,
                        "paragraph_idx": p_idx,
                        "sentence_idx": sent_next,
                        "token_start": tok_next,
                        "token_end": tok_next + len(tokens),
                        "start_char": offset + tokens[0].start_char,
                        "end_char": offset + tokens[-1].end_char,
                        "text": texts[t_idx][offset + tokens[0].start_char:
                                             offset + tokens[-1].end_char],
                        "lemmas": " ".join(
                            _token_lemma(tok).lower() for tok in tokens
                            if _WORDLIKE.search(tok.text)
                        ),
                    })
                    for ent_tokens, ent_type in ents:
                        ent_tokens = _trim_edges(
                            _cut_apposition(_trim_common(ent_tokens, common, tokens)),
                            labels.get(ent_type))
                        ent_start, ent_end = ent_tokens[0].start_char, ent_tokens[-1].end_char
                        lemma = ""
                        for i, tok in enumerate(ent_tokens):
                            if i and tok.start_char > ent_tokens[i - 1].end_char:
                                lemma += " "
                            lemma += _token_lemma(tok)
                        start, end, lemma = _strip_stray_quotes(
                            texts[t_idx], offset + ent_start, offset + ent_end, lemma)
                        # A quote mark stripped as a token of its own leaves the span.
                        ent_tokens = [t for t in ent_tokens
                                      if offset + t.start_char < end
                                      and offset + t.end_char > start]
                        mention_rows.append({
                            "text_idx": t_idx,
                            "paragraph_idx": p_idx,
                            "sentence_idx": sent_next,
                            "token_start": tok_index[id(ent_tokens[0])],
                            "token_end": tok_index[id(ent_tokens[-1])] + 1,
                            "start_char": start,
                            "end_char": end,
                            "text": texts[t_idx][start:end],
                            "lemma": lemma,
                            "label": labels.get(ent_type) if _is_name(
                                texts[t_idx][start:end], ent_tokens, common, tokens) else None,
                            "label_native": ent_type,
                        })
                    sent_next += 1
                    tok_next += len(tokens)
                counters[t_idx] = [sent_next, tok_next]
    unknown = {r["label_native"] for r in mention_rows if r["label_native"] not in spec.labels}
    if unknown:
        logger.warning("NER labels without a mapping in model.json (kept as non-actors): %s",
                       sorted(unknown))
    mentions = _frame(mention_rows, MENTION_COLUMNS, ["text_idx", "start_char", "end_char"])
    sentences = _frame(sentence_rows, SENTENCE_COLUMNS, ["text_idx", "sentence_idx"])
    return mentions, sentences


def _is_initial(text: str) -> bool:
    """A one-letter capital with or without its full stop ("W", "W."); not "I", which after
    a name is mostly a regnal number ("Carol I.", "Gordian I. Pupienus a mărșăluit")."""
    letter = text[:-1] if text.endswith(".") else text
    return len(letter) == 1 and letter.isupper() and letter != "I"


def _is_initial_stop(letter, token) -> bool:
    """Whether ``token`` is the full stop of the initial ``letter``, written right after it."""
    return (token.text == "." and letter.end_char == token.start_char
            and _is_initial(letter.text))


def _ends_with_initial(tokens: list) -> int | None:
    """Index of the initial that ends a sentence after a capitalised word ("George W."), or
    None. The full stop may be a token of its own, written right after the letter."""
    last = len(tokens) - 1
    if last >= 1 and _is_initial_stop(tokens[last - 1], tokens[last]):
        last -= 1
    elif not tokens[last].text.endswith("."):
        return None
    if last < 1 or not _is_initial(tokens[last].text) or not tokens[last - 1].text[:1].isupper():
        return None
    return last


def _joined_sentences(sentences: list) -> list[tuple[list, list[tuple[list, str]]]]:
    """Stanza's sentences with wrong splits after an initial undone.

    The tokenizers sometimes end a sentence at the initial of a name ("George W." | "Bush
    a vizitat"): a sentence that ends with a capitalised word and an initial is joined with
    the next one when that starts with a capital letter, and an entity ending at the initial
    with an entity of the same type opening the next sentence becomes one entity.

    Returns
    -------
    list of (tokens, entities)
        Per joined sentence, its tokens and its entities as ``(tokens, type)`` pairs.
    """
    joined: list[tuple[list, list[tuple[list, str]]]] = []
    initial: int | None = None  # index in the last joined sentence of its final initial
    for sentence in sentences:
        tokens = list(sentence.tokens)
        if not tokens:
            continue
        ents = [(list(ent.tokens), ent.type) for ent in sentence.ents]
        if initial is not None and tokens[0].text[:1].isupper():
            prev_tokens, prev_ents = joined[-1]
            # where the last entity ends, if at the initial or after it
            end = next((i for i in range(initial, len(prev_tokens))
                        if prev_ents and prev_tokens[i] is prev_ents[-1][0][-1]), None)
            if end is not None and ents and ents[0][0][0] is tokens[0] \
                    and prev_ents[-1][1] == ents[0][1]:
                head = prev_ents.pop()[0]
                ents[0] = (head + prev_tokens[end + 1:] + ents[0][0], ents[0][1])
            joined[-1] = (prev_tokens + tokens, prev_ents + ents)
        else:
            joined.append((tokens, ents))
        initial = _ends_with_initial(joined[-1][0])
    return joined


#: Romanian news is often written without ș, ț, î, â ("Stiai" for "Știai"): the ro
#: common-word lexicon also holds each word with those letters plain. Not ă, which marks the
#: indefinite form ("bancă" vs the definite "Banca Transilvania"); not pl and lt, where a
#: name can lose its diacritics into a common word ("Maja" / "mają").
_PLAIN_LETTERS = {"ro": str.maketrans("șțîâ", "stia")}


@functools.lru_cache(maxsize=8)
def _common_words(path: str | None, lang: str = "") -> frozenset[str]:
    """The common-word lexicon at ``path`` (for ro, also with plain letters: see
    :data:`_PLAIN_LETTERS`)."""
    if not path:
        return frozenset()
    with open(path, encoding="utf-8") as fh:
        words = {line.strip() for line in fh if line.strip()}
    if lang in _PLAIN_LETTERS:
        words |= {w.translate(_PLAIN_LETTERS[lang]) for w in words}
    return frozenset(words)


#: Romanian text comes with either cedilla or comma-below s/t (ş/ș, ţ/ț): one form for lookups.
_CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")


def lexicon_key(word: str) -> str:
    """The form of ``word`` used in the common-word lexicon: lower case, comma-below ș/ț."""
    return word.translate(_CEDILLA).lower()


_ACRONYM = re.compile(r"^[A-ZĄČĘĖĮŠŲŪŽĆŁŃÓŚŹŻĂÂÎȘȚŞŢ]{2,6}$")


#: Tokens after which a headline starts a new segment ("Putin la Minsk | Știri despre …").
_SEGMENT_BREAKS = frozenset("|•·")


def _opens_sentence(token, sentence_tokens: list) -> bool:
    """Whether only non-word tokens (quotes, dashes) precede ``token`` in its sentence or
    in its headline segment (after ``|``, ``•``)."""
    opening = True
    for tok in sentence_tokens:
        if tok is token:
            return opening
        if tok.text in _SEGMENT_BREAKS:
            opening = True
        elif _WORDLIKE.search(tok.text):
            opening = False
    return False


def _trim_common(tokens: list, common: frozenset[str], sentence_tokens: list | None = None
                 ) -> list:
    """Trim words that are no part of the name from a multi-token mention.

    A leading common word goes when it is written in lower case or opens the sentence
    ("Wczoraj Putin" -> "Putin"; "lui Putin" -> "Putin"): a common word capitalised inside
    a sentence is taken as part of a name ("… w Biały Dom"). The list comes from the model's
    training text, words written in lower case inside sentences (see ``training.lexicon``).
    Lower-case words after an acronym go when nothing else is in the span ("NATO sieną",
    *NATO's border*; "ES šalys", *EU countries*): names are capitalised, so an acronym
    followed only by lower-case words is the acronym used as a genitive. At least one
    token is always kept. Without ``sentence_tokens`` every token counts as opening it.
    """
    start = 0
    while start < len(tokens) - 1:
        tok = tokens[start]
        if lexicon_key(tok.text) not in common:
            break
        if not (tok.text.islower() or sentence_tokens is None
                or _opens_sentence(tok, sentence_tokens)):
            break
        start += 1
    tokens = tokens[start:]
    if (len(tokens) > 1 and _ACRONYM.match(tokens[0].text)
            and all(tok.text.islower() for tok in tokens[1:])):
        tokens = tokens[:1]
    return tokens


#: Separators after which a lower-case word starts an apposition, not more of the name.
_APPOSITION_BREAKS = frozenset({",", "(", "-", "–", "—"})
_DASHES = frozenset({"-", "–", "—"})


def _cut_apposition(tokens: list) -> list:
    """Cut a mention before an apposition that the model took into the name.

    RONEC v2 tags a person with the description that follows ("Adrian Bodo, directorul",
    "Michael Stewart - profesor universitar"); names are capitalised, so a comma, an opening
    bracket or a spaced dash followed by a lower-case word ends the name ("Tora (povestea
    Exodului)" -> "Tora"). A hyphen inside a word ("PSD-ALDE", "Cluj-Napoca") is no break.
    The part kept must hold a capital letter or digit; otherwise the mention stays whole.
    """
    for i in range(1, len(tokens) - 1):
        tok, after = tokens[i], tokens[i + 1]
        if tok.text not in _APPOSITION_BREAKS or not after.text[:1].islower():
            continue
        if tok.text in _DASHES and tok.start_char == tokens[i - 1].end_char:
            continue
        head = tokens[:i]
        if any(ch.isupper() or ch.isdigit() for t in head for ch in t.text):
            return head
        break
    return tokens


#: Punctuation that never begins a name (", Javier Solana" is a tagging error).
_SEPARATORS = frozenset(",;:.!?")


def _trim_edges(tokens: list, label: str | None) -> list:
    """Drop what cannot be an edge of a name from a mention.

    Separator tokens at the start (", Javier Solana" -> "Javier Solana") and lower-case words
    before a comma ("verificare și inspectare, Hans Blix" -> "Hans Blix"); for a person also
    tokens without a letter at either end: clock times, match minutes, verse numbers
    ("00:16 Țucudean", "Daniel Ene 40"), but not the full stop of an initial ("Anna P.") nor
    quote marks. One token always stays.
    """
    start, end = 0, len(tokens)
    while True:
        while end - start > 1 and tokens[start].text in _SEPARATORS:
            start += 1
        comma = next((i for i in range(start + 1, end - 1) if tokens[i].text == ","), None)
        if comma is None or any(ch.isupper() for t in tokens[start:comma] for ch in t.text):
            break
        start = comma + 1
    if label == "PER":
        while end - start > 1 and _letterless(tokens[start]):
            start += 1
        while (end - start > 1 and _letterless(tokens[end - 1])
               and not _is_initial_stop(tokens[end - 2], tokens[end - 1])):
            end -= 1  # the full stop of an initial stays ("Anna P.")
    return tokens[start:end]


def _letterless(token) -> bool:
    """A token without a letter that is no quote mark (those are left to
    :func:`_strip_stray_quotes`, which keeps a pair)."""
    return token.text not in _QUOTES and not any(ch.isalpha() for ch in token.text)


#: Quote marks that the tokenizer sometimes leaves attached to a name ("Europa”").
_QUOTES = frozenset('"„“”«»')


def _strip_stray_quotes(text: str, start: int, end: int, lemma: str) -> tuple[int, int, str]:
    """Drop an unpaired quote mark from either end of the mention ``text[start:end]``.

    Balanced quotes stay (``„Gemer”``, a quoted title); a lone opening or closing mark at an
    end is punctuation the tokenizer did not split off. The lemma loses the same mark.
    """
    def n_quotes(a: int, b: int) -> int:
        return sum(ch in _QUOTES for ch in text[a:b])

    while end - start > 1 and text[end - 1] in _QUOTES and n_quotes(start, end) % 2:
        if lemma[-1:] == text[end - 1]:
            lemma = lemma[:-1].rstrip()
        end -= 1
        while end - start > 1 and text[end - 1].isspace():
            end -= 1
    while end - start > 1 and text[start] in _QUOTES and n_quotes(start, end) % 2:
        if lemma[:1] == text[start]:
            lemma = lemma[1:].lstrip()
        start += 1
        while end - start > 1 and text[start].isspace():
            start += 1
    return start, end, lemma


def _is_name(text: str, tokens: list, common: frozenset[str],
             sentence_tokens: list | None = None) -> bool:
    """Whether a mention reads as a name (and may get an actor label).

    Names are capitalised in pl/lt/ro: an all-lower-case span is no name (RONEC tags
    descriptions such as "liderilor", "președintele" as PERSON; they keep their native label
    but get no actor label). Nor is one common word that is capitalised only because it
    opens the sentence ("Președintele a declarat", "Ei au spus").
    """
    if not any(ch.isupper() or ch.isdigit() for ch in text):
        return False
    if (len(tokens) == 1 and sentence_tokens is not None
            and lexicon_key(tokens[0].text) in common
            and _opens_sentence(tokens[0], sentence_tokens)):
        return False
    return True


def _frame(rows: list[dict], dtypes: dict[str, str], order: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(dtypes))
    frame = frame.astype(dtypes)
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def tag_texts(
    texts: Sequence[str],
    lang: str,
    *,
    model_dir: str | None = None,
    official: bool = False,
    batch_size: int = 64,
) -> pd.DataFrame:
    """Return the mentions table of :func:`annotate_texts` (all labels, actors or not)."""
    mentions, _ = annotate_texts(
        texts, lang, model_dir=model_dir, official=official, batch_size=batch_size
    )
    return mentions
