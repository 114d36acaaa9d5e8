"""Actor identity (analysis.identity): linking, registry, ids; no Stanza needed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from identity_seed_fixture import seed_mentions

from analysis import schemas
from analysis.identity import (
    gazetteer_lookup,
    name_key,
    resolve_actors,
    validate_registry,
)
from analysis.normalize import add_base_forms
from analysis.resources import default_registry_path

SHIPPED_REGISTRY = default_registry_path()

#: Actors of the sample articles that must each be exactly one entity, with no registry.
KEY_ACTORS = ("putin", "lukashenko", "peskov", "zelensky", "shoigu", "kremlin", "nato",
              "russia", "belarus", "ukraine", "moscow", "minsk", "finland", "china", "usa",
              "donetsk")
#: Seed actors whose names in different languages are translations, not transliterations
#: (Związek Radziecki / Uniunea Sovietică, Zachód / Occident): only a registry joins them.
NEEDS_REGISTRY = ("ussr", "west")


def _mentions(rows):
    return pd.DataFrame(rows, columns=["doc_id", "lang", "text", "label"]).astype("string")


def _ids(linked: pd.DataFrame) -> list[str]:
    return linked["entity_id"].tolist()


# --------------------------------------------------------------------------- keys


def test_name_key_folds_transliterations():
    assert name_key("Dmitrij Pieskow", "pl") == "dmitri peskov"
    assert name_key("Dmitrijus Peskovas", "lt") == "dmitri peskov"
    assert name_key("Dmitri Peskov", "ro") == "dmitri peskov"
    assert name_key("Siergiej Szojgu", "pl") == name_key("Serghei Şoigu", "ro")
    assert name_key("Łukaszenka", "pl") == name_key("Lukašenka", "lt")
    assert name_key("Putin", "pl") != name_key("Putina", "pl")


def test_gazetteer_names_places_across_languages():
    belarus = {gazetteer_lookup(n).key for n in ("Białoruś", "Baltarusija", "Belarus")}
    moscow = {gazetteer_lookup(n).key for n in ("Moskwa", "Maskva", "Moscova")}
    usa = {gazetteer_lookup(n).key for n in ("USA", "JAV", "SUA", "Stany Zjednoczone")}
    assert belarus == {"cldr:BY"}
    assert usa == {"cldr:US"}
    assert len(moscow) == 1 and moscow.pop().startswith("geonames:")
    # a city's own name wins over another city's alternate name
    assert gazetteer_lookup("Islamabad").name == "Islamabad"
    assert gazetteer_lookup("Putin") is None


# --------------------------------------------------------------------------- linking


def test_partial_names_resolve_within_document():
    mentions = _mentions([
        ("d1", "pl", "Władimir Putin", "PER"),
        ("d1", "pl", "Putin", "PER"),
        ("d2", "lt", "Vladimiras Putinas", "PER"),
        ("d2", "lt", "Putinas", "PER"),
        ("d3", "pl", "Joe Biden", "PER"),
        ("d3", "pl", "Biden", "PER"),
        ("d4", "pl", "Jill Biden", "PER"),
        ("d4", "pl", "Biden", "PER"),
    ])
    linked, entities, merges = resolve_actors(mentions)
    ids = _ids(linked)
    assert ids[0] == ids[1] == ids[2] == ids[3]
    assert ids[4] == ids[5]  # Biden in d3 is Joe Biden ...
    assert ids[6] == ids[7]  # ... and Jill Biden in d4
    assert ids[4] != ids[6]
    assert len(entities) == 3
    assert "in-document partial name" in set(merges["reason"])


def test_ambiguous_surname_is_not_merged_across_documents():
    mentions = _mentions([
        ("d1", "pl", "Joe Biden", "PER"),
        ("d2", "pl", "Jill Biden", "PER"),
        ("d3", "pl", "Biden", "PER"),
    ])
    ids = _ids(resolve_actors(mentions)[0])
    assert len(set(ids)) == 3


def test_surname_joins_the_only_full_name_across_documents():
    mentions = _mentions([
        ("d1", "pl", "Dmitrij Pieskow", "PER"),
        ("d2", "lt", "Peskovas", "PER"),
        ("d3", "ro", "Dmitri Peskov", "PER"),
    ])
    linked, entities, _ = resolve_actors(mentions)
    assert len(set(_ids(linked))) == 1
    assert entities["languages"].tolist() == ["lt,pl,ro"]


def test_document_label_vote_fixes_a_minority_label():
    mentions = _mentions([
        ("d1", "ro", "Serghei Lavrov", "PER"),
        ("d1", "ro", "Lavrov", "LOC"),  # NER slip: the full name and the other Lavrov vote PER
        ("d1", "ro", "Lavrov", "PER"),
        ("d1", "ro", "Putin", "PER"),
        ("d1", "ro", "Putin", "PER"),
        ("d1", "ro", "Putin", "LOC"),
        ("d2", "pl", "Kowalczyk", "LOC"),  # a tie is left alone
        ("d2", "pl", "Kowalczyk", "PER"),
    ])
    linked, _, merges = resolve_actors(mentions)
    ids = _ids(linked)
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] == ids[4] == ids[5]
    assert ids[6] != ids[7]
    assert linked["label"].tolist() == mentions["label"].tolist()  # NER labels are kept
    votes = merges[merges["reason"] == "document label vote: LOC -> PER"]
    assert len(votes) == 1  # Putin
    surname = merges[merges["reason"].str.startswith("surname of Serghei Lavrov")]
    assert len(surname) == 1  # Lavrov tagged LOC next to the full name


def test_lone_word_tagged_per_that_names_a_big_place_is_a_place():
    mentions = _mentions([
        ("d1", "ro", "Donețk", "LOC"),
        ("d2", "lt", "Donecką", "PER"),  # NER slip; Donetsk, about 900,000 people
        ("d3", "pl", "Asia Bibi", "PER"),
        ("d3", "pl", "Asia", "PER"),  # a given name in this corpus: stays a person
        ("d4", "ro", "Kremlinul", "LOC"),
        ("d4", "pl", "Kreml", "LOC"),
        ("d5", "lt", "Kremliuje", "LOC"),
        ("d5", "lt", "Kremliaus", "PER"),  # 1:1 in its document; corpus majority LOC
    ])
    linked, _, merges = resolve_actors(add_base_forms(mentions))
    ids = _ids(linked)
    assert ids[0] == ids[1] == "LOC:donetsk"
    assert ids[2] == ids[3] and ids[2].startswith("PER:")
    assert ids[4] == ids[5] == ids[6] == ids[7]
    assert merges["reason"].str.contains(r"major place name \(Donetsk\)").any()


def test_document_majority_gives_way_to_a_strong_corpus_majority():
    mentions = _mentions([
        ("d1", "lt", "Kremliaus", "PER"),  # NER slips twice in one article
        ("d1", "lt", "Kremliaus", "PER"),
        ("d1", "lt", "Kremliuje", "LOC"),
        ("d2", "pl", "Kreml", "ORG"),
        ("d2", "pl", "Kreml", "ORG"),
        ("d3", "pl", "Kremlu", "LOC"),
        ("d4", "pl", "Kreml", "LOC"),
    ])
    linked, _, _ = resolve_actors(add_base_forms(mentions))
    assert linked["entity_id"].nunique() == 1
    assert linked["entity_id"].iloc[0].startswith(("LOC:", "ORG:"))


def test_org_span_ending_with_a_person_of_the_document_is_that_person():
    mentions = _mentions([
        ("d1", "pl", "Dmitrij Pieskow", "PER"),
        ("d1", "pl", "Kremla Dmitrij Pieskow", "ORG"),  # NER span + label error
        ("d2", "pl", "Rada Bezpieczeństwa ONZ", "ORG"),  # no person: stays an organisation
        ("d3", "pl", "Fundacja Dmitrij Pieskow", "ORG"),  # the person is not in this document
    ])
    linked, _, merges = resolve_actors(add_base_forms(mentions))
    ids = _ids(linked)
    assert ids[0] == ids[1] and ids[0].startswith("PER:")
    assert ids[2].startswith("ORG:") and ids[3].startswith("ORG:")
    assert merges["reason"].str.contains("ends with Dmitrij Pieskow").any()


def test_name_holding_the_given_names_of_another_joins_it():
    mentions = _mentions([
        ("d1", "pl", "Dmitrij Pieskow", "PER"),
        ("d2", "pl", "Kremla Dmitrij Pieskow", "PER"),  # NER took a word into the span
        ("d3", "pl", "Pieskow", "PER"),
        ("d4", "pl", "Jan Pieskow", "PER"),  # another person of that surname
    ])
    ids = _ids(resolve_actors(mentions)[0])
    assert ids[0] == ids[1]
    assert ids[3] != ids[0]
    assert ids[2] not in (ids[0], ids[3])  # a surname shared by two people stays apart


def test_in_document_tie_goes_to_the_more_frequent_full_name():
    mentions = _mentions([
        ("d1", "pl", "Władimir Putin", "PER"),
        ("d2", "pl", "Władimir Putin", "PER"),
        ("d2", "pl", "Wczoraj Putin", "PER"),  # NER span error, once in the corpus
        ("d2", "pl", "Putin", "PER"),
    ])
    ids = _ids(resolve_actors(mentions)[0])
    assert ids[3] == ids[0] == ids[1]
    assert ids[2] != ids[0]


def test_city_tagged_org_joins_the_place():
    mentions = _mentions([("d1", "pl", "Mińsk", "LOC"), ("d2", "ro", "Minsk", "ORG"),
                          ("d3", "pl", "Kreml", "ORG")])
    ids = _ids(resolve_actors(mentions)[0])
    assert ids[0] == ids[1] == "LOC:minsk"
    assert ids[2] != ids[0]


def test_label_groups_are_kept_apart():
    # a person and a place with the same name are different actors
    mentions = _mentions([("d1", "pl", "Wisła", "LOC"), ("d2", "pl", "Wisła", "PER")])
    ids = _ids(resolve_actors(mentions)[0])
    assert ids[0] != ids[1]


def test_seed_actors_are_one_entity_each_without_registry():
    mentions = add_base_forms(seed_mentions())
    linked, entities, merges = resolve_actors(mentions)
    per_actor = linked.groupby("gold_actor")["entity_id"].nunique()
    assert per_actor[list(KEY_ACTORS)].max() == 1
    split = sorted(per_actor[per_actor > 1].index)
    assert split == sorted(NEEDS_REGISTRY)
    # no two different gold actors share an id
    per_entity = linked.groupby("entity_id")["gold_actor"].nunique()
    assert per_entity.max() == 1
    # every surface form of an actor is listed among its entity's aliases
    putin = linked.loc[linked["gold_actor"] == "putin", "entity_id"].iloc[0]
    aliases = entities.set_index("entity_id").at[putin, "aliases"].split(" | ")
    forms = set(linked.loc[linked["gold_actor"] == "putin", "text"])
    assert forms == set(aliases)
    assert {"Władimira Putina", "Vladimiras Putinas", "lui Putin"} <= forms
    assert entities["n_mentions"].sum() == len(mentions)
    assert merges["score"].is_monotonic_increasing


def test_ids_are_stable_and_order_independent():
    mentions = add_base_forms(seed_mentions())
    linked, entities, merges = resolve_actors(mentions)
    shuffled = mentions.sample(frac=1.0, random_state=7)
    linked2, entities2, merges2 = resolve_actors(shuffled)
    pd.testing.assert_series_equal(
        linked["entity_id"], linked2["entity_id"].set_axis(shuffled.index).sort_index(),
        check_names=False,
    )
    pd.testing.assert_frame_equal(entities, entities2)
    pd.testing.assert_frame_equal(merges, merges2)
    # ids come from the normalized name, not from positions or counters
    ids = set(linked["entity_id"])
    assert {"PER:vladimir_putin", "LOC:russia", "LOC:moscow", "ORG:nato"} <= ids


def test_resolve_actors_does_not_mutate():
    mentions = add_base_forms(seed_mentions())
    before = mentions.copy()
    resolve_actors(mentions)
    pd.testing.assert_frame_equal(mentions, before)


def test_empty_input_keeps_schema():
    linked, entities, merges = resolve_actors(schemas.empty("mentions"))
    assert linked.empty and entities.empty and merges.empty
    assert list(linked.columns) == schemas.columns("mentions")
    assert list(entities.columns) == schemas.columns("entities")
    assert list(merges.columns) == schemas.columns("merges")
    pd.testing.assert_frame_equal(entities, schemas.empty("entities"))


def test_missing_column_is_named():
    with pytest.raises(KeyError, match="'doc_id'"):
        resolve_actors(_mentions([("d1", "pl", "Putin", "PER")]).drop(columns=["doc_id"]))


def test_output_tables_follow_schema():
    linked, entities, merges = resolve_actors(add_base_forms(seed_mentions()))
    assert list(linked.columns) == [*schemas.columns("mentions"), "gold_actor"]
    assert list(entities.columns) == schemas.columns("entities")
    assert list(merges.columns) == schemas.columns("merges")
    assert (entities["source"] == "automatic").all()
    assert entities["entity_id"].is_unique


# --------------------------------------------------------------------------- registry


def _write_registry(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "actors.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _read_registry(path: Path) -> pd.DataFrame:
    # the way analysis.pipeline.read_registry reads it
    return validate_registry(pd.read_csv(path, dtype=str, keep_default_na=False))


def test_registry_round_trip_merge_split_and_canonical_name(tmp_path):
    mentions = add_base_forms(_mentions([
        ("d1", "pl", "Związku Radzieckiego", "LOC"),
        ("d2", "ro", "Uniunea Sovietică", "LOC"),
        ("d3", "pl", "Aleksandr Nowak", "PER"),
        ("d4", "pl", "Aleksander Nowak", "PER"),
        ("d5", "pl", "Władimira Putina", "PER"),
        ("d6", "lt", "Vladimiro Putino", "PER"),
    ]))
    auto = _ids(resolve_actors(mentions)[0])
    assert auto[0] != auto[1]  # translations: not joined automatically
    assert auto[2] == auto[3]  # near-identical spelling: joined automatically
    assert auto[4] == auto[5]

    path = _write_registry(tmp_path, [
        {"actor_id": "ussr", "name": "Soviet Union", "label": "LOC", "wikidata_qid": "Q15180",
         "aliases_pl": "Związek Radziecki|ZSRR", "aliases_ro": "Uniunea Sovietică",
         "aliases_lt": ""},
        {"actor_id": "nowak_aleksandr", "name": "Aleksandr Nowak", "label": "PER",
         "wikidata_qid": "", "aliases_pl": "Aleksandr Nowak", "aliases_ro": "",
         "aliases_lt": ""},
        {"actor_id": "nowak_aleksander", "name": "Aleksander Nowak", "label": "PER",
         "wikidata_qid": "", "aliases_pl": "Aleksander Nowak", "aliases_ro": "",
         "aliases_lt": ""},
        {"actor_id": "putin", "name": "Vladimir Putin", "label": "PER", "wikidata_qid": "Q7747",
         "aliases_pl": "Władimir Putin", "aliases_ro": "", "aliases_lt": "Vladimiras Putinas"},
    ])
    registry = _read_registry(path)
    linked, entities, merges = resolve_actors(mentions, registry=registry)
    ids = _ids(linked)
    assert ids == ["ussr", "ussr", "nowak_aleksandr", "nowak_aleksander", "putin", "putin"]
    ent = entities.set_index("entity_id")
    assert ent.at["putin", "name"] == "Vladimir Putin"
    assert ent.at["putin", "wikidata_qid"] == "Q7747"
    assert ent.at["ussr", "name"] == "Soviet Union"
    assert set(ent["source"]) == {"registry"}
    assert any(r.startswith("registry alias") for r in merges["reason"])

    # edit the file (rename the canonical label, drop the split) and run again
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[table["actor_id"] == "putin", "name"] = "Władimir Putin"
    table = table[table["actor_id"] != "nowak_aleksander"]
    table.to_csv(path, index=False)
    linked2, entities2, _ = resolve_actors(mentions, registry=_read_registry(path))
    ids2 = _ids(linked2)
    assert ids2[2] == ids2[3] == "nowak_aleksandr"  # no longer kept apart
    assert entities2.set_index("entity_id").at["putin", "name"] == "Władimir Putin"


def test_registry_with_combined_alias_column():
    registry = pd.DataFrame({
        "actor_id": ["lukashenko"], "name": ["Alexander Lukashenko"], "label": ["per"],
        "aliases": ["pl:Aleksandr Łukaszenka | lt:Aliaksandras Lukašenka|Lukashenko"],
    })
    out = validate_registry(registry)
    assert out.columns.tolist() == ["actor_id", "name", "label", "wikidata_qid", "aliases"]
    assert out.at[0, "label"] == "PER"
    assert out.at[0, "aliases"] == (
        "lt:Aliaksandras Lukašenka|pl:Aleksandr Łukaszenka|xx:Alexander Lukashenko"
        "|xx:Lukashenko"
    )
    assert pd.isna(out.at[0, "wikidata_qid"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "PERSON"}, r"row 1, column 'label': 'PERSON' is not one of"),
        ({"wikidata_qid": "7747"}, r"row 1, column 'wikidata_qid': '7747' is not a Wikidata"),
        ({"actor_id": ""}, r"row 1, column 'actor_id': empty"),
        ({"actor_id": "vladimir putin"}, r"row 1, column 'actor_id'.*has spaces"),
        ({"name": ""}, r"row 1, column 'name': empty"),
    ],
)
def test_invalid_registry_gives_a_clear_error(change, message):
    row = {"actor_id": "putin", "name": "Vladimir Putin", "label": "PER",
           "wikidata_qid": "Q7747", "aliases": "pl:Putin"}
    with pytest.raises(ValueError, match=message):
        validate_registry(pd.DataFrame([{**row, **change}]))


def test_registry_alias_of_two_actors_is_an_error():
    table = pd.DataFrame({
        "actor_id": ["a", "b"], "name": ["Jan Nowak", "Jan Nowak-Jeziorański"],
        "label": ["PER", "PER"], "aliases": ["pl:Nowak", "pl:Nowak"],
    })
    with pytest.raises(ValueError, match=r"row 2, column 'aliases': 'Nowak' is also an alias "
                                         r"of 'a'"):
        validate_registry(table)


def test_registry_missing_column_is_named():
    with pytest.raises(KeyError, match="'label'"):
        validate_registry(pd.DataFrame({"actor_id": ["x"], "name": ["X"]}))


def test_registry_is_validated_in_resolve_actors():
    bad = pd.DataFrame({"actor_id": ["x"], "name": ["X"], "label": ["NOPE"]})
    with pytest.raises(ValueError, match="column 'label'"):
        resolve_actors(_mentions([("d1", "pl", "Putin", "PER")]), registry=bad)


def test_shipped_registry_is_valid_and_consistent_with_automatic_linking():
    registry = _read_registry(SHIPPED_REGISTRY)
    assert registry["actor_id"].is_unique
    mentions = add_base_forms(seed_mentions())
    linked, entities, _ = resolve_actors(mentions, registry=registry)
    per_actor = linked.groupby("gold_actor")["entity_id"].nunique()
    assert per_actor.max() == 1  # the registry joins what automatic linking cannot
    per_entity = linked.groupby("entity_id")["gold_actor"].nunique()
    assert per_entity.max() == 1
    putin = linked.loc[linked["gold_actor"] == "putin", "entity_id"].iloc[0]
    assert putin == "putin"
    assert entities.set_index("entity_id").at["putin", "wikidata_qid"] == "Q7747"


def test_harmonise_labels_gives_each_mention_its_actors_label():
    from analysis.identity import harmonise_labels

    mentions = pd.DataFrame({"entity_id": ["LOC:moscow", "LOC:moscow", None],
                             "label": ["PER", "LOC", "ORG"],
                             "label_native": ["PER", "LOC", "ORG"]})
    entities = pd.DataFrame({"entity_id": ["LOC:moscow"], "label": ["LOC"]})
    before = mentions.copy()
    out = harmonise_labels(mentions, entities)
    assert list(out["label"]) == ["LOC", "LOC", "ORG"]  # unlinked row keeps its own
    assert list(out["label_native"]) == ["PER", "LOC", "ORG"]  # the model's label stays
    pd.testing.assert_frame_equal(mentions, before)
    with pytest.raises(KeyError, match="entity_id"):
        harmonise_labels(mentions.drop(columns="entity_id"), entities)


# ---------------------------------------------------------------------------- display names
def _display_tables():
    from analysis import schemas

    entities = schemas.conform(pd.DataFrame({
        "entity_id": ["russia", "PER:jens_stoltenberg", "PER:sergei_lavrov", "LOC:telegram"],
        "name": ["Russia", "Jensu Stoltenbergu", "Siergiej Ławrow", "Telegramie"],
        "label": ["LOC", "PER", "PER", "LOC"],
        "source": ["registry", "automatic", "automatic", "automatic"],
        "n_mentions": [3, 3, 3, 1],
    }), "entities")  # fmt: skip
    mentions = pd.DataFrame({
        "entity_id": ["russia"] * 3 + ["PER:jens_stoltenberg"] * 3 + ["PER:sergei_lavrov"] * 3
        + ["LOC:telegram"],
        "lang": ["pl", "lt", "ro", "lt", "lt", "pl", "pl", "pl", "ro", "pl"],
        "text": ["Rosji", "Rusijos", "Rusia", "Jensu Stoltenbergu", "Jensu Stoltenbergu",
                 "Jensa Stoltenberga", "Ławrowa", "Siergiej Ławrow", "Serghei Lavrov",
                 "Telegramie"],
        "lemma": ["rosja", "rusija", "rusia", "jens stoltenberg", "jens stoltenberg",
                  "jens stoltenberg", "ławrow", "siergiej ławrow", "serghei lavrov", "telegram"],
        "base_form": ["Rosja", "Rusija", "Rusia", "Jensu Stoltenbergu", "Jensu Stoltenbergu",
                      "Jens Stoltenberg", "Ławrow", "Siergiej Ławrow", "Serghei Lavrov",
                      "Telegramie"],
    })  # fmt: skip
    return entities, mentions


def test_display_names_english_default():
    from analysis.identity import display_names

    entities, mentions = _display_tables()
    before = (entities.copy(), mentions.copy())
    names = display_names(entities, mentions)["name"].tolist()
    # registry name kept; a Polish base form over a Lithuanian adapted one; the Romanian
    # spelling of a foreign name over the Polish; a common word in its dictionary form
    assert names == ["Russia", "Jens Stoltenberg", "Serghei Lavrov", "Telegram"]
    pd.testing.assert_frame_equal(entities, before[0])
    pd.testing.assert_frame_equal(mentions, before[1])


def test_display_names_other_languages():
    from analysis.identity import display_names

    entities, mentions = _display_tables()
    pl = display_names(entities, mentions, language="pl")["name"].tolist()
    assert pl == ["Rosja", "Jens Stoltenberg", "Siergiej Ławrow", "Telegram"]
    ro = display_names(entities, mentions, language="ro")["name"].tolist()
    assert ro == ["Rusia", "Jens Stoltenberg", "Serghei Lavrov", "Telegram"]  # English fallback
    lt = display_names(entities, mentions, language="lt")["name"].tolist()
    assert lt[0] == "Rusija"
    with pytest.raises(ValueError, match="language"):
        display_names(entities, mentions, language="de")
