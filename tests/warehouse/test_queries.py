"""The example queries of `warehouse/queries/` answer their questions on the seeds warehouse.

Every expected value below was read off the five seed articles, not off the query's own output:
the Astana talks of Russia, Turkey and Iran, Iran's objection to the US taking part, the names the
sources spell differently. Assertions hold what the articles say, not every row, so that better
extraction does not break them.
"""

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from warehouse.query import run_query

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEEDS = PROJECT_ROOT / "seeds"
QUERIES = PROJECT_ROOT / "warehouse" / "queries"
GUARANTORS = {"Russia", "Turkey", "Iran"}


def answer(seeds_warehouse: Path, name: str, **params: str) -> list[dict]:
    """The rows of query `name` (a file of warehouse/queries without .sql), as dicts."""
    result = run_query(seeds_warehouse, (QUERIES / f"{name}.sql").read_text(encoding="utf-8"), params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def test_every_query_file_starts_with_its_question_and_is_tested() -> None:
    files = sorted(QUERIES.glob("*.sql"))
    assert len(files) >= 12
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- ") and first.endswith("?"), path.name
    tested = set(re.findall(r'"(\d\d_\w+)"', Path(__file__).read_text(encoding="utf-8")))
    assert {path.stem for path in files} <= tested


def test_queries_name_no_document(seeds_warehouse: Path) -> None:
    """General queries: no doc_id, event_id or seed file of the seeds written into them."""
    ids = run_query(seeds_warehouse, "SELECT doc_id, seed_file FROM documents").rows
    texts = [path.read_text(encoding="utf-8") for path in QUERIES.glob("*.sql")]
    assert not [value for row in ids for value in row for text in texts if value in text]
    assert not [text for text in texts if re.search(r"[0-9a-f]{16}-\d+-\d+", text)]


def test_who_met_whom_in_astana(seeds_warehouse: Path) -> None:
    meetings = answer(seeds_warehouse, "01_who_met_whom_in_astana")
    reported_in = {seed_file for m in meetings if set(m["participants"]) >= GUARANTORS for seed_file in m["documents"]}
    assert {
        "002_2b11229bc80b7b43.txt",  # "the experts of the countries-guarantors [Russia, Turkey, Iran] ... arrived"
        "003_5ebe1cd72f95d513.txt",  # "Delegations from Russia, Iran and Turkey ... had all arrived in Astana"
    } <= reported_in
    dated = [m["event_date"] for m in meetings if m["event_date"]]
    assert "2017-12-21" in dated  # 003: talks "kicked off in Kazakhstan's capital Astana on Thursday", 21 December 2017
    assert dated == sorted(dated) and all(m["event_date"] is None for m in meetings[len(dated) :])  # undated last


def test_every_event_involving_iran_has_its_sentence(seeds_warehouse: Path) -> None:
    events = answer(seeds_warehouse, "02_events_involving_iran")
    assert {e["seed_file"] for e in events} == {f.name for f in SEEDS.glob("*.txt")}  # Iran acts in all five
    assert {e["role"] for e in events} <= {"actor", "recipient"}
    objection = [e for e in events if e["event_type"] == "REJECT"]
    assert [(e["seed_file"], e["role"]) for e in objection] == [("004_f2fc37828fe0a249.txt", "actor")]
    assert objection[0]["sentence"].startswith("Iranian officials had voiced their opposition to US being a party")
    patrol = [e for e in events if e["event_type"] == "AGREE" and e["seed_file"] == "001_d3e627cf6393b863.txt"]
    assert any("Russia, Turkey and Iran agree to jointly police a buffer zone" in e["sentence"] for e in patrol)


def test_names_that_vary_across_sources(seeds_warehouse: Path) -> None:
    variants = {v["name"]: set(v["forms"]) for v in answer(seeds_warehouse, "03_names_that_vary_across_sources")}
    spelled_two_ways = [  # each pair: one article's spelling, another's
        {"Alexander Lavrentiev", "Alexander Lavrentyev"},  # 000, 002, 004 / 001
        {"Hussein Gabri Ansari", "Hossein Jaberi Ansari"},  # 000 / 004
        {"Sedal Önal", "Sedat Onal"},  # 000 / 004
        {"Mohamed Alloush", "Mohammed Alloush"},  # 002 / 004
        {"U.N.", "United Nations"},  # 000 / 001
    ]
    for forms in spelled_two_ways:
        assert any(forms <= named for named in variants.values()), forms
    assert "Russia" not in variants  # one name everywhere


def test_events_by_type_and_month(seeds_warehouse: Path) -> None:
    months = {(m["month"], m["event_type"]): m for m in answer(seeds_warehouse, "04_events_by_type_and_month")}
    assert (
        "2017-01",
        "SUPPORT",
    ) in months  # 000: "Russia, Iran, and Turkey launched the Astana peace process in January 2017"
    assert months[("2017-12", "CONSULT")]["n_events"] >= 2  # 003: the talks of 21 December, de Mistura's meeting
    assert all(m["n_reports"] >= m["n_events"] >= 1 for m in months.values())


def test_most_active_actors(seeds_warehouse: Path) -> None:
    actors = answer(seeds_warehouse, "05_most_active_actors")
    assert actors[0]["name"] == "Russia" and actors[0]["n_documents"] == 5
    assert {a["name"] for a in actors[:5]} >= GUARANTORS
    assert all(a["n_events"] == a["as_actor"] + a["as_recipient"] for a in actors)


def test_the_seeds_have_no_rejected_files(seeds_warehouse: Path) -> None:
    assert answer(seeds_warehouse, "06_rejected_files") == []


def test_rejected_files_and_why(
    instance: dg.DagsterInstance, tmp_path: Path, materialize: Callable[..., dg.ExecuteInProcessResult]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "003_5ebe1cd72f95d513.txt", seeds)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert materialize(instance, seeds, tmp_path / "warehouse").success
    rejected = answer(tmp_path / "warehouse", "06_rejected_files")
    assert [(r["rejection_code"], r["seed_file"], r["seed_size"]) for r in rejected] == [
        ("binary", "photo.txt", 16),
        ("empty", "empty.txt", 0),
    ]
    assert rejected[1]["reason"] == "The file is empty (0 bytes)."
    assert rejected[0]["seed_sha256"] == hashlib.sha256((seeds / "photo.txt").read_bytes()).hexdigest()


def test_provenance_of_one_event_is_the_exact_characters_of_the_file(seeds_warehouse: Path) -> None:
    [objection] = [e for e in answer(seeds_warehouse, "02_events_involving_iran") if e["event_type"] == "REJECT"]
    parts = answer(seeds_warehouse, "07_provenance_of_one_event", event_id=objection["event_id"])
    raw = (SEEDS / "004_f2fc37828fe0a249.txt").read_bytes()
    assert {p["seed_sha256"] for p in parts} == {hashlib.sha256(raw).hexdigest()}
    text = raw.decode("utf-8")
    for part in parts:
        assert part["raw_slice"] == text[part["char_start"] : part["char_end"]]
    by_part = {p["part"]: p for p in parts}
    assert by_part["event"]["trigger"] == "voiced their opposition"
    assert (by_part["actor"]["what"], by_part["actor"]["raw_slice"]) == ("Iran", "Iranian")
    assert (by_part["recipient"]["what"], by_part["recipient"]["raw_slice"]) == ("United States", "US")
    assert parts[0]["part"] == "event"


def test_provenance_of_an_unknown_event_is_empty(seeds_warehouse: Path) -> None:
    assert answer(seeds_warehouse, "07_provenance_of_one_event", event_id="no-such-event") == []


def test_entities_named_together(seeds_warehouse: Path) -> None:
    pairs = answer(seeds_warehouse, "08_entities_named_together")
    top = [{p["name_a"], p["name_b"]} for p in pairs[:5]]
    assert {"Russia", "Iran"} in top and {"Russia", "Turkey"} in top and {"Iran", "Turkey"} in top
    assert [p["n_sentences"] for p in pairs] == sorted((p["n_sentences"] for p in pairs), reverse=True)


def test_who_did_what_to_whom(seeds_warehouse: Path) -> None:
    dyads = {
        (d["actor"], d["event_type"], d["recipient"]): d for d in answer(seeds_warehouse, "09_who_did_what_to_whom")
    }
    objection = dyads[("Iran", "REJECT", "United States")]  # 004: Iranian officials opposed the US taking part
    assert objection["documents"] == ["004_f2fc37828fe0a249.txt"]
    assert "voiced their opposition" in objection["example_sentence"]
    accusation = dyads[("United States", "ACCUSE", "Syria")]  # 002: "accusing Damascus of using chemical weapons"
    assert "accusing Damascus" in accusation["example_sentence"]
    assert all(actor != recipient for actor, _, recipient in dyads)


def test_places_on_a_map(seeds_warehouse: Path) -> None:
    places = answer(seeds_warehouse, "10_places_on_a_map")
    astana = places[0]  # where the talks are held
    assert (astana["name"], astana["country_iso3"]) == ("Astana", "KAZ")
    assert astana["latitude"] == pytest.approx(51.18, abs=0.05) and astana["longitude"] == pytest.approx(
        71.45, abs=0.05
    )
    assert {"Damascus", "Moscow", "Geneva", "Aleppo", "Tehran"} <= {p["name"] for p in places}
    assert all(p["latitude"] is not None and p["longitude"] is not None for p in places)


def test_what_each_source_says_about_a_person(seeds_warehouse: Path) -> None:
    said = answer(seeds_warehouse, "11_what_each_source_says_about_a_person")
    forms = {(s["seed_file"][:3], s["named_as"]) for s in said}
    assert {("000", "Alexander Lavrentiev"), ("001", "Alexander Lavrentyev"), ("001", "Lavrentyev"),
            ("002", "Alexander Lavrentiev"), ("004", "Alexander Lavrentiev")} <= forms  # fmt: skip
    assert all(s["named_as"] in s["sentence"] for s in said)


def test_announced_for_the_future(seeds_warehouse: Path) -> None:
    planned = answer(seeds_warehouse, "12_announced_for_the_future")
    # 003, dated 21 December 2017: "On Thursday, he will meet ... Sergei Lavrov and ... Sergei Shoigu in Moscow."
    meeting = [p for p in planned if p["event_date"] == "2017-12-21" and p["event_type"] == "CONSULT"]
    assert len(meeting) == 1
    assert {"Sergei Lavrov", "Sergei Shoigu"} <= set(meeting[0]["participants"]) and meeting[0]["place"] == "Moscow"
    dated = [p["event_date"] for p in planned if p["event_date"]]
    assert dated == sorted(dated)
