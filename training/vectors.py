"""Word vectors (gensim word2vec) trained on the corpora's raw text, saved as a Stanza pretrain.

Stanza's NER lowercases words before the pretrained-vocabulary lookup, so the
vectors are trained on lowercased tokens. The vocabulary and dimension are
capped so the ``.pt`` stays under the 16 MiB per-file limit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from training import data
from training.data import TOKEN_RE
from training.paths import corpora_dir, work_dir

logger = logging.getLogger(__name__)



def simple_tokens(text: str) -> list[str]:
    """Lowercased word / punctuation tokens of ``text``.

    Parameters
    ----------
    text : str
        Raw text.

    Returns
    -------
    list of str
        Tokens.

    Examples
    --------
    >>> simple_tokens("Pan Kowalski, (PiS) s-a dus.")
    ['pan', 'kowalski', ',', '(', 'pis', ')', 's-a', 'dus', '.']
    """
    return [t.lower() for t in TOKEN_RE.findall(text)]


def _conllu_forms(path: Path) -> Iterator[list[str]]:
    with data.open_text(path) as fh:
        for block in data.read_conllu_sentences(fh):
            forms = [
                line.split("\t")[1].lower()
                for line in block.split("\n")
                if line and not line.startswith("#") and line.split("\t")[0].isdigit()
            ]
            if forms:
                yield forms


def _paragraphs(text: str) -> Iterator[list[str]]:
    for para in text.split("\n"):
        toks = simple_tokens(para)
        if toks:
            yield toks


def raw_sentences(lang: str, corpora: Path | None = None) -> Iterator[list[str]]:
    """Yield tokenized, lowercased raw-text units for ``lang``.

    pl: NKJP tokens, SlavicNER raw Polish texts, pl_dated_news texts.
    lt: every Lithuanian token we have (ALKSNIS, HSE, lt_ner).
    ro: ro_news ``title``/``description``/``article_text``, RONEC v1, RRT.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    corpora : Path, optional
        Corpora root.

    Yields
    ------
    list of str
        One sentence or paragraph.
    """
    root = corpora_dir(corpora)
    if lang == "pl":
        with data.open_text(root / "pl_nkjp" / "nkjp-nested-simplified-v2.iob.gz") as fh:
            for _, sent in data.read_nkjp_iob(fh):
                yield [t.form.lower() for t in sent]
        for path in sorted((root / "slavicner" / "raw").glob("*/pl/*.txt")):
            yield from _paragraphs(path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted((root / "pl_dated_news").rglob("*.txt")):
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            yield from _paragraphs("\n".join(lines[4:]))  # skip id, lang, date, url
        for path in sorted((root / "ud").glob("UD_Polish-*/*.conllu")):
            yield from _conllu_forms(path)
    elif lang == "lt":
        for path in sorted((root / "ud").glob("UD_Lithuanian-*/*.conllu")):
            yield from _conllu_forms(path)
        for path in sorted((root / "lt_ner").glob("*.bio")):
            with data.open_text(path) as fh:
                for _, sent in data.read_bio(fh):
                    yield [t.form.lower() for t in sent]
    elif lang == "ro":
        import pyarrow.parquet as pq

        for path in sorted((root / "ro_news" / "datasets").glob("*.parquet")):
            table = pq.read_table(path, columns=["title", "description", "article_text"])
            for col in ("title", "description", "article_text"):
                for text in table.column(col).to_pylist():
                    if text:
                        yield from _paragraphs(text)
        with data.open_text(root / "ro_ronec" / "v1" / "ronec_v1_minus_v2test.conllup.gz") as fh:
            for _, sent in data.read_ronec_conllup(fh):
                yield [t.form.lower() for t in sent]
        for path in sorted((root / "ud").glob("UD_Romanian-*/*.conllu")):
            yield from _conllu_forms(path)
    else:
        raise ValueError(f"unknown language {lang!r}")


def train_vectors(
    lang: str,
    *,
    corpora: Path | None = None,
    workdir: Path | None = None,
    dim: int = 80,
    max_vocab: int = 45000,
    min_count: int = 2,
    epochs: int = 5,
    workers: int = 1,
    seed: int = 1234,
) -> Path:
    """Train word2vec (skip-gram) on the raw text of ``lang`` and save a Stanza pretrain.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    corpora, workdir : Path, optional
        Corpora root and work folder.
    dim : int
        Vector dimension.
    max_vocab : int
        Most frequent words kept in the pretrain.
    min_count : int
        Minimum word frequency for word2vec.
    epochs : int
        Passes over the text (small corpora get more, up to 30).
    workers : int
        gensim worker threads.
    seed : int
        Random seed.

    Returns
    -------
    Path
        ``<workdir>/vectors/<lang>_w2v.pt`` (Stanza pretrain).
    """
    from gensim.models import Word2Vec
    from stanza.models.common.pretrain import Pretrain

    workdir = work_dir(workdir)
    out_dir = workdir / "vectors"
    out_dir.mkdir(parents=True, exist_ok=True)
    sentences = list(raw_sentences(lang, corpora))
    n_tokens = sum(len(s) for s in sentences)
    if n_tokens < 1_000_000:
        epochs = max(epochs, min(30, int(5_000_000 / max(n_tokens, 1))))
    logger.info("%s: %d units, %d tokens, %d epochs", lang, len(sentences), n_tokens, epochs)
    model = Word2Vec(
        sentences=sentences,
        vector_size=dim,
        window=5,
        min_count=min_count,
        sg=1,
        negative=5,
        epochs=epochs,
        workers=workers,
        seed=seed,
        max_final_vocab=max_vocab,
    )
    txt = out_dir / f"{lang}_w2v.txt"
    _write_word2vec_text(model.wv, txt, max_vocab)
    pt = out_dir / f"{lang}_w2v.pt"
    if pt.exists():
        pt.unlink()
    Pretrain(str(pt), str(txt), max_vocab=max_vocab).load()
    return pt


def _write_word2vec_text(wv, path: Path, max_vocab: int) -> None:
    words: Iterable[str] = wv.index_to_key[:max_vocab]
    words = [w for w in words if w and not any(c.isspace() for c in w)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{len(words)} {wv.vector_size}\n")
        for word in words:
            vec = " ".join(f"{x:.5f}" for x in wv[word])
            fh.write(f"{word} {vec}\n")
