"""Topic clusters over time, across languages.

A document becomes a vector of two blocks, both TF-IDF weighted and L2-normalised:

``words``
    Lower-cased word tokens (the Stanza lemmas of the ``sentences`` table when a document has
    them, else the words of its text) reduced to a cross-language *key*: diacritics folded,
    a few spelling conventions of the Slavic and Baltic orthographies unified (``sz``→``s``,
    ``cz``→``c``, ``rz``→``r``, ``ch``→``h``, ``w``→``v``, ``y``→``i``, ``ł``→``l``) and
    the result truncated to ``stem_len`` characters. Truncation is a crude but fast stemmer
    for inflected languages (``Łukaszenki``/``Lukašenko`` → ``lukase``), and the shared keys
    put names, loanwords and cognates written in Latin script (``brexit``, ``trump``,
    ``ryanair``, ``koronavirus``, ``referendum``) into the same columns for every language.
``actors``
    The language-independent ``entity_id`` of every mention of the document (from the
    ``mentions`` table), weighted by ``actor_weight``.

The vectors are reduced with a truncated SVD (LSA); then each language's mean vector is
subtracted (languages with at least ``min_lang_docs`` documents), which removes the direction
that only says "this is Polish" or "this is Czech", and the rows are L2-normalised. K-means
with ``n_init`` restarts clusters the result; topic ids are ordered by size (0 is the
largest). Soft memberships are a softmax of minus the squared distances to the centres.

Measured numbers (Polish and Czech shared-task articles, 26k Romanian articles) and the
commands that produced them are in ``docs/topics.md``.

Functions
---------
document_features
    documents (+ sentences, mentions) → one row per document with ``tokens`` and ``actors``.
TopicModel
    The scikit-learn-style estimator (``fit``/``transform``/``predict``).
topics_over_time
    Calendar bins of topic counts and their share of the period's documents.
topic_tables
    The pipeline hook: every topic table of :mod:`analysis.schemas`.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from analysis import schemas

logger = logging.getLogger(__name__)

__all__ = [
    "TopicModel",
    "auto_n_topics",
    "document_features",
    "term_key",
    "topic_tables",
    "topics_over_time",
]

_WORD_RE = re.compile(r"[^\W\d_]+")
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("sz", "s"), ("cz", "c"), ("rz", "r"), ("ch", "h"), ("w", "v"), ("y", "i"), ("q", "k"),
)  # fmt: skip
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d",
                          "ı": "i", "ħ": "h"})  # fmt: skip

#: Calendar bins accepted by :func:`topics_over_time` → pandas period alias.
_PERIODS: dict[str, str] = {
    "D": "D", "day": "D",
    "W": "W-SUN", "W-MON": "W-SUN", "week": "W-SUN",
    "MS": "M", "M": "M", "ME": "M", "month": "M",
    "QS": "Q", "Q": "Q", "QE": "Q", "quarter": "Q",
    "YS": "Y", "Y": "Y", "YE": "Y", "AS": "Y", "A": "Y", "year": "Y",
}  # fmt: skip

#: Function words (and a few reporting verbs) never *shown* as topic terms, per language,
#: as written or as lemmas. They still count in the clustering.
_DISPLAY_STOPWORDS: dict[str, frozenset[str]] = {
    "pl": frozenset("""
        być jest są był była było były mieć ma mają się nie który która które którego których
        ten tego tej tym tych temu ta to oraz lub czy dla przez przy pod nad bez tak już także też
        jego jej ich aby żeby gdy kiedy jaki jak swój sobie bardzo tylko jeszcze może móc musieć
        chcieć zostać został została zostały wszystko ale więc jednak według przed między po od
        powiedzieć mówić dodać nasz wasz kto
    """.split()),
    "lt": frozenset("""
        kad bet kaip yra buvo būti tai jis jie jos jų savo apie prie nuo dėl tik dar jau kuris kuri
        kurie kurios kurių šis tas taip nes arba bei net kai kur kas sakyti teigti turėti galėti
        per
    """.split()),
    "ro": frozenset("""
        care din pentru este sunt fost avea acest această acesta aceste acestea cea cel cele cei
        mai sau dar iar lui său sale fie până după spre prin către între despre când unde cum fără
        ale unei unui însă doar foarte poate face are avut vor fiind astfel decât deja totuși încă
        numai deși acum atunci nici spune declarat
    """.split()),
    "cs": frozenset("""
        jsou který která které tento této toto tato tyto ale pro při jeho její jejich také když
        jako podle před mezi však nebo než jen ještě může bude byl byla bylo byli své svůj což
        tedy kde kdy
    """.split()),
}

#: Document statuses whose rows :func:`topic_tables` models (the pipeline's processable ones).
_MODELLED_STATUSES = ("ok", "truncated")

Freq = Literal["D", "W", "MS", "day", "week", "month"]


# ------------------------------------------------------------------------------------ features
@lru_cache(maxsize=500_000)
def term_key(word: str, stem_len: int | None = 6) -> str:
    """Return the cross-language key of one word.

    Lower-cases, folds diacritics, unifies a few Slavic/Baltic spelling conventions and keeps
    the first ``stem_len`` characters (all when ``None``).

    Examples
    --------
    >>> term_key("Łukaszenki"), term_key("Lukašenko")
    ('lukase', 'lukase')
    >>> term_key("Prezydent", None), term_key("prezident", None)
    ('prezident', 'prezident')
    """
    word = word.lower().translate(_LETTERS)
    word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    for old, new in _DIGRAPHS:
        word = word.replace(old, new)
    return word[:stem_len] if stem_len else word


def _text_tokens(text: str) -> str:
    return " ".join(m.group().lower() for m in _WORD_RE.finditer(text))


def document_features(
    documents: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    sentences: pd.DataFrame | None = None,
    text_column: str = "text",
) -> pd.DataFrame:
    """Return the model input: one row per document with its word tokens and actor ids.

    Does not mutate its inputs.

    Parameters
    ----------
    documents
        Needs ``doc_id``; ``lang`` (missing → ``"und"``); ``text_column`` unless every
        document has rows in ``sentences``.
    mentions
        Optional; ``doc_id, entity_id`` (rows without an ``entity_id`` are skipped).
    sentences
        Optional; ``doc_id, sentence_idx, lemmas``. A document with sentences uses their
        lemmas instead of the words of its text.
    text_column
        Column holding the document text.

    Returns
    -------
    DataFrame
        ``doc_id, lang, tokens, actors``: ``tokens`` the lower-cased words (or lemmas),
        space-separated, letters only; ``actors`` the entity ids of its mentions,
        space-separated, in text order. Rows in the order of ``documents``.
    """
    schemas.require(documents, ["doc_id"], where="document_features")
    doc_ids = documents["doc_id"].astype("string")
    lemmas: dict[str, str] = {}
    if sentences is not None and len(sentences):
        schemas.require(sentences, ["doc_id", "lemmas"], where="document_features")
        order = [c for c in ("doc_id", "sentence_idx") if c in sentences.columns]
        sent = sentences.sort_values(order, kind="stable")
        joined = sent.assign(lemmas=sent["lemmas"].fillna("").astype(str)).groupby(
            sent["doc_id"].astype(str), sort=False)["lemmas"].agg(" ".join)
        lemmas = {k: _text_tokens(v) for k, v in joined.items() if v.strip()}
    missing_text = [d for d in doc_ids if d not in lemmas]
    if missing_text:
        schemas.require(documents, [text_column], where="document_features")
        texts = documents[text_column].fillna("").astype(str)
        tokens = [lemmas[d] if d in lemmas else _text_tokens(t)
                  for d, t in zip(doc_ids, texts, strict=True)]
    else:
        tokens = [lemmas[d] for d in doc_ids]
    actors: dict[str, str] = {}
    if mentions is not None and len(mentions):
        schemas.require(mentions, ["doc_id", "entity_id"], where="document_features")
        order = [c for c in ("doc_id", "start_char") if c in mentions.columns]
        ments = mentions.dropna(subset=["entity_id"]).sort_values(order, kind="stable")
        actors = ments.groupby(ments["doc_id"].astype(str), sort=False)["entity_id"].agg(
            lambda s: " ".join(str(e).replace(" ", "_") for e in s)).to_dict()
    langs = (documents["lang"] if "lang" in documents.columns
             else pd.Series("und", index=documents.index))
    return pd.DataFrame({
        "doc_id": doc_ids.reset_index(drop=True),
        "lang": langs.fillna("und").astype("string").reset_index(drop=True),
        "tokens": pd.Series(tokens, dtype="string"),
        "actors": pd.Series([actors.get(d, "") for d in doc_ids], dtype="string"),
    })  # fmt: skip


def auto_n_topics(n_docs: int) -> int:
    """Return the default number of topics for a corpus of ``n_docs`` documents.

    ``round(sqrt(n_docs / 10))`` clipped to 2…40 (and to ``n_docs``): 5 documents → 2,
    900 → 9, 26,000 → 40.

    Examples
    --------
    >>> [auto_n_topics(n) for n in (0, 1, 5, 900, 26000)]
    [0, 1, 2, 9, 40]
    """
    if n_docs <= 1:
        return max(n_docs, 0)
    return int(min(n_docs, max(2, min(40, math.floor(math.sqrt(n_docs / 10) + 0.5)))))


# --------------------------------------------------------------------------------------- model
class TopicModel(BaseEstimator, TransformerMixin):
    """Cross-language topic clusters: TF-IDF words + actors → LSA → language centring → k-means.

    A scikit-learn estimator (``get_params``, ``set_params``, ``clone``): ``__init__`` only
    stores parameters; :meth:`fit` learns everything and keeps no training matrix (only the
    fitted vectorizers, SVD, language means, centres and the training labels).

    Parameters
    ----------
    n_topics
        Number of topics; ``None`` → :func:`auto_n_topics` of the number of documents.
    n_components
        LSA dimensions (capped by the corpus).
    stem_len
        Characters kept of each word key (``None`` keeps whole words); see :func:`term_key`.
    min_df, max_df
        Document-frequency limits of the vocabularies (corpora under 20 documents use 1 and
        1.0, so tiny samples still get features).
    actor_weight
        Weight of the actor block relative to the word block (0 ignores actors).
    center_languages
        Subtract each language's mean LSA vector (languages with ``min_lang_docs`` or more).
    min_lang_docs
        Fewest documents for a language to be centred.
    n_init
        K-means restarts (the lowest-inertia run is kept).
    temperature
        Softness of :meth:`transform` (smaller → closer to hard assignments).
    seed
        Seed of the SVD and k-means.

    Attributes
    ----------
    n_topics_ : int
    word_vectorizer_, actor_vectorizer_ : TfidfVectorizer or None
    svd_ : TruncatedSVD or None
    lang_means_ : dict[str, numpy.ndarray]
    cluster_centers_ : numpy.ndarray, shape (n_topics_, n_dims)
    labels_ : numpy.ndarray
        Topic of every training document.
    term_forms_ : dict[tuple[str, str], str]
        (lang, key) → most frequent written form, for display.
    """

    def __init__(
        self,
        n_topics: int | None = None,
        *,
        n_components: int = 100,
        stem_len: int | None = 6,
        min_df: int | float = 2,
        max_df: float = 0.5,
        actor_weight: float = 1.0,
        center_languages: bool = True,
        min_lang_docs: int = 10,
        n_init: int = 10,
        temperature: float = 0.05,
        seed: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.n_components = n_components
        self.stem_len = stem_len
        self.min_df = min_df
        self.max_df = max_df
        self.actor_weight = actor_weight
        self.center_languages = center_languages
        self.min_lang_docs = min_lang_docs
        self.n_init = n_init
        self.temperature = temperature
        self.seed = seed

    # -- helpers
    def _keys(self, tokens: str) -> list[str]:
        return [term_key(w, self.stem_len) for w in tokens.split() if len(w) >= 3]

    def _check(self, features: pd.DataFrame, where: str) -> None:
        schemas.require(features, ["doc_id", "lang", "tokens"], where=where)

    def _matrix(self, features: pd.DataFrame) -> sparse.csr_matrix:
        from sklearn.preprocessing import normalize

        words = self.word_vectorizer_.transform(
            [self._keys(t) for t in features["tokens"].fillna("").astype(str)])
        blocks = [normalize(words)]
        if self.actor_vectorizer_ is not None:
            acts = self.actor_vectorizer_.transform(_actor_lists(features))
            blocks.append(self.actor_weight * normalize(acts))
        return normalize(sparse.hstack(blocks).tocsr())

    def _embed(self, features: pd.DataFrame, matrix: sparse.csr_matrix) -> np.ndarray:
        from sklearn.preprocessing import normalize

        z = self.svd_.transform(matrix) if self.svd_ is not None else matrix.toarray()
        z = np.asarray(z, dtype="float64")
        langs = features["lang"].fillna("und").astype(str).to_numpy()
        for lang, mean in self.lang_means_.items():
            z[langs == lang] -= mean
        return normalize(z)

    # -- API
    def fit(self, features: pd.DataFrame, y: None = None) -> TopicModel:
        """Learn vocabularies, LSA, language means and topic centres from ``features``.

        See :meth:`_fit`; returns ``self``.
        """
        self._fit(features)
        return self

    def _fit(self, features: pd.DataFrame) -> np.ndarray:
        """Learn vocabularies, LSA, language means and topic centres from ``features``.

        Parameters
        ----------
        features
            :func:`document_features` output: ``doc_id, lang, tokens`` and optional
            ``actors``. Not mutated.
        y
            Ignored.

        Returns
        -------
        numpy.ndarray
            The embedding of the training documents (not kept on the model).
        """
        from sklearn.cluster import KMeans
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._check(features, "TopicModel.fit")
        n_docs = len(features)
        if n_docs == 0:
            raise ValueError("TopicModel.fit: no documents")
        small = n_docs < 20
        min_df, max_df = (1, 1.0) if small else (self.min_df, self.max_df)
        keys = [self._keys(t) for t in features["tokens"].fillna("").astype(str)]
        self.term_forms_ = _term_forms(features, self.stem_len)
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=_identity, min_df=min_df, max_df=max_df, sublinear_tf=True, dtype=np.float64)
        try:
            self.word_vectorizer_.fit(keys)
        except ValueError:  # no term survives the limits: keep every term
            self.word_vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit(
                [k or ["<empty>"] for k in keys])
        self.actor_vectorizer_ = None
        if self.actor_weight > 0 and "actors" in features.columns:
            acts = _actor_lists(features)
            if any(acts):
                try:
                    self.actor_vectorizer_ = TfidfVectorizer(
                        analyzer=_identity, min_df=min_df, max_df=1.0, sublinear_tf=True,
                        dtype=np.float64).fit(acts)
                except ValueError:
                    self.actor_vectorizer_ = None
        matrix = self._matrix(features)
        dims = min(self.n_components, matrix.shape[1] - 1, n_docs - 1)
        self.svd_ = (TruncatedSVD(dims, random_state=self.seed).fit(matrix) if dims >= 2
                     else None)  # fmt: skip
        self.lang_means_ = {}
        if self.center_languages:
            z = self.svd_.transform(matrix) if self.svd_ is not None else matrix.toarray()
            langs = features["lang"].fillna("und").astype(str)
            counts = langs.value_counts()
            for lang in sorted(counts.index[counts >= self.min_lang_docs]):
                self.lang_means_[lang] = np.asarray(z[(langs == lang).to_numpy()].mean(axis=0))
        z = self._embed(features, matrix)
        k = self.n_topics if self.n_topics is not None else auto_n_topics(n_docs)
        k = int(max(1, min(k, n_docs)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate points in tiny corpora
            km = KMeans(k, n_init=self.n_init, random_state=self.seed).fit(z)
        # topic ids by size (largest first), ties by first document
        labels = km.labels_
        sizes = np.bincount(labels, minlength=k)
        first = np.array([np.flatnonzero(labels == c)[0] if sizes[c] else n_docs
                          for c in range(k)])  # fmt: skip
        order = sorted(range(k), key=lambda c: (-sizes[c], first[c]))
        remap = np.empty(k, dtype=int)
        remap[order] = np.arange(k)
        self.cluster_centers_ = km.cluster_centers_[order]
        self.labels_ = remap[labels]
        self.n_topics_ = k
        return z

    def _check_fitted(self) -> None:
        if not hasattr(self, "cluster_centers_"):
            raise RuntimeError("TopicModel is not fitted yet; call fit first")

    def transform(self, features: pd.DataFrame) -> np.ndarray:
        """Return topic memberships, shape ``(n_docs, n_topics_)``, rows summing to 1.

        Softmax of minus the squared distance to each topic centre divided by
        ``temperature``; the arg-max is :meth:`predict`.
        """
        self._check_fitted()
        self._check(features, "TopicModel.transform")
        if not len(features):
            return np.zeros((0, self.n_topics_))
        return self._soft(self._embed(features, self._matrix(features)))

    def _soft(self, z: np.ndarray) -> np.ndarray:
        d2 = ((z[:, None, :] - self.cluster_centers_[None, :, :]) ** 2).sum(axis=2)
        logits = -d2 / max(self.temperature, 1e-9)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Return the topic id of every document (nearest centre)."""
        return self.transform(features).argmax(axis=1) if len(features) else np.zeros(0, int)

    def fit_transform(self, features: pd.DataFrame, y: None = None) -> np.ndarray:
        """Fit, then return the memberships of the training documents."""
        return self._soft(self._fit(features))

    def embed(self, features: pd.DataFrame) -> np.ndarray:
        """Documents in the model's normalised, language-centred LSA space."""
        self._check_fitted()
        self._check(features, "TopicModel.embed")
        return self._embed(features, self._matrix(features))

    def topic_terms(self, features: pd.DataFrame, *, n_terms: int = 10,
                    name_words: dict[str, set[str]] | None = None) -> pd.DataFrame:
        """Return the top words per topic and language, and the top actor ids (lang ``xx``).

        A term's weight is its mean TF-IDF over the topic's training documents of that
        language minus its mean over all training documents of that language (so words
        common to every topic drop out). Where all of a language's documents are in the
        topic (or there is one topic) there is nothing to contrast with, and the plain mean
        is used. Only positive weights are kept, and common function words are not shown.
        The term shown is the key's most frequent written form in that language.

        Parameters
        ----------
        features
            The table the model was fitted on.
        n_terms
            Terms per (topic, language).
        name_words
            Per language, words of actor names (as written, lemmas or base forms) that are
            not shown as word terms: their actors are shown, once for every language, in
            the ``xx`` rows.

        Returns
        -------
        DataFrame
            ``topic_terms`` schema, sorted by topic, language, rank.
        """
        self._check_fitted()
        self._check(features, "TopicModel.topic_terms")
        if len(features) != len(self.labels_):
            raise ValueError("TopicModel.topic_terms: pass the table the model was fitted on")
        from sklearn.preprocessing import normalize

        words = normalize(self.word_vectorizer_.transform(
            [self._keys(t) for t in features["tokens"].fillna("").astype(str)]))
        vocab = self.word_vectorizer_.get_feature_names_out()
        langs = features["lang"].fillna("und").astype(str).to_numpy()
        acts = (normalize(self.actor_vectorizer_.transform(_actor_lists(features)))
                if self.actor_vectorizer_ is not None else None)
        contrast = self.n_topics_ > 1
        lang_means = {lang: _col_mean(words[langs == lang]) if contrast else 0.0
                      for lang in set(langs)}  # fmt: skip
        act_mean = _col_mean(acts) if acts is not None and contrast else 0.0
        hidden = {lang: {term_key(w, self.stem_len) for w in words}
                  for lang, words in (name_words or {}).items()}  # fmt: skip
        shown = {lang: np.array([term_key(self.term_forms_.get((lang, key), key), None)
                                 not in _STOP_KEYS.get(lang, ())
                                 and key not in hidden.get(lang, ()) for key in vocab],
                                dtype=bool)
                 for lang in set(langs)}  # fmt: skip
        rows: list[dict] = []
        for topic in range(self.n_topics_):
            in_topic = self.labels_ == topic
            for lang in sorted(set(langs[in_topic])):
                mask = in_topic & (langs == lang)
                outside = bool(((langs == lang) & ~in_topic).any())
                base = lang_means[lang] if outside else 0.0
                rows += _top_rows(np.where(shown[lang], _col_mean(words[mask]) - base, 0.0), vocab,
                                  topic, lang, n_terms,
                                  lambda key, lang=lang: self.term_forms_.get((lang, key), key))
            if acts is not None:
                rows += _top_rows(_col_mean(acts[in_topic]) - act_mean,
                                  self.actor_vectorizer_.get_feature_names_out(), topic, "xx",
                                  n_terms, lambda key: key)
        table = schemas.conform(pd.DataFrame(rows), "topic_terms") if rows else schemas.empty(
            "topic_terms")
        return table.sort_values(["topic_id", "lang", "rank"]).reset_index(drop=True)


_STOP_KEYS = {lang: frozenset(term_key(w, None) for w in words)
              for lang, words in _DISPLAY_STOPWORDS.items()}  # fmt: skip


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _actor_lists(features: pd.DataFrame) -> list[list[str]]:
    if "actors" not in features.columns:
        return [[] for _ in range(len(features))]
    return [str(a).split() for a in features["actors"].fillna("")]


def _term_forms(features: pd.DataFrame, stem_len: int | None) -> dict[tuple[str, str], str]:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for lang, tokens in zip(features["lang"].fillna("und").astype(str),
                            features["tokens"].fillna("").astype(str), strict=True):  # fmt: skip
        for word, n in Counter(w for w in tokens.split() if len(w) >= 3).items():
            counts[(lang, term_key(word, stem_len))][word] += n
    return {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in counts.items()}


def _col_mean(block) -> np.ndarray:
    if block.shape[0] == 0:
        return np.zeros(block.shape[1])
    return np.asarray(block.mean(axis=0)).ravel()


def _top_rows(mean: np.ndarray, vocab, topic: int, lang: str, n: int, show) -> list[dict]:
    top = [i for i in np.lexsort((vocab, -mean))[:n] if mean[i] > 0]
    return [{"topic_id": topic, "lang": lang, "term": show(vocab[i]), "weight": float(mean[i]),
             "rank": r} for r, i in enumerate(top, start=1)]  # fmt: skip


# ------------------------------------------------------------------------------- over time
def topics_over_time(
    doc_topics: pd.DataFrame,
    *,
    freq: str = "MS",
    by: str | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Count each topic's documents per calendar period and their share of the period.

    ``share`` is the topic's share of *all* documents of the period (and group), so the
    shares of one period add up to 1 and periods are comparable — not a per-topic
    normalisation. Bins are calendar days, weeks (Monday first), months, quarters or years,
    labelled by their first day. Every period between the first and the last dated document
    appears, with ``n_docs_period = 0`` and ``share`` missing where a period has no documents.
    Documents without ``published_at`` are left out. Does not mutate ``doc_topics``.

    Parameters
    ----------
    doc_topics
        Needs ``doc_id, topic_id, published_at``, and the ``by`` column when given. One row
        per document (as :func:`topic_tables` makes it); a document listed twice counts twice.
    freq
        ``"D"``/``"day"``, ``"W"``/``"W-MON"``/``"week"``, ``"MS"``/``"M"``/``"month"``,
        ``"QS"``/``"quarter"``, ``"YS"``/``"year"``.
    by
        Optional column to split by (e.g. ``"lang"``, or ``"source"`` after a merge); the
        ``group`` column then holds its value, else ``"all"``.
    start, end
        Optional window: documents published before ``start`` or after ``end`` (inclusive
        bounds) are left out, e.g. to drop stray dates found in old texts.

    Returns
    -------
    DataFrame
        ``topics_over_time`` schema: ``period, topic_id, group, n_docs, n_docs_period,
        share``, one row per (group, period, topic), sorted by group, period, topic.

    Examples
    --------
    >>> dt = pd.DataFrame({"doc_id": ["a", "b", "c"], "topic_id": [0, 1, 0],
    ...                    "published_at": pd.to_datetime(["2023-01-05", "2023-01-31",
    ...                                                    "2023-03-01"])})
    >>> topics_over_time(dt)[["period", "topic_id", "n_docs", "share"]].to_string(index=False)
    '    period  topic_id  n_docs  share\\n2023-01-01         0       1    0.5\\n2023-01-01         1       1    0.5\\n2023-02-01         0       0    NaN\\n2023-02-01         1       0    NaN\\n2023-03-01         0       1    1.0\\n2023-03-01         1       0    0.0'
    """  # noqa: E501
    cols = ["doc_id", "topic_id", "published_at"] + ([by] if by else [])
    schemas.require(doc_topics, cols, where="topics_over_time")
    if freq not in _PERIODS:
        raise ValueError(f"topics_over_time: unknown freq {freq!r}; use one of {sorted(_PERIODS)}")
    alias = _PERIODS[freq]
    when = pd.to_datetime(doc_topics["published_at"])
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_localize(None)
    keep = when.notna() & doc_topics["topic_id"].notna()
    if start is not None:
        keep &= when >= pd.Timestamp(start)
    if end is not None:
        keep &= when <= pd.Timestamp(end)
    if not keep.any():
        return schemas.empty("topics_over_time")
    frame = pd.DataFrame({
        "period": when[keep].dt.to_period(alias),
        "topic_id": doc_topics.loc[keep, "topic_id"].astype("int64"),
        "group": (doc_topics.loc[keep, by].astype("string").fillna("und") if by
                  else pd.Series("all", index=when[keep].index, dtype="string")),
    })  # fmt: skip
    periods = pd.period_range(frame["period"].min(), frame["period"].max(), freq=alias)
    topics = np.sort(frame["topic_id"].unique())
    groups = sorted(frame["group"].unique())
    grid = pd.MultiIndex.from_product([groups, periods, topics],
                                      names=["group", "period", "topic_id"])
    counts = frame.groupby(["group", "period", "topic_id"]).size().reindex(grid, fill_value=0)
    out = counts.rename("n_docs").reset_index()
    per_period = frame.groupby(["group", "period"]).size()
    out = out.assign(
        n_docs_period=pd.MultiIndex.from_frame(out[["group", "period"]]).map(
            lambda key: per_period.get(key, 0)).astype("int64"),
    )
    out = out.assign(
        share=(out["n_docs"] / out["n_docs_period"].where(out["n_docs_period"] > 0)).astype(
            "float64"),
        period=out["period"].dt.start_time,
    )
    return schemas.conform(out, "topics_over_time").sort_values(
        ["group", "period", "topic_id"]).reset_index(drop=True)


# ------------------------------------------------------------------------------ pipeline hook
def topic_tables(
    documents: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    sentences: pd.DataFrame | None = None,
    entities: pd.DataFrame | None = None,
    n_topics: int | None = None,
    freq: str = "MS",
    seed: int = 0,
    n_terms: int = 10,
    model: TopicModel | None = None,
) -> dict[str, pd.DataFrame]:
    """Fit topic clusters on the processed documents and return every topic table.

    Does not mutate its inputs.

    Parameters
    ----------
    documents
        Needs ``doc_id`` and ``text`` (unless ``sentences`` covers every document); uses
        ``lang``, ``published_at``, ``title``, ``status`` and ``processed`` when present.
        Modelled rows: those with ``status`` ``ok`` or ``truncated`` when the table has a
        ``status`` column (so a corpus straight from :func:`analysis.corpus.load_corpus`,
        before NER, works too), else those with ``processed == True``, else all rows.
    mentions
        Optional ``doc_id, entity_id`` (+ ``base_form``/``text`` for actor names). Words of
        linked mentions (``text``, ``lemma``, ``base_form``) are not shown as word terms:
        their actor is, once for all languages, in ``topic_actors`` and the ``xx`` rows.
    sentences
        Optional ``doc_id, sentence_idx, lemmas``: lemmas replace the raw words.
    entities
        Optional ``entity_id, name``: the canonical actor names shown in ``topic_actors``,
        ``topics.label`` and ``topics.top_actors`` (else each id's most frequent
        ``base_form``, or ``text``, in ``mentions``).
    n_topics
        Number of topics; ``None`` → :func:`auto_n_topics`.
    freq
        Calendar bins of ``topics_over_time`` (see :func:`topics_over_time`).
    seed
        Seed of the model and the map.
    n_terms
        Terms per topic and language in ``topic_terms`` (and actors in ``topic_actors``).
    model
        An unfitted :class:`TopicModel` to use instead of the default one (its ``n_topics``
        and ``seed`` are kept).

    Returns
    -------
    dict[str, DataFrame]
        ``topics``, ``doc_topics`` (one row per modelled document: its topic and membership),
        ``topic_terms``, ``topic_actors``, ``topics_over_time`` (split by nothing, group
        ``"all"``), ``doc_map`` — all in :mod:`analysis.schemas` form.
    """
    schemas.require(documents, ["doc_id"], where="topic_tables")
    names = ("topics", "doc_topics", "topic_terms", "topic_actors", "topics_over_time",
             "doc_map")  # fmt: skip
    docs = documents
    if "status" in docs.columns:
        docs = docs[docs["status"].isin(_MODELLED_STATUSES).fillna(False).astype(bool)]
    elif "processed" in docs.columns:
        docs = docs[docs["processed"].fillna(False).astype(bool)]
    if sentences is None or not len(sentences):
        schemas.require(documents, ["text"], where="topic_tables")
    if not len(docs):
        return {name: schemas.empty(name) for name in names}
    docs = docs.reset_index(drop=True)
    features = document_features(docs, mentions=mentions, sentences=sentences)
    est = model if model is not None else TopicModel(n_topics, seed=seed)
    probs = est.fit_transform(features)
    labels = est.labels_
    published = (docs["published_at"] if "published_at" in docs.columns
                 else pd.Series(pd.NaT, index=docs.index))  # fmt: skip
    doc_topics = schemas.conform(pd.DataFrame({
        "doc_id": features["doc_id"], "topic_id": labels,
        "probability": probs[np.arange(len(labels)), labels],
        "published_at": published, "lang": features["lang"],
    }), "doc_topics").sort_values("doc_id").reset_index(drop=True)  # fmt: skip
    terms = est.topic_terms(features, n_terms=n_terms, name_words=_name_words(mentions))
    actors = _topic_actors(terms, _actor_names(mentions, entities))
    word_terms = terms[terms["lang"] != "xx"].reset_index(drop=True)
    topics = _topics_table(word_terms, actors, labels, est.n_topics_, features)
    over_time = topics_over_time(doc_topics, freq=freq)
    doc_map = _doc_map(est, docs, features, labels, published, seed)
    logger.info("topics: %d documents, %d topics", len(docs), est.n_topics_)
    return {
        "topics": topics,
        "doc_topics": doc_topics,
        "topic_terms": terms,
        "topic_actors": actors,
        "topics_over_time": over_time,
        "doc_map": doc_map,
    }


def _name_words(mentions: pd.DataFrame | None) -> dict[str, set[str]]:
    """Per language, the lower-cased words of linked mentions (text, lemma, base form)."""
    out: dict[str, set[str]] = defaultdict(set)
    if mentions is None or not len(mentions) or "entity_id" not in mentions.columns:
        return dict(out)
    linked = mentions.loc[mentions["entity_id"].notna()]
    langs = (linked["lang"].fillna("und").astype(str) if "lang" in linked.columns
             else pd.Series("und", index=linked.index))
    for col in ("text", "lemma", "base_form"):
        if col not in linked.columns:
            continue
        for lang, value in zip(langs, linked[col], strict=True):
            if isinstance(value, str):
                out[lang].update(m.group().lower() for m in _WORD_RE.finditer(value))
    return dict(out)


def _actor_names(mentions: pd.DataFrame | None,
                 entities: pd.DataFrame | None = None) -> dict[str, str]:
    names: dict[str, str] = {}
    if mentions is not None and len(mentions) and "entity_id" in mentions.columns:
        col = next((c for c in ("name", "base_form", "text") if c in mentions.columns), None)
        if col is not None:
            pairs = mentions[["entity_id", col]].dropna().astype(str)
            counts = pairs.groupby(["entity_id", col]).size().rename("n").reset_index()
            counts = counts.sort_values(["entity_id", "n", col], ascending=[True, False, True])
            names = counts.drop_duplicates("entity_id").set_index("entity_id")[col].to_dict()
    if entities is not None and len(entities):
        schemas.require(entities, ["entity_id", "name"], where="topic_tables")
        known = entities[["entity_id", "name"]].dropna().astype(str)
        names.update(zip(known["entity_id"], known["name"], strict=True))
    return names


def _topic_actors(terms: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    acts = terms[terms["lang"] == "xx"]
    if not len(acts):
        return schemas.empty("topic_actors")
    table = pd.DataFrame({
        "topic_id": acts["topic_id"], "entity_id": acts["term"],
        "name": acts["term"].map(lambda e: names.get(str(e), str(e))),
        "weight": acts["weight"], "rank": acts["rank"],
    })  # fmt: skip
    return schemas.conform(table, "topic_actors").sort_values(["topic_id", "rank"]).reset_index(
        drop=True)


def _topics_table(terms, actors, labels, n_topics, features) -> pd.DataFrame:
    sizes = np.bincount(labels, minlength=n_topics)
    lang_order = features["lang"].value_counts().sort_index().sort_values(
        ascending=False, kind="stable").index.tolist()
    rows = []
    for topic in range(n_topics):
        t_terms = terms[terms["topic_id"] == topic]
        per_lang = {lang: g.sort_values("rank")["term"].tolist()
                    for lang, g in t_terms.groupby("lang")}  # fmt: skip
        langs = [lang for lang in lang_order if lang in per_lang]
        top_terms = "; ".join(f"{lang}: {', '.join(per_lang[lang][:5])}" for lang in langs)
        t_actors = actors[actors["topic_id"] == topic].sort_values("rank")["name"].tolist()
        shown: list[str] = []
        ranked = zip(*(per_lang[lang] for lang in langs), strict=False)  # interleave languages
        for word in [w for group in ranked for w in group] + [
                w for lang in langs for w in per_lang[lang]]:
            if word not in shown:
                shown.append(word)
        label_parts = t_actors[:2] + shown[: 4 - min(2, len(t_actors))]
        rows.append({"topic_id": topic, "label": f"{topic}: " + ", ".join(label_parts),
                     "n_docs": int(sizes[topic]), "top_terms": top_terms,
                     "top_actors": " | ".join(t_actors[:5])})  # fmt: skip
    return schemas.conform(pd.DataFrame(rows), "topics")


def _doc_map(est, docs, features, labels, published, seed) -> pd.DataFrame:
    z = est.embed(features)
    if z.shape[1] >= 2 and len(z) >= 2:
        from sklearn.decomposition import PCA

        xy = PCA(2, random_state=seed, svd_solver="full").fit_transform(z)
        # fix the sign of each axis so reruns and platforms agree
        xy = xy * np.where(np.abs(xy).max(axis=0) == xy.max(axis=0), 1.0, -1.0)
    else:
        xy = np.zeros((len(z), 2))
    title = (docs["title"] if "title" in docs.columns
             else pd.Series(pd.NA, index=docs.index, dtype="string"))  # fmt: skip
    table = pd.DataFrame({
        "doc_id": features["doc_id"], "x": np.round(xy[:, 0], 6), "y": np.round(xy[:, 1], 6),
        "topic_id": labels, "published_at": published, "lang": features["lang"],
        "title": title,
    })  # fmt: skip
    return schemas.conform(table, "doc_map").sort_values("doc_id").reset_index(drop=True)
