"""Write ``analysis/_data/lexicons/first_names.txt``, the first names that :mod:`analysis.ner`
reads to split a place from the person name it runs into and to keep a sentence-initial
name that is also a common word.

Source: the ``names-dataset`` package (v3; first names from a large public-profile sample
with a popularity rank per country, shipped in the wheel; Apache-2.0). A name is kept when
it ranks among the :data:`MAX_RANK` most frequent first names of some country, is written
in letters only (hyphen allowed) and is no word of the pl, lt or ro common-word lexicon
(``pan``, ``dar``: a common word would protect sentence-initial common words).

Usage::

    pip install names-dataset
    python -m training.firstnames
"""

from __future__ import annotations

import gzip
import pickle
import sys
from pathlib import Path

#: Worst per-country popularity rank of a first name that goes into the list.
MAX_RANK = 1000

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "_data" / "lexicons" / "first_names.txt"


def select_names(ranks: dict[str, dict], common: set[str], max_rank: int = MAX_RANK
                 ) -> list[str]:
    """The names of ``ranks`` (name -> names-dataset record) to keep, sorted.

    Parameters
    ----------
    ranks : dict
        Name -> record with a ``rank`` dict (country -> popularity rank).
    common : set of str
        Lower-case common words to leave out.
    max_rank : int
        Worst rank kept.

    Returns
    -------
    list of str
        Capitalised names.
    """
    out = []
    for name, record in ranks.items():
        rank = (record or {}).get("rank") or {}
        if not rank or min(rank.values()) > max_rank:
            continue
        if len(name) < 2 or not name.replace("-", "").isalpha() or not name[0].isupper():
            continue
        if name.lower() in common:
            continue
        out.append(name)
    return sorted(out)


def main() -> int:
    """Write the list (see the module docstring)."""
    import names_dataset

    data = Path(names_dataset.__file__).parent / "v3" / "first_names.pkl.gz"
    with gzip.open(data) as fh:
        ranks = pickle.load(fh)  # noqa: S301 - the package's own data file
    common: set[str] = set()
    for lang in ("pl", "lt", "ro"):
        path = ROOT / "analysis" / "models" / lang / "common_words.txt"
        common |= {w.strip() for w in path.read_text(encoding="utf-8").split("\n") if w.strip()}
    names = select_names(ranks, common)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} first names -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
