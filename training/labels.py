"""Native NER label sets per language and their mapping to the actor labels.

The package exposes PER, ORG, LOC, EVT, PRO (the Balto-Slavic shared-task set);
dates, times, amounts, numbers, nationalities and languages map to ``None``.
"""

from __future__ import annotations

from analysis.models import OFFICIAL_LABEL_MAPS
from analysis.schemas import ACTOR_LABELS

__all__ = ["ACTOR_LABELS", "LABEL_MAPS", "NATIVE_OF_ACTOR", "native_tag", "to_actor"]

LABEL_MAPS: dict[str, dict[str, str | None]] = {
    # NKJP, outermost type after flattening (see training.data.flatten_nkjp_tag); the same
    # label set as the official Stanza Polish model.
    "pl": dict(OFFICIAL_LABEL_MAPS["pl"]),
    # lt_ner already uses the actor labels.
    "lt": {label: label for label in ACTOR_LABELS},
    # RONEC v2 names (v1 ORGANIZATION / NUMERIC_VALUE are renamed on reading). The model
    # learns v1's PRODUCT, but RONEC v2 (the held-out standard) has no such class and 981 of
    # v1's 1,177 PRODUCT spans begin in lower case (trenul, medicamente, autoturism): goods, not
    # actors. It stays a native label without an actor label.
    "ro": {
        "PERSON": "PER",
        "ORG": "ORG",
        "GPE": "LOC",
        "LOC": "LOC",
        "FACILITY": "LOC",
        "EVENT": "EVT",
        "WORK_OF_ART": "PRO",
        "PRODUCT": None,
        "NAT_REL_POL": None,
        "LANGUAGE": None,
        "DATETIME": None,
        "PERIOD": None,
        "MONEY": None,
        "QUANTITY": None,
        "NUMERIC": None,
        "ORDINAL": None,
    },
}


def to_actor(lang: str, native: str) -> str | None:
    """Map a native label of ``lang`` to an actor label.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    native : str
        Label as the NER model emits it.

    Returns
    -------
    str or None
        Actor label, or None for non-actors and unknown labels.
    """
    return LABEL_MAPS[lang].get(native)


#: The native label that the project's own data (annotated with the actor labels, see
#: ``data/annotations/README.md``) takes in each language's training data; None = "O".
#: A label outside the model's tag set would be an unknown tag to Stanza's tagger.
#: ro: places in news are mostly countries, cities and regions (RONEC GPE); works and media
#: are RONEC WORK_OF_ART. pl: NKJP has no events or products.
NATIVE_OF_ACTOR: dict[str, dict[str, str | None]] = {
    "pl": {"PER": "persName", "ORG": "orgName", "LOC": "placeName", "EVT": None, "PRO": None},
    "lt": {label: label for label in ACTOR_LABELS},
    "ro": {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "EVT": "EVENT", "PRO": "WORK_OF_ART"},
}


def native_tag(lang: str, tag: str) -> str:
    """A BIO tag with an actor label → the same tag with ``lang``'s native label.

    Examples
    --------
    >>> native_tag("ro", "B-PER"), native_tag("ro", "I-LOC"), native_tag("pl", "B-EVT")
    ('B-PERSON', 'I-GPE', 'O')
    >>> native_tag("lt", "O")
    'O'
    """
    if tag == "O":
        return tag
    prefix, _, label = tag.partition("-")
    native = NATIVE_OF_ACTOR[lang][label]
    return f"{prefix}-{native}" if native else "O"
