"""A corpus of hostile inputs (issue #18), built in a temporary folder by the tests.

:func:`build_hostile_corpus` writes one folder holding every case the input policies of the
README ("Input") cover: colliding file names, dots in folder names, a table without a text
column, malformed JSON lines, relative and foreign dates, language codes and names, a list
of 5,000 names, long runs without spaces, formula-like cells, NUL bytes, HTML tags, soft
hyphens, emoji-only text, hidden and version-control files, dangling links, link loops,
links out of the corpus and a FIFO. It returns what each input must become.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: A string that only the private file outside the corpus holds: no output may contain it.
SECRET = "PRIVATE-7f3c-do-not-read"

PL = "Władimir Putin spotkał się w Moskwie z Aleksandrem Łukaszenką."
LT = "Vladimiras Putinas Maskvoje susitiko su Aliaksandru Lukašenka."
RO = "Vladimir Putin s-a întâlnit la Moscova cu Aleksandr Lukașenko."

_FIRST = ["Adam", "Piotr", "Anna", "Maria", "Jan", "Ewa", "Tomasz", "Zofia", "Marek", "Ola",
          "Paweł", "Kasia", "Jerzy", "Alicja", "Karol", "Iwona", "Michał", "Beata", "Rafał",
          "Dorota", "Jacek", "Marta", "Wojciech", "Agata", "Bogdan"]
_LAST = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
         "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
         "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
         "Michalski", "Nowicki", "Adamczyk", "Dudek", "Zając", "Wieczorek", "Jabłoński",
         "Król", "Majewski", "Olszewski", "Jaworski", "Wróbel", "Malinowski", "Pawlak",
         "Witkowski", "Walczak", "Stępień", "Górski", "Rutkowski", "Michalak", "Sikora",
         "Ostrowski", "Baran", "Duda", "Szewczyk", "Tomaszewski", "Pietrzak", "Marciniak",
         "Wróblewski", "Zalewski", "Jakubowski", "Jasiński", "Zawadzki", "Sadowski", "Bąk",
         "Chmielewski", "Włodarczyk", "Borkowski", "Czarnecki", "Sawicki", "Sokołowski",
         "Urbański", "Kubiak", "Maciejewski", "Szczepański", "Kucharski", "Wilk", "Kalinowski",
         "Lis", "Mazurek", "Wysocki", "Adamski", "Kaźmierczak", "Wasilewski", "Sobczak",
         "Czerwiński", "Andrzejewski", "Cieślak", "Głowacki", "Zakrzewski", "Kołodziej",
         "Sikorski", "Krajewski", "Gajewski", "Szymczak", "Szulc", "Baranowski", "Laskowski",
         "Brzeziński", "Makowski", "Ziółkowski", "Przybylski", "Domański", "Nowacki",
         "Borowski", "Błaszczyk", "Chojnacki", "Ciesielski", "Mróz", "Szczepaniak", "Wesołowski",
         "Górecki", "Krupa", "Kaczmarczyk", "Leszczyński", "Lipiński", "Kowalewski", "Urban",
         "Kozak", "Kaczmarek", "Sobczyk", "Wilczyński", "Kurek", "Kurowski", "Zięba",
         "Banaś", "Sowa", "Żak", "Bielecki", "Mach", "Gołębiowski", "Kowal", "Kalisz",
         "Marek", "Kubacki", "Kozieł", "Konieczny", "Milewski", "Kasprzak", "Dziedzic",
         "Bednarek", "Stachowiak", "Rogalski", "Kędzierski", "Wawrzyniak", "Bielski",
         "Kurzawa", "Nawrocki", "Polak", "Zawisza", "Gołąb", "Rybak", "Wrona", "Kołodziejczyk",
         "Cichocki", "Walczyk", "Dobrowolski", "Tomczak", "Jarosz", "Ryba", "Marczak",
         "Kowalik", "Sowiński", "Orzechowski", "Bednarczyk", "Ptak", "Czerwonka", "Żukowski",
         "Mikołajczyk", "Wojtowicz", "Lasota", "Kaczor", "Matusiak", "Zych",
         "Grzelak", "Kania", "Sobolewski", "Bogusz", "Lewicki", "Rogowski", "Tokarski",
         "Kruk", "Frankowski", "Szostak", "Skiba", "Przybysz", "Kwiecień", "Bartosik",
         "Wolski", "Lisowski", "Filipek", "Kraszewski", "Waśko", "Wierzbicki", "Bogucki",
         "Czajka", "Dudziak", "Fijałkowski", "Gruszka", "Hajduk", "Iwański", "Janik",
         "Kasprzyk", "Lech", "Łuczak", "Mielczarek", "Nowik", "Osiński", "Pająk", "Rudnicki"]


def five_thousand_names() -> list[str]:
    """5,000 distinct Polish first name + surname pairs."""
    surnames = list(dict.fromkeys(_LAST))[:200]
    return [f"{first} {last}" for last in surnames for first in _FIRST][:5000]


@dataclass
class HostileCorpus:
    """Where the corpus is and what each input must become.

    ``statuses`` maps a document's ``source`` to its expected status after language
    detection (``unsupported_language`` included); ``ids`` maps a source to its expected
    ``doc_id``; ``messages`` maps a source to a piece of its message after reading, language
    and dates; ``run_messages`` to a piece of its message after a whole run.
    """

    root: Path
    secret: Path
    statuses: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    run_messages: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    long_names: int = 0


def _csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


def build_hostile_corpus(base: Path, *, big: bool = True, n_names: int = 5000
                         ) -> HostileCorpus:
    """Write the hostile corpus under ``base`` (``base/corpus`` and ``base/private``).

    Parameters
    ----------
    base
        An empty folder (``tmp_path``).
    big
        Include the two large documents (``n_names`` names in one sentence; 190 KB of runs
        without spaces); without them the corpus reads in well under a second.
    n_names
        Names in the list (at most 5,000); NER takes about a second per 100 on a laptop CPU.
    """
    root, private = base / "corpus", base / "private"
    root.mkdir(parents=True)
    private.mkdir(parents=True)
    secret = private / "secret.txt"
    secret.write_text(f"{SECRET} {PL}\n", encoding="utf-8")
    corpus = HostileCorpus(root=root, secret=secret)
    st, ids, msg = corpus.statuses, corpus.ids, corpus.messages

    # 1. ids unique per relative path; dots in folder names
    _csv(root / "sub1" / "feed.csv", [{"text": PL, "lang": "pl"}])
    _csv(root / "sub2" / "feed.csv", [{"text": PL, "lang": "pl"}])
    st["sub1/feed.csv#0"] = st["sub2/feed.csv#0"] = "ok"
    ids["sub1/feed.csv#0"], ids["sub2/feed.csv#0"] = "sub1/feed:0", "sub2/feed:0"
    (root / "news.2023").mkdir()
    # 10. HTML tags in the text; 4. a formula in a header title
    (root / "news.2023" / "article1.txt").write_text(
        "<p><i>Alaksandr Łukaszenka</i> rozmawiał z <b>Władimirem Putinem</b> w Mińsku.</p>\n",
        encoding="utf-8")
    (root / "news.2023" / "article2.txt").write_text(
        '=HYPERLINK("http://example.invalid","x")\n' + PL + "\n", encoding="utf-8")
    (root / "news.2023" / "article3.txt").write_text(
        'title: =HYPERLINK("http://example.invalid")\nlang: pl\n' + PL + "\n", encoding="utf-8")
    for name in ("article1", "article2", "article3"):
        st[f"news.2023/{name}.txt"] = "ok"
        ids[f"news.2023/{name}.txt"] = f"news.2023/{name}"

    # 5. a table without a text column inside a folder of articles
    _csv(root / "metadata.csv", [{"id": "m1", "date": "2023-04-12"}])
    st["metadata.csv"] = "unreadable"
    msg["metadata.csv"] = "metadata.csv: no text column 'text'"

    # 5., 7., 8. JSON lines: codes and names of languages, relative and English dates, NUL
    lines = [
        {"id": "j-pol", "lang": "pol", "date": "wczoraj", "text": PL},
        {"id": "j-lit", "lang": "lietuvių", "date": "vakar", "text": LT},
        {"id": "j-ron", "lang": "ron", "date": "April 12, 2023", "text": RO},
        {"id": "j-rum", "lang": "rum", "date": "ieri", "text": RO},
        {"id": "j-polish", "lang": "Polish", "date": "2 dni temu", "text": PL},
        {"id": "j-en", "lang": "polski", "date": "yesterday", "text": PL},
        {"id": "j-nul", "lang": "română", "title": "@SUM(1+1)\u0000|cmd",
         "text": "-2+3 " + RO + "\u0000 Cu\u00adtare\u200b."},
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in lines)
    text += '\n{"id": "broken", "text": "Putin\n[1, 2]\n'
    (root / "feed.jsonl").write_text(text, encoding="utf-8")
    for i, record in enumerate(lines):
        st[f"feed.jsonl#{i}"] = "ok"
        ids[f"feed.jsonl#{i}"] = record["id"]
    for i, date in enumerate(("wczoraj", "vakar")):
        msg[f"feed.jsonl#{i}"] = f"relative date {date!r} needs reference_date"
    st["feed.jsonl#7"] = st["feed.jsonl#8"] = "unreadable"
    ids["feed.jsonl#7"], ids["feed.jsonl#8"] = "feed:7", "feed:8"
    msg["feed.jsonl#7"] = "feed.jsonl line 8: malformed JSON"
    msg["feed.jsonl#8"] = "feed.jsonl line 9: not a JSON object"

    # 7. a parquet integer year
    pd.DataFrame({"id": ["pq-year"], "text": [PL], "date": [2023], "lang": ["pl"]}).to_parquet(
        root / "years.parquet")
    st["years.parquet#0"] = "ok"

    # 10. emoji only
    emoji = "😀🎉🔥 ✨✨ 👍👍👍 ★★★ … 😀🎉🔥 ✨✨ 👍👍👍\n"
    (root / "emoji.txt").write_text(emoji, encoding="utf-8")
    st["emoji.txt"] = "unsupported_language"
    msg["emoji.txt"] = "no letters"

    # 9. hidden files, version control, links, a FIFO
    (root / ".hidden.txt").write_text(PL, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n\tbare = false\n", encoding="utf-8")
    (root / ".svn").mkdir()
    (root / ".svn" / "entries").write_text("12\n", encoding="utf-8")
    corpus.skipped = {"hidden": 1, "vcs": 2}
    links = {
        "dangling.txt": ("no-such-file.txt", "unreadable", "dangling link"),
        "loop_a.txt": ("loop_b.txt", "unreadable", "link loop"),
        "loop_b.txt": ("loop_a.txt", "unreadable", "link loop"),
        "secret_link.txt": (str(secret), "outside_corpus", "outside the corpus folder"),
        "private_folder": (str(private), "outside_corpus", "outside the corpus folder"),
        "inside_link.txt": ("news.2023/article2.txt", "ok", None),
    }
    for name, (target, status, words) in links.items():
        os.symlink(target, root / name)
        st[name] = status
        if words:
            msg[name] = words
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
        st["pipe.txt"] = "unreadable"
        msg["pipe.txt"] = "not a regular file"

    if big:
        # 2. a sentence listing 5,000 names
        names = five_thousand_names()[:n_names]
        (root / "list.txt").write_text("Na liście obecności byli: " + ", ".join(names) + ".\n",
                                       encoding="utf-8")
        st["list.txt"] = "ok"
        corpus.run_messages["list.txt"] = "max_unit_actors"
        corpus.long_names = len(names)
        # 3. 190 KB of runs without spaces (and a few real words)
        runs = ("Putin i Łukaszenka. " + "x" * 9000 + " " + "a_b-c0" * 1500 + "\n") * 10
        (root / "runs.txt").write_text(runs[:190_000], encoding="utf-8")
        st["runs.txt"] = "ok"
        corpus.run_messages["runs.txt"] = "without a space blanked before NER"
    return corpus
