"""Training data made here: sentence sampling, inline-marked annotations, agreement.

Annotators (and translators) write one item per line::

    <item_id><TAB><text with names marked as [[LABEL name]]>

for example ``ro_news:9f2c…:3\tPreședintele [[PER Klaus Iohannis]] a vizitat [[LOC Berlinul]].``
Removing the marks gives the sentence text; for annotated (not translated) items that text
must equal the source sentence exactly, which :func:`read_marked` checks. Labels are the
actor labels PER, ORG, LOC, EVT, PRO (guidelines: ``data/annotations/README.md``).

Items are JSON lines (see :func:`write_items`) that keep their origin: corpus, file, the
article or document id and the sentence number, and how the text was made (``annotated``
or ``translated`` from another item).
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("PER", "ORG", "LOC", "EVT", "PRO")
MARK_RE = re.compile(r"\[\[(PER|ORG|LOC|EVT|PRO) ([^\[\]]+?)\]\]")
# A sentence ends at . ! ? (or …) followed by space and an upper-case letter or a quote mark.
_SENT_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[\"„“«(A-ZĂÂÎȘȚŞŢÀ-ÖØ-Þ])")
_SPACE = re.compile(r"\s+")
_MID_CAPITAL = re.compile(r"\s[A-ZĂÂÎȘȚŞŢĄĆĘŁŃÓŚŹŻČĖĮŠŲŪŽ][\w-]")

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Item:
    """One sentence to annotate, with its origin."""

    item_id: str
    lang: str
    text: str
    corpus: str
    file: str
    doc: str
    sentence: int
    made: str = "annotated"
    source_item: str | None = None
    spans: tuple[Span, ...] = field(default=())

    def to_json(self) -> str:
        """Return the item as one JSON line (spans as ``[start, end, label]`` lists)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["spans"] = [list(s) for s in self.spans]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def clean_text(text: str) -> str:
    """Decode HTML entities, drop soft hyphens and zero-width characters, collapse spaces."""
    for _ in range(3):  # "&amp;nbsp;" is encoded twice
        text = html.unescape(text)
    text = re.sub("[\u00ad\u200b\u200c\u200d\ufeff]", "", text)
    return _SPACE.sub(" ", text).strip()


_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Cyrillic code pages that ro_news text was wrongly decoded with (seen in the corpus).
_MOJIBAKE_ENCODINGS = ("ptcp154", "iso8859_5", "mac_cyrillic")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text decoded with a Cyrillic code page (``sДғ`` → ``să``), as in ro_news.

    Word by word: a word holding Cyrillic letters is replaced when re-encoding it gives valid
    UTF-8 without Cyrillic letters; real Cyrillic words do not survive that round trip and
    stay as they are, and so do words already correct.
    """
    if not _CYRILLIC.search(text):
        return text

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if not _CYRILLIC.search(word):
            return word
        for encoding in _MOJIBAKE_ENCODINGS:
            try:
                fixed = word.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if not _CYRILLIC.search(fixed):
                return fixed
        return word

    return re.sub(r"\S+", fix, text)


def split_sentences(text: str) -> list[str]:
    """Split cleaned news text into sentences (a simple punctuation rule; enough to sample)."""
    return [s.strip() for s in _SENT_SPLIT.split(clean_text(text)) if s.strip()]


def _good_sentence(s: str, *, min_chars: int = 40, max_chars: int = 300) -> bool:
    if not (min_chars <= len(s) <= max_chars) or "[[" in s or "]]" in s:
        return False
    if "http" in s or "www." in s or "@" in s:
        return False
    letters = sum(ch.isalpha() for ch in s)
    return letters >= 0.6 * len(s)


def _pick(sentences: Sequence[str], rng: random.Random, k: int, with_name_share: float
          ) -> list[int]:
    """Pick up to ``k`` sentence numbers, mostly ones with a capitalised word mid-sentence."""
    good = [i for i, s in enumerate(sentences) if _good_sentence(s)]
    named = [i for i in good if _MID_CAPITAL.search(sentences[i])]
    plain = [i for i in good if i not in named]
    pool = named if (rng.random() < with_name_share and named) else (plain or named)
    return sorted(rng.sample(pool, min(k, len(pool))))


def sample_ro_news(corpora: Path, n: int, *, seed: int = 0, per_article: int = 1,
                   with_name_share: float = 0.8, skip_docs: Iterable[str] = ()) -> list[Item]:
    """Sample ``n`` sentences of ``ro_news`` articles (at most ``per_article`` each).

    Articles are shuffled with ``seed``; the item id is ``ro_news:<sha1(href)[:12]>:<k>``
    with ``k`` the sentence number in the cleaned article text.
    """
    import pandas as pd

    files = sorted((corpora / "ro_news" / "datasets").glob("*.parquet"))
    frames = [pd.read_parquet(f, columns=["href", "article_text"]).assign(file=f.name)
              for f in files]
    table = pd.concat(frames, ignore_index=True).dropna(subset=["article_text"])
    skip = set(skip_docs)
    order = list(range(len(table)))
    rng = random.Random(seed)
    rng.shuffle(order)
    items: list[Item] = []
    for row in order:
        rec = table.iloc[row]
        doc = hashlib.sha1(rec["href"].encode("utf-8")).hexdigest()[:12]
        if doc in skip:
            continue
        sents = split_sentences(rec["article_text"])
        for k in _pick(sents, rng, per_article, with_name_share):
            items.append(Item(f"ro_news:{doc}:{k}", "ro", sents[k], "ro_news", rec["file"],
                              rec["href"], k))
        skip.add(doc)  # the same article is stored twice in some years' files
        if len(items) >= n:
            break
    return items[:n]


def sample_pl_news(corpora: Path, n: int, *, seed: int = 0, per_article: int = 1,
                   with_name_share: float = 0.85) -> list[Item]:
    """Sample ``n`` sentences of ``pl_dated_news`` article bodies (header lines skipped)."""
    files = sorted((corpora / "pl_dated_news").glob("*/*.txt"))
    rng = random.Random(seed)
    rng.shuffle(files)
    items: list[Item] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        body = " ".join(lines[5:])
        sents = split_sentences(body)
        rel = path.relative_to(corpora / "pl_dated_news").as_posix()
        for k in _pick(sents, rng, per_article, with_name_share):
            items.append(Item(f"pl_dated_news:{rel}:{k}", "pl", sents[k], "pl_dated_news",
                              rel, lines[0].strip(), k))
        if len(items) >= n:
            break
    return items[:n]


def parse_marked(line: str) -> tuple[str, list[Span]]:
    """Return the plain text of a marked line and its spans ``(start, end, label)``.

    Raises
    ------
    ValueError
        If a ``[[`` or ``]]`` is left that is not part of a well-formed mark.
    """
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in MARK_RE.finditer(line):
        before = line[pos:m.start()]
        out.append(before)
        length += len(before)
        name = m.group(2)
        if name != name.strip():
            raise ValueError(f"space inside a mark's edge: {m.group(0)!r}")
        spans.append((length, length + len(name), m.group(1)))
        out.append(name)
        length += len(name)
        pos = m.end()
    out.append(line[pos:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise ValueError(f"malformed mark in: {line!r}")
    return text, spans


def render_marked(text: str, spans: Iterable[Span]) -> str:
    """Inverse of :func:`parse_marked`."""
    out, pos = [], 0
    for start, end, label in sorted(spans):
        out.append(text[pos:start])
        out.append(f"[[{label} {text[start:end]}]]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def read_marked(path: Path, items: dict[str, Item] | None = None
                ) -> tuple[dict[str, tuple[str, list[Span]]], list[str]]:
    """Read a marked file; return ``{item_id: (text, spans)}`` and a list of problems.

    With ``items``, an annotated item's text must equal its source text, and unknown ids
    are problems. A problem line is left out of the result (never silently: it is listed).
    """
    result: dict[str, tuple[str, list[Span]]] = {}
    problems: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item_id, sep, marked = line.partition("\t")
        where = f"{path.name}:{n}"
        if not sep:
            problems.append(f"{where}: no tab after the id")
            continue
        try:
            text, spans = parse_marked(marked.strip())
        except ValueError as err:
            problems.append(f"{where}: {err}")
            continue
        if items is not None:
            item = items.get(item_id)
            if item is None:
                problems.append(f"{where}: unknown id {item_id}")
                continue
            if item.made == "annotated" and text != item.text:
                problems.append(f"{where}: text differs from the source sentence")
                continue
        if item_id in result:
            problems.append(f"{where}: {item_id} annotated twice in one file set")
        result[item_id] = (text, spans)
    return result, problems


def agreement(a: dict[str, tuple[str, list[Span]]], b: dict[str, tuple[str, list[Span]]]
              ) -> dict[str, float]:
    """Exact-span-and-label agreement F1 of two annotations over the items both have.

    Items whose texts differ (two translations) are skipped and counted.
    """
    common = sorted(set(a) & set(b))
    tp = n_a = n_b = skipped = 0
    for item_id in common:
        (ta, sa), (tb, sb) = a[item_id], b[item_id]
        if ta != tb:
            skipped += 1
            continue
        sa_set, sb_set = set(sa), set(sb)
        tp += len(sa_set & sb_set)
        n_a += len(sa_set)
        n_b += len(sb_set)
    p = tp / n_b if n_b else 0.0
    r = tp / n_a if n_a else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"items": len(common) - skipped, "skipped": skipped, "spans_a": n_a,
            "spans_b": n_b, "agreed": tp, "f1": round(100 * f1, 2)}


def read_annotator(folder: Path, items: dict[str, Item] | None = None
                   ) -> tuple[dict[str, tuple[str, list[Span]]], list[str]]:
    """Read every ``batch_*.txt`` of one annotator's folder (see :func:`read_marked`)."""
    result: dict[str, tuple[str, list[Span]]] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("batch_*.txt")):
        part, probs = read_marked(path, items)
        result.update(part)
        problems += probs
    return result, problems


def disagreements(a: dict[str, tuple[str, list[Span]]], b: dict[str, tuple[str, list[Span]]]
                  ) -> list[str]:
    """Items both annotated whose spans differ, as ``<id>\tA: <marked>\tB: <marked>`` lines."""
    out = []
    for item_id in sorted(set(a) & set(b)):
        (ta, sa), (tb, sb) = a[item_id], b[item_id]
        if ta == tb and set(sa) != set(sb):
            out.append(f"{item_id}\tA: {render_marked(ta, sa)}\tB: {render_marked(tb, sb)}")
    return out


def final_spans(a: dict[str, tuple[str, list[Span]]], b: dict[str, tuple[str, list[Span]]],
                adjudicated: dict[str, tuple[str, list[Span]]]
                ) -> dict[str, tuple[str, list[Span], str]]:
    """The adjudicated dataset: agreed items as they are, disagreements as adjudicated.

    Returns ``{item_id: (text, spans, how)}`` with ``how`` ``"agreed"`` or
    ``"adjudicated"``; items only one annotator did, or disagreements not yet adjudicated,
    are left out.
    """
    out: dict[str, tuple[str, list[Span], str]] = {}
    for item_id in sorted(set(a) & set(b)):
        (ta, sa), (tb, sb) = a[item_id], b[item_id]
        if ta == tb and set(sa) == set(sb):
            out[item_id] = (ta, sorted(sa), "agreed")
        elif item_id in adjudicated:
            text, spans = adjudicated[item_id]
            out[item_id] = (text, sorted(spans), "adjudicated")
    return out


def cleaned(text: str, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """Repair mojibake and clean ``text`` (:func:`clean_text`), moving the spans with it."""
    fixed = clean_text(repair_mojibake(render_marked(text, spans)))
    return parse_marked(fixed)


def tokens_with_tags(text: str, spans: Sequence[Span]) -> list[tuple[str, str, bool]]:
    """Tokenise ``text`` (``training.data.TOKEN_RE``, split at span edges) with BIO tags.

    Returns ``(form, tag, space_after)`` triples.

    Raises
    ------
    ValueError
        If a span does not start and end on token boundaries after splitting.
    """
    from training.data import TOKEN_RE

    cuts = sorted({p for s in spans for p in s[:2]})
    pieces = []
    for m in TOKEN_RE.finditer(text):
        start = m.start()
        for cut in cuts:
            if m.start() < cut < m.end():
                pieces.append((start, cut))
                start = cut
        pieces.append((start, m.end()))
    out = []
    for i, (start, end) in enumerate(pieces):
        tag = "O"
        for s_start, s_end, label in spans:
            if s_start <= start and end <= s_end:
                tag = ("B-" if start == s_start else "I-") + label
        nxt = pieces[i + 1][0] if i + 1 < len(pieces) else len(text)
        out.append((text[start:end], tag, nxt > end))
    starts = {p[0] for p in pieces}
    ends = {p[1] for p in pieces}
    for s_start, s_end, label in spans:
        if s_start not in starts or s_end not in ends:
            raise ValueError(f"span {text[s_start:s_end]!r} ({label}) is not on token edges")
    return out


def write_items(items: Iterable[Item], path: Path) -> int:
    """Write items as JSON lines; return the count."""
    lines = [it.to_json() for it in items]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def read_items(path: Path) -> list[Item]:
    """Read items written by :func:`write_items`."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            data["spans"] = tuple(tuple(s) for s in data.get("spans", []))
            out.append(Item(**data))
    return out


def write_batches(items: Sequence[Item], folder: Path, *, size: int = 100) -> list[Path]:
    """Write plain ``<id>\\t<text>`` batch files for annotators; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b in range(0, len(items), size):
        path = folder / f"batch_{b // size + 1:03d}.txt"
        path.write_text("".join(f"{it.item_id}\t{it.text}\n" for it in items[b:b + size]),
                        encoding="utf-8")
        paths.append(path)
    return paths


def check_file(path: Path, items_path: Path, *, batch: Path | None = None,
               same_text: bool = False) -> list[str]:
    """Problems of one returned batch file (empty list: fine).

    Annotated items must reproduce their text; a translation (``lt:<source id>``) must name
    a known source. With ``batch``, every id of the batch must be answered exactly once; with
    ``same_text`` too, each answer's plain text must equal the batch line's text (a second
    annotation of translated text).
    """
    items = {it.item_id: it for it in read_items(items_path)}
    translated = {f"lt:{k}": Item(f"lt:{k}", "lt", "", it.corpus, it.file, it.doc,
                                  it.sentence, "translated", k) for k, it in items.items()}
    result, problems = read_marked(path, {**items, **translated})
    if batch is not None:
        wanted = [line.split("\t", 1)[0].removeprefix("lt:") for line in
                  batch.read_text(encoding="utf-8").splitlines() if line.strip()]
        got = set(result)
        answered = {k.removeprefix("lt:") for k in got}
        missing = [w for w in wanted if w not in answered]
        problems += [f"missing: {w}" for w in missing]
        if same_text:
            texts = dict(line.split("\t", 1) for line in
                         batch.read_text(encoding="utf-8").splitlines() if "\t" in line)
            problems += [f"text differs from the batch: {k}" for k, (text, _) in result.items()
                         if k in texts and texts[k] != text]
    return problems


def build_gold(folder: Path, *, items_name: str = "items.jsonl",
               a_dirs: Sequence[str] = ("annotator_a",),
               b_dirs: Sequence[str] = ("annotator_b",),
               adjudicated_name: str = "adjudicated.txt") -> tuple[list[Item], dict[str, float]]:
    """The adjudicated items of one data folder, cleaned, with their origin and how made.

    ``a_dirs`` / ``b_dirs``: folders of the first and second annotation (for translations
    the translators' folders are A); later folders fill items the earlier ones lack.
    Returns the items (``spans`` filled, text repaired and cleaned, ``made`` ``annotated``
    or ``translated``) and the agreement of A and B (:func:`agreement`).
    """
    sources = {}
    for it in read_items(folder / items_name):
        sources.setdefault(it.item_id, it)

    def merged(names: Sequence[str]) -> dict[str, tuple[str, list[Span]]]:
        out: dict[str, tuple[str, list[Span]]] = {}
        for name in names:
            if (folder / name).is_dir():
                part, _problems = read_annotator(folder / name)
                out.update({k: v for k, v in part.items() if k not in out})
        return out

    a, b = merged(a_dirs), merged(b_dirs)
    adjudicated = {}
    if (folder / adjudicated_name).is_file():
        adjudicated, _problems = read_marked(folder / adjudicated_name)
    final = final_spans(a, b, adjudicated)
    gold = []
    for item_id, (text, spans, _how) in sorted(final.items()):
        src = sources[item_id.removeprefix("lt:")]
        text, spans = cleaned(text, spans)
        translated = item_id.startswith("lt:")
        gold.append(Item(item_id, "lt" if translated else src.lang, text, src.corpus, src.file,
                         src.doc, src.sentence, "translated" if translated else "annotated",
                         src.item_id if translated else None, tuple(spans)))
    score = agreement(a, b)
    score["adjudicated"] = sum(1 for _, _, how in final.values() if how == "adjudicated")
    score["gold_items"] = len(gold)
    return gold, score


def gold_sentences(path: Path) -> list[list[tuple[str, str, bool]]]:
    """The items of a gold file as token sentences ``(form, BIO tag, space_after)``."""
    return [tokens_with_tags(it.text, it.spans) for it in read_items(path)]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m training.annotation check FILE --items ITEMS [--batch BATCH]`` or
    ``python -m training.annotation build FOLDER [--translated]`` (writes ``gold.jsonl``)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m training.annotation")
    sub = parser.add_subparsers(dest="cmd", required=True)
    check = sub.add_parser("check", help="check a returned batch file")
    check.add_argument("file", type=Path)
    check.add_argument("--items", type=Path, required=True)
    check.add_argument("--batch", type=Path)
    check.add_argument("--same-text", action="store_true",
                       help="the marked text must equal the batch text (second annotations)")
    build = sub.add_parser("build", help="write FOLDER/gold.jsonl from the annotations")
    build.add_argument("folder", type=Path)
    build.add_argument("--translated", action="store_true",
                       help="translations: items in sources.jsonl, A = translator_*, "
                            "B = annotator_b*")
    args = parser.parse_args(argv)
    if args.cmd == "build":
        kw = {}
        if args.translated:
            kw = {"items_name": "sources.jsonl",
                  "a_dirs": sorted(p.name for p in args.folder.glob("translator_*")),
                  "b_dirs": sorted(p.name for p in args.folder.glob("annotator_b*"))}
        gold, score = build_gold(args.folder, **kw)
        write_items(gold, args.folder / "gold.jsonl")
        (args.folder / "agreement.json").write_text(
            json.dumps(score, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(json.dumps(score, sort_keys=True))
        return 0
    problems = check_file(args.file, args.items, batch=args.batch, same_text=args.same_text)
    for p in problems:
        print(p)
    print(f"{args.file}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
