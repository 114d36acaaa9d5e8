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
from collections.abc import Collection, Iterator, Sequence

import pandas as pd

from analysis import schemas
from analysis.models import ModelSpec, load_pipeline, resolve_models

logger = logging.getLogger(__name__)

#: Version of the rules applied to Stanza's entities (trimming, which spans are names).
#: Part of the NER cache key: bump it whenever those rules change, so that cached results
#: made under the old rules are not reused.
RULES_VERSION = 5


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
    rules: Collection[str] | None = None,
    device: str = "cpu",
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
    rules
        Names of the precision rules to apply (:data:`RULES`; default
        :data:`ENABLED_RULES`); an ablation passes fewer.
    device
        ``"cpu"`` or ``"cuda"`` (see :func:`analysis.models.resolve_device`).

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
    rules = ENABLED_RULES if rules is None else frozenset(rules)
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

        nlp = load_pipeline(spec, use_gpu=device == "cuda")
        labels = spec.labels
        common = _common_words(spec.paths.get("common_words"), lang)
        batches = _batches(units, batch_size)
        bar = None
        if progress:  # counts documents (a batch holds paragraphs of one or many documents)
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc=f"NER {lang}", unit="doc")
            last_paragraph = {t: p for t, p, _, _ in units}
        counters: dict[int, list[int]] = {}  # text_idx -> [next sentence idx, next token idx]
        capitalised: dict[int, set[str]] = {}  # text_idx -> words capitalised inside sentences
        for batch in batches:
            docs = [stanza.Document([], text=texts[t][s:e]) for t, _, s, e in batch]
            docs = nlp.bulk_process(docs)
            for (t_idx, p_idx, offset, _), doc in zip(batch, docs, strict=True):
                sent_next, tok_next = counters.setdefault(t_idx, [0, 0])
                prev_end = True  # whether the sentence before ended a sentence
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
                    capitalised.setdefault(t_idx, set()).update(_capitalised_inside(tokens))
                    for ent_tokens, ent_type in _rule_entities(ents, tokens, lang, labels,
                                                               rules):
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
                                texts[t_idx][start:end], ent_tokens, common, tokens, lang,
                                rules) else None,
                            "label_native": ent_type,
                            "_initial": len(ent_tokens) == 1 and prev_end
                            and _opens_sentence(ent_tokens[0], tokens),
                        })
                    sent_next += 1
                    tok_next += len(tokens)
                    prev_end = _ends_sentence(tokens)
                counters[t_idx] = [sent_next, tok_next]
            if bar is not None:
                t_last, p_last = batch[-1][:2]
                bar.update(t_last + (p_last == last_paragraph[t_last]) - bar.n)
        if bar is not None:
            bar.update(len(texts) - bar.n)  # texts without paragraphs
            bar.close()
        mention_rows = _late_rules(mention_rows, texts, lang, common, capitalised, rules)
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
             sentence_tokens: list | None = None, lang: str = "",
             rules: Collection[str] = ()) -> bool:
    """Whether a mention reads as a name (and may get an actor label).

    Names are capitalised in pl/lt/ro: an all-lower-case span is no name (RONEC tags
    descriptions such as "liderilor", "președintele" as PERSON; they keep their native label
    but get no actor label). Nor is one common word that is capitalised only because it
    opens the sentence ("Președintele a declarat", "Ei au spus"). With the rule
    ``caps_heading``, nor are ALL-CAPS words in an ALL-CAPS heading (:func:`_caps_heading`);
    with ``demonyms``, nor is a nationality word (:func:`is_demonym`).
    """
    if not any(ch.isupper() or ch.isdigit() for ch in text):
        return False
    if (len(tokens) == 1 and sentence_tokens is not None
            and lexicon_key(tokens[0].text) in common
            and _opens_sentence(tokens[0], sentence_tokens)):
        return False
    if ("caps_heading" in rules and sentence_tokens is not None
            and _caps_heading(tokens, sentence_tokens)):
        return False
    return not ("demonyms" in rules and len(tokens) == 1 and is_demonym(tokens[0].text, lang))


# ------------------------------------------------------------------ precision rules (issue #14)
# What each rule did on the dev sets is recorded in docs/ner_rules.md; ENABLED_RULES holds the
# rules that raised dev F1 there (or precision without lowering F1).

#: Rules that :func:`annotate_texts` can apply on top of Stanza's entities.
RULES = frozenset({"credits", "sentence_initial", "caps_heading", "split_names",
                   "name_title", "lt_institutions", "demonyms"})
#: The rules applied by default: those that raised dev F1, or precision without lowering
#: F1 (docs/ner_rules.md). The others stay available for ablations (``rules=``): on the dev
#: sets they changed nothing (``split_names``, ``name_title``), or lowered F1 there or on
#: the lt training text (``sentence_initial``, ``caps_heading``; ``demonyms`` on NKJP,
#: whose gold tags nationality words).
ENABLED_RULES: frozenset[str] = frozenset({"credits", "lt_institutions"})

#: Words that open a photo credit, a byline or a source line (pl / lt / ro, any case):
#: "Foto: Reuters", "Fot. PAP/Radek Pietruszka", "Nuotr.: ELTA", "Sursa foto: Inquam".
_CREDIT_KEYWORD = re.compile(
    r"(?i)(?<!\w)(?:fot\.|foto\s*:|zdj(?:ęcie)?\.?\s*:|źródło(?:\s+zdjęcia)?\s*:"
    r"|nuotr(?:\.|aukoje|auka)\s*:?|šaltinis\s*:|sursa(?:\s+foto)?\s*:"
    r"|credit(?:\s+foto)?\s*:|fotografie\s*:|photo\s*:)"
)
#: News agencies and photo services: slash-joined with other names ("Kremlin Pool/EPA-EFE",
#: "Klimentyev/Sputnik/") or bracketed alone ("(ELTA)") they mark a credit or agency tag.
AGENCIES = frozenset({
    "PAP", "Reuters", "REUTERS", "AFP", "AP", "EPA", "EFE", "EPA-EFE", "ANSA", "dpa", "DPA",
    "TASS", "Sputnik", "RIA", "Xinhua", "Anadolu", "Ukrinform", "UNIAN", "Interfax", "ELTA",
    "BNS", "LETA", "Scanpix", "Fotodiena", "Agerpres", "AGERPRES", "Mediafax", "MEDIAFAX",
    "Inquam", "INQUAM", "Getty", "Shutterstock", "Pool", "IAR", "KAI", "Moldpres", "Forum",
})
_AGENCY_TAG = re.compile(r"\((?:" + "|".join(sorted(map(re.escape, AGENCIES))) + r")\)")
#: Photo libraries: credits wherever they stand.
_LIBRARIES = re.compile(r"\b(?:Wikimedia Commons|Getty Images|Shutterstock|Depositphotos"
                        r"|Unsplash|Pixabay|East News)\b")
_CREDIT_WORD = re.compile(r"[ \t]*(/|[\w.&'’-]+)")
_SLASH = re.compile(r"[ \t]*/[ \t]*")


def _credit_run(text: str, pos: int) -> int:
    """End of the credit words from ``pos``: capitalised words, digits and slashes on the
    same line ("PAP/Radek Pietruszka"); a word ending in a full stop ends the run."""
    end = pos
    for match in _CREDIT_WORD.finditer(text, pos):
        word = match.group(1)
        if match.start() != end or not (word == "/" or word[0].isupper() or word[0].isdigit()):
            break
        end = match.end()
        if len(word) > 2 and word.endswith("."):
            break
        if word == "/" and not text[match.start(1) - 1].isspace() \
                and text[end:end + 1].isspace():
            break  # a slash closing the credit ("Klimentyev/Sputnik/ Putin")
    return end


#: Characters looked back from a slash for the words of a credit.
_CREDIT_REACH = 120


def _credit_start(text: str, pos: int) -> int:
    """Start of the capitalised words (and slashes) that end right before ``pos`` (at most
    :data:`_CREDIT_REACH` characters back)."""
    floor = max(0, pos - _CREDIT_REACH)
    start = pos
    while True:
        match = re.search(r"(/|[\w&'’-]+)[ \t]*$", text[floor:start])
        if match is None or not (match.group(1) == "/" or match.group(1)[0].isupper()):
            return start
        start = floor + match.start()


def _spelt_before(text: str, pos: int, acronym: str) -> bool:
    """Whether the capitalised words right before ``pos`` spell ``acronym`` by their
    initials: "Associated Press (AP)" introduces an acronym, it tags no agency."""
    words = re.findall(r"\w+", text[max(0, pos - 80):pos])[-len(acronym):]
    return "".join(w[0] for w in words).upper() == acronym.upper()


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of photo credits, bylines and agency tags in ``text``.

    A credit keyword (:data:`_CREDIT_KEYWORD`) with the capitalised, slash-joined words
    after it ("Foto: Reuters", "Fot. PAP/Radek Pietruszka", "Sursa foto: Inquam/Octav
    Ganea"); capitalised words joined by a slash to a news agency (:data:`AGENCIES`:
    "Kremlin Pool/EPA-EFE", "Klimentyev/Sputnik/"); an agency alone in brackets ("(ELTA)");
    a photo library ("Wikimedia Commons").
    """
    spans = [(m.start(), _credit_run(text, m.end())) for m in _CREDIT_KEYWORD.finditer(text)]
    for slash in _SLASH.finditer(text):
        left = re.search(r"([\w.&'’-]+)$", text[max(0, slash.start() - _CREDIT_REACH):
                                                 slash.start()])
        right = re.match(r"[\w.&'’-]+", text[slash.end():slash.end() + _CREDIT_REACH])
        words = {w.group(0 if w is right else 1).strip(".") for w in (left, right) if w}
        if words & AGENCIES:
            spans.append((_credit_start(text, slash.start()), _credit_run(text, slash.start())))
    spans += [m.span() for m in _AGENCY_TAG.finditer(text)
              if not _spelt_before(text, m.start(), m.group(0)[1:-1])]
    spans += [m.span() for m in _LIBRARIES.finditer(text)]
    return sorted(s for s in spans if s[1] > s[0])


def _in_spans(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps one of ``spans``."""
    return any(s < end and start < e for s, e in spans)


# sentence-initial common words

#: Least wordfreq Zipf frequency of a lower-cased word for it to count as a common word
#: of the language (tuned on dev; see docs/ner_rules.md).
COMMON_ZIPF = {"pl": 4.0, "lt": 4.0, "ro": 4.0}


@functools.lru_cache(maxsize=65536)
def _is_common_word(word: str, lang: str) -> bool:
    """Whether ``word`` lower-cased is a frequent word of ``lang`` (wordfreq Zipf frequency
    at least :data:`COMMON_ZIPF`); False when wordfreq is not installed."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - optional
        return False
    if lang not in COMMON_ZIPF:
        return False
    return zipf_frequency(word.lower(), lang) >= COMMON_ZIPF[lang]


#: Languages whose Stanza lemmatizer keeps the capital of a proper noun's lemma ("Putin",
#: "Jezus") and lower-cases a common noun's ("Soldații" -> "soldat"); the lt one does not.
_CASED_LEMMAS = frozenset({"pl", "ro"})


@functools.lru_cache(maxsize=65536)
def _is_known_name(word: str, lemma: str, lang: str) -> bool:
    """Whether ``word`` (Stanza lemma ``lemma``) is a known name: a first name
    (:func:`first_names`), a country or city of the gazetteer (the word, its lemma or its
    place base form), or, where lemmas keep their case (:data:`_CASED_LEMMAS`), a word
    whose lemma is capitalised."""
    if word in first_names() or lemma in first_names():
        return True
    if lang in _CASED_LEMMAS and lemma[:1].isupper():
        return True
    from analysis.identity import _exact_places

    return bool(_exact_places(word, lang) or (lemma and _exact_places(lemma, lang)))


def _common_initial(text: str, lemma: str, lang: str, common: frozenset[str],
                    capitalised: set[str]) -> bool:
    """Whether the one-word mention ``text`` (lemma ``lemma``) that opens its sentence is a
    common word capitalised by position only: frequent lower-cased (common-word lexicon or
    wordfreq), no known name (:func:`_is_known_name`), and not written capitalised inside a
    sentence of the same text (``capitalised``: lexicon keys of such words)."""
    key = lexicon_key(text)
    if key in capitalised or not text[:1].isupper() or text.isupper():
        return False
    if key not in common and not _is_common_word(text, lang):
        return False
    return not _is_known_name(text, lemma, lang)


#: Last characters of a sentence that really ends (the tokenizers also split after a lone
#: preposition, "W" | "Niemczech stworzono …", and after abbreviations, "ul." | "Piłsudskiego").
_SENTENCE_END = re.compile(r"[.!?…:;\"”»)]$")


def _ends_sentence(tokens: list) -> bool:
    """Whether a Stanza sentence ends with sentence-final punctuation (not after a
    one- or two-letter abbreviation such as "ul.", "m. st.")."""
    last = tokens[-1].text
    if not _SENTENCE_END.search(last):
        return False
    word = tokens[-2].text if last == "." and len(tokens) > 1 else last[:-1]
    return not (last.endswith(".") and word.isalpha() and len(word) <= 3 and word.islower())


def _capitalised_inside(tokens: list) -> set[str]:
    """Lexicon keys of the capitalised words of a sentence that do not open it."""
    return {lexicon_key(tok.text) for tok in tokens
            if tok.text[:1].isupper() and not _opens_sentence(tok, tokens)}


# ALL-CAPS headings

def _caps_heading(tokens: list, sentence_tokens: list) -> bool:
    """Whether a mention of ALL-CAPS words stands in an ALL-CAPS heading (at least three
    words of two letters or more, four in five of them ALL-CAPS) and is no acronym (one
    token of 2-6 capitals, :data:`_ACRONYM`)."""
    words = [t.text for t in sentence_tokens if sum(ch.isalpha() for ch in t.text) >= 2]
    caps = [w for w in words if w.isupper()]
    if len(words) < 3 or len(caps) < 0.8 * len(words):
        return False
    mention = [t.text for t in tokens if any(ch.isalpha() for ch in t.text)]
    if not mention or not all(w.isupper() for w in mention):
        return False
    return not (len(mention) == 1 and _ACRONYM.match(mention[0]))


# spans that run across two names

@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names from the shipped ``lexicons/first_names.txt`` (package data, see
    ``training.firstnames``); empty when the file is missing."""
    from analysis.resources import data_path

    path = data_path("lexicons", "first_names.txt")
    if not path.is_file():
        return frozenset()
    with open(path, encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def _split_at_name(tokens: list, lang: str) -> int | None:
    """Where a place runs into a person's full name inside one mention, or None.

    "Kremla Dmitrij Pieskow", "Ucrainei Serhiy Nayev": the words before a first name
    (:func:`first_names`) that is followed by another capitalised word, read together,
    are a country or city of the gazetteer in any case form, and the word right before the
    first name is no first name itself ("Maria Anna Nowak" stays whole).
    """
    words = [t.text for t in tokens]
    for i in range(1, len(words) - 1):
        if words[i] not in first_names() or words[i - 1] in first_names():
            continue
        if not all(w[:1].isupper() for w in words[i:]):
            continue
        if _inflected_country(tokens[:i], lang):
            return i
    return None


def _inflected_country(tokens: list, lang: str) -> bool:
    """Whether ``tokens`` name a country in a case form other than the nominative ("Rosji",
    "Ucrainei"): the Stanza lemma differs from the words and names a country (CLDR)."""
    text = " ".join(t.text for t in tokens)
    lemma = " ".join(_token_lemma(t) for t in tokens)
    if lemma == text:
        return False
    from analysis.identity import _country

    return _country(lemma, lang) is not None or _country(text, lang) is not None


#: Titles that end a person's name when written after it inside one mention ("Donald Tusk
#: Premier", "Klaus Iohannis Președintele"): lower-case stems, any case form.
_TITLE_STEMS = {
    "pl": ("prezydent", "premier", "minist", "wicemin", "wicepremier", "prezes", "marszał",
           "poseł", "posł", "senator", "rzeczni", "ambasador", "przewodnicząc", "sekretarz",
           "dyrektor", "generał", "szef", "burmistrz", "wojewod", "kanclerz", "papież",
           "biskup", "arcybiskup", "profesor", "prof.", "dr"),
    "lt": ("prezident", "premjer", "ministr", "pirminink", "ambasador", "direktori", "mer",
           "generol", "vadov", "atstov", "kanclerl", "kancleri", "popiež", "profesori",
           "sekretori", "seimūn"),
    "ro": ("președint", "presedint", "premier", "ministr", "primar", "deputat", "senator",
           "purtăt", "ambasador", "director", "general", "șef", "sef", "cancelar", "papa",
           "profesor", "secretar", "consilier", "dl.", "dna."),
}


def _title_cut(tokens: list, lang: str) -> int | None:
    """Index of a title that follows a name inside a person mention (:data:`_TITLE_STEMS`),
    or None: "Donald Tusk Premier" is cut to "Donald Tusk"."""
    for i in range(1, len(tokens)):
        if _is_title(tokens[i].text, lang) and tokens[i - 1].text[:1].isupper():
            return i
    return None


def _is_title(word: str, lang: str) -> bool:
    """Whether ``word`` is a title of :data:`_TITLE_STEMS`: a stem of five letters or more
    followed by at most five letters of ending, or a shorter stem written whole."""
    word = word.lower()
    for stem in _TITLE_STEMS.get(lang, ()):
        if len(stem) >= 5 and word.startswith(stem) and len(word) <= len(stem) + 5:
            return True
        if word in (stem, stem.rstrip(".") + "."):
            return True
    return False


# Lithuanian institutions and streets

#: Lemmas of the Lithuanian nouns that make a name with the capitalised genitive before them
#: ("Vilniaus universitetas", "Gedimino prospektas"), with the label of the whole name.
LT_NAME_NOUNS = {
    **dict.fromkeys((
        "universitetas", "ministerija", "savivaldybė", "taryba", "bankas", "teismas",
        "komitetas", "valdyba", "seimas", "vyriausybė", "departamentas", "tarnyba",
        "inspekcija", "agentūra", "akademija", "institutas", "ligoninė", "mokykla",
        "gimnazija", "policija", "komisija", "fondas", "asociacija", "sąjunga", "bendrovė",
        "kolegija", "muziejus", "teatras", "biblioteka", "prokuratūra", "partija",
        "kariuomenė", "kongresas", "parlamentas",
    ), "ORG"),
    **dict.fromkeys(("gatvė", "prospektas", "aikštė", "alėja", "plentas", "skersgatvis",
                     "krantinė", "tiltas", "turgus", "stotis", "uostas", "rajonas",
                     "apskritis", "seniūnija"), "LOC"),
}

#: Plural endings of those nouns ("Kauno mokykloms", "Seimo komitetuose", "Europos
#: institutų"): a plural names a kind of institution, not one institution.
_LT_PLURAL = ("ams", "oms", "ėms", "uose", "ose", "ėse", "ų", "omis", "ėmis", "ais")


#: Singular case endings of the Lithuanian noun classes of :data:`LT_NAME_NOUNS`, by the
#: ending of the nominative (nominative, genitive, dative, accusative, instrumental,
#: locative): the lt lemmatizer misses some forms ("prospekte" -> "prospekti", "banke" ->
#: "būti").
_LT_SINGULAR = {
    "as": ("as", "o", "ui", "ą", "u", "e"),
    "a": ("a", "os", "ai", "ą", "oje"),
    "ė": ("ė", "ės", "ei", "ę", "e", "ėje"),
    "us": ("us", "aus", "ui", "umi", "uje"),
    "is": ("is", "io", "iui", "į", "iu", "yje", "ies", "iai", "imi"),
}


def _lt_forms(nouns: dict[str, str]) -> dict[str, str]:
    """Every singular case form of ``nouns`` (noun -> label), built with
    :data:`_LT_SINGULAR`."""
    forms: dict[str, str] = {}
    for noun, label in nouns.items():
        ending = next(e for e in ("as", "us", "is", "a", "ė") if noun.endswith(e))
        for form in _LT_SINGULAR[ending]:
            forms[noun[:-len(ending)] + form] = label
    return forms


_LT_NAME_FORMS = _lt_forms(LT_NAME_NOUNS)


def _lt_name_noun(token) -> str | None:
    """The label that the lower-case singular ``token`` gives a name it closes
    (:data:`LT_NAME_NOUNS`, by the token's Stanza lemma or, where the lemmatizer errs, by
    its case form: "prospekte", "banke"), or None."""
    if not token.text.islower() or token.text.endswith(_LT_PLURAL):
        return None
    label = LT_NAME_NOUNS.get(_token_lemma(token).lower())
    return label or _LT_NAME_FORMS.get(token.text)


def _country_government(tokens: list, noun) -> bool:
    """Whether ``noun`` is "vyriausybė" after a country ("Haičio vyriausybė"): lt_ner tags
    the country alone there, and a name such as "Laikinoji vyriausybė" whole."""
    if _token_lemma(noun).lower() != "vyriausybė":
        return False
    from analysis.identity import _country

    name = " ".join(t.text for t in tokens)
    lemma = " ".join(_token_lemma(t) for t in tokens)
    return _country(name, "lt") is not None or _country(lemma, "lt") is not None


def _extend_lt_name(tokens: list, sentence_tokens: list) -> tuple[list, str | None]:
    """Extend a mention over the lower-case institution or street nouns that follow it.

    Returns the tokens (extended or not) and the label of the extended name (None when
    nothing was added): "Vilniaus" + "universitetas" -> ORG; "Gedimino" + "prospekte" -> LOC.
    """
    pos = next(i for i, t in enumerate(sentence_tokens) if t is tokens[-1]) + 1
    label = None
    while pos < len(sentence_tokens):
        noun = _lt_name_noun(sentence_tokens[pos])
        if noun is None or (label is None and _country_government(tokens, sentence_tokens[pos])):
            break
        tokens, label = [*tokens, sentence_tokens[pos]], noun
        pos += 1
    return tokens, label


# nationality words

@functools.lru_cache(maxsize=1)
def _morfeusz():
    """A Morfeusz 2 analyser (pl), or None when morfeusz2 is not installed."""
    try:
        import morfeusz2
    except ImportError:
        logger.warning("morfeusz2 is not installed: pl nationality words are not recognised")
        return None
    return morfeusz2.Morfeusz(expand_tags=False)


@functools.lru_cache(maxsize=65536)
def is_demonym(word: str, lang: str) -> bool:
    """Whether ``word`` is a nationality or inhabitant noun ("Polacy", "Niemców",
    "Rosjanie"; lt "Lietuviai", ro "Românii" when capitalised by position).

    pl: Morfeusz 2 (SGJP) reads it as a capitalised common noun (``nazwa_pospolita``, as
    the dictionary marks ethnonyms) and never as a geographic name, a person's name
    other than a surname, or an organisation. lt / ro write these words in lower case; one
    capitalised by position is left to the sentence-initial rule.
    """
    if lang != "pl" or not (word[:1].isupper() and word[1:].islower()):
        return False  # "SdRP", "PSL": acronyms are no nationality words
    morf = _morfeusz()
    if morf is None:
        return False
    ethnonym = False
    for _start, _end, (_orth, lemma, tag, names, _quals) in morf.analyse(word):
        if set(names) & {"nazwa_geograficzna", "imię", "nazwa_organizacji", "nazwa_obiektu",
                         "nazwa_wydarzenia"}:
            return False
        if lemma[:1].isupper() and tag.startswith("subst") and "nazwa_pospolita" in names:
            ethnonym = True
    return ethnonym


# applying the rules

def _native_labels(labels: dict[str, str | None]) -> dict[str, str]:
    """Actor label -> a native label of the model that maps to it (for relabelled spans)."""
    out: dict[str, str] = {}
    for native, actor in sorted(labels.items()):
        if actor:
            out[actor] = native  # the last in sorted order: placeName over geogName, LOC over GPE
    return out


def _rule_entities(ents: list[tuple[list, str]], sentence_tokens: list, lang: str,
                   labels: dict[str, str | None], rules: frozenset[str]
                   ) -> list[tuple[list, str]]:
    """Stanza's entities of one sentence after the span rules: a place split from the person
    name it runs into (``split_names``), a title after a name cut off (``name_title``), a
    Lithuanian name extended over its institution or street noun (``lt_institutions``)."""
    native = _native_labels(labels)
    out: list[tuple[list, str]] = []
    for tokens, ent_type in ents:
        actor = labels.get(ent_type)
        cut = _split_at_name(tokens, lang) if "split_names" in rules and actor else None
        parts = [(tokens, ent_type)] if cut is None else [
            (tokens[:cut], native.get("LOC", ent_type)),
            (tokens[cut:], native.get("PER", ent_type))]
        for part, part_type in parts:
            if "name_title" in rules and labels.get(part_type) == "PER":
                cut = _title_cut(part, lang)
                part = part if cut is None else part[:cut]
            if "lt_institutions" in rules and lang == "lt" and labels.get(part_type) in (
                    "LOC", "ORG"):
                part, new = _extend_lt_name(part, sentence_tokens)
                part_type = native.get(new, part_type) if new else part_type
            out.append((part, part_type))
    return out


def _late_rules(rows: list[dict], texts: Sequence[str], lang: str, common: frozenset[str],
                capitalised: dict[int, set[str]], rules: frozenset[str]) -> list[dict]:
    """The rules that need a whole text: mentions inside credits are dropped (``credits``),
    a common word that opens a sentence loses its actor label (``sentence_initial``)."""
    credits: dict[int, list[tuple[int, int]]] = {}
    kept = []
    for row in rows:
        t_idx = row["text_idx"]
        if "credits" in rules:
            if t_idx not in credits:
                credits[t_idx] = credit_spans(texts[t_idx])
            if _in_spans(row["start_char"], row["end_char"], credits[t_idx]):
                continue
        if ("sentence_initial" in rules and row["label"] and row["_initial"]
                and _common_initial(row["text"], row["lemma"], lang, common,
                                    capitalised.get(t_idx, set()))):
            row["label"] = None
        kept.append(row)
    return kept


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
    rules: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return the mentions table of :func:`annotate_texts` (all labels, actors or not)."""
    mentions, _ = annotate_texts(
        texts, lang, model_dir=model_dir, official=official, batch_size=batch_size,
        rules=rules,
    )
    return mentions
