"""Each blocking check fails on the rows it exists to catch, with one problem line per broken row:
the seeds' warehouse is broken in one way per check (each where it disturbs no other check but the
ones named), and every check runs once over it."""

import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets import checks
from assets.partitions import SEED_FILES, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from warehouse.parquet import corpus_path, partition_ids, partition_path
from warehouse.schema import arrow_table

Rows = list[dict]
# An event of no PLOVER type, modality or CAMEO root; a mode may take an event to another CAMEO root.
NOT_PLOVER = {"event_type": "NOPE", "modality": "maybe", "cameo_root": "99", "mode": None}
ANOTHER_ROOT = {"cameo_root": "19", "mode": "aerial"}


def rewrite(path: Path, change: Callable[[Rows], Rows]) -> Rows:
    """Replace a Parquet file's rows with `change` of them (same schema); returns the old rows."""
    schema = pq.read_schema(path)
    rows = pq.read_table(path).to_pylist()
    pq.write_table(pa.Table.from_pylist(change([dict(row) for row in rows]), schema=schema), path)
    return rows


def changed(rows: Rows, changes: dict[int, dict]) -> Rows:
    """The rows with new values in some of them: row index → column → value."""
    return [row | changes.get(index, {}) for index, row in enumerate(rows)]


class Broken:
    """The seeds' warehouse after one break per check, the rows each break touched, and the checks' results."""

    def __init__(self, warehouse: Path) -> None:
        self.warehouse = warehouse
        self.docs = sorted(partition_ids(warehouse, "documents"))
        self.rows: dict[str, Rows] = {}  # what each break found, by name
        self.results: dict[str, dg.AssetCheckEvaluation] = {}

    def rewrite(self, name: str, path: Path, change: Callable[[Rows], Rows]) -> None:
        self.rows[name] = rewrite(path, change)

    def file(self, table: str, doc: int) -> Path:
        return partition_path(self.warehouse, table, self.docs[doc])

    def corpus(self, table: str) -> Path:
        return corpus_path(self.warehouse, table)

    def problems(self, check: str) -> list[str]:
        listed = self.results[check].metadata["first_violations"].value
        return [] if listed == "none" else [line.removeprefix("- ") for line in listed.splitlines()]

    def figures(self, check: str) -> dict[str, object]:
        return {key: value.value for key, value in self.results[check].metadata.items() if key != "first_violations"}


@pytest.fixture(scope="module")
def broken(seeds_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Broken:
    """The seeds' warehouse broken once for every check, and all 13 checks run over it in one run."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(seeds_warehouse, root / "warehouse")
    shutil.copytree(seeds_warehouse.parent / "seeds", root / "seeds")
    state = Broken(root / "warehouse")
    state.rewrite("sentences_a", state.file("sentences", 0), lambda rows: changed(rows, {0: {"text": "tampered"}}))
    state.rewrite("sentences_b", state.file("sentences", 1), lambda rows: [*rows, rows[-1]])
    state.rewrite(
        "documents_c", state.file("documents", 2), lambda rows: changed(rows, {0: {"seed_file": "other.txt"}})
    )
    state.rewrite("documents_d", state.file("documents", 3), lambda rows: rows + rows)
    state.rewrite("documents_e", state.file("documents", 4), lambda rows: changed(rows, {0: {"n_sentences": 999}}))
    state.rows["rejected"] = [
        {
            "seed_file": pq.read_table(state.file("documents", 0)).column("seed_file")[0].as_py(),
            "seed_sha256": "0" * 64,
            "reason": " short   ",
            "doc_id": state.docs[0],
            "rejection_code": "bogus",
            "pipeline_version": "test",
        }
    ]
    pq.write_table(arrow_table("rejected_documents", state.rows["rejected"]), state.file("rejected_documents", 0))
    state.rewrite(
        "mentions_a",
        state.file("mention_candidates", 0),
        lambda rows: changed(rows, {0: {"text": "tampered"}, 1: {"sentence_idx": 9999}}),
    )
    state.rewrite("entity_mentions", state.corpus("entity_mentions"), lambda rows: [*rows, *_extra_mentions(rows)])
    state.rewrite(
        "entities",
        state.corpus("entities"),
        lambda rows: [*changed(rows, {0: {"n_mentions": rows[0]["n_mentions"] + 1}}), rows[-1]],
    )
    state.rewrite(
        "events_b", state.file("event_candidates", 1), lambda rows: changed(rows, {0: {"trigger": "tampered"}})
    )
    state.rewrite(
        "events_c",
        state.file("event_candidates", 2),
        lambda rows: changed(rows, {0: NOT_PLOVER, 1: {"cameo_root": "99", "mode": "aerial"}, 2: ANOTHER_ROOT}),
    )
    state.rewrite("actors", state.corpus("event_actors"), lambda rows: [*rows, *_extra_actors(rows)])
    state.rewrite(
        "events", state.corpus("events"), lambda rows: [*rows, rows[0] | {"event_id": "lonely", "event_type": "REJECT"}]
    )
    result = _run_every_check(root / "seeds", state.warehouse)
    state.results = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    return state


def _extra_mentions(rows: Rows) -> Rows:
    """A mention of no entity, and a DATE mention again (its entity, none, is unchanged)."""
    named = next(row for row in rows if row["label"] != "DATE")
    date = next(row for row in rows if row["label"] == "DATE")
    return [named | {"mention_id": "extra", "entity_id": "nowhere"}, date]


def _extra_actors(rows: Rows) -> Rows:
    """A participant that is no entity, one of no event, one in no known role, and the first row again."""
    first = rows[0]
    return [
        first | {"entity_id": "nowhere"},
        first | {"event_id": "noevent"},
        first | {"role": "bystander"},
        first,
    ]


def _run_every_check(seeds_dir: Path, warehouse_dir: Path) -> dg.ExecuteInProcessResult:
    """Run every check (no asset) over all of the seeds' partitions, as a refresh's run would."""
    with dg.instance_for_test() as instance:
        sync_seed_partitions(instance, SeedsFolder(path=str(seeds_dir)).files())
        keys = instance.get_dynamic_partitions(SEED_FILES)
        result = dg.materialize(
            dg.load_asset_checks_from_modules([checks]),
            instance=instance,
            resources={"warehouse": Warehouse(path=str(warehouse_dir))},
            tags=partition_range_tags(keys[0], keys[-1]),
            selection=dg.AssetSelection.all_asset_checks(),
            raise_on_error=False,
        )
    return result


def test_every_check_ran_once_and_failed(broken: Broken) -> None:
    assert len(broken.results) == 13
    assert not any(evaluation.passed for evaluation in broken.results.values())


def test_a_sentence_whose_text_is_not_its_raw_slice(broken: Broken) -> None:
    first = broken.rows["sentences_a"][0]
    assert broken.problems("sentences_trace_to_raw_text") == [
        f"{broken.docs[0]} [{first['char_start']}:{first['char_end']}] 'tampered'"
    ]


def test_a_repeated_sentence_index(broken: Broken) -> None:
    n = len(broken.rows["sentences_b"])
    assert broken.problems("sentence_keys_are_unique") == [
        f"{broken.docs[1]}: sentence_idx values are not 0..{n} without repeats"
    ]


def test_a_repeated_document_and_one_of_another_seed_file(broken: Broken) -> None:
    partition_file = broken.rows["documents_c"][0]["seed_file"]
    assert broken.problems("document_keys_are_unique") == [
        f"{broken.docs[3]}: 2 rows",
        f"{broken.docs[2]}: seed_file 'other.txt' is not its partition's {partition_file!r}",
    ]
    assert broken.figures("document_keys_are_unique") == {"documents_checked": 6, "violations": 2}


def test_documents_whose_sentences_are_not_as_many_as_they_say(broken: Broken) -> None:
    n_b, n_e = len(broken.rows["sentences_b"]), broken.rows["documents_e"][0]["n_sentences"]
    assert broken.problems("documents_have_sentences") == [
        f"{broken.docs[1]}: {n_b + 1} sentences, n_sentences says {n_b}",
        f"{broken.docs[4]}: {n_e} sentences, n_sentences says 999",
    ]


def test_a_rejection_without_a_reason_or_a_known_code_of_an_accepted_file(broken: Broken) -> None:
    seed_file = broken.rows["rejected"][0]["seed_file"]
    assert broken.problems("rejections_explain_themselves") == [
        f"{seed_file}: no reason given",
        f"{seed_file}: unknown code 'bogus'",
        f"{seed_file}: both rejected and accepted",
    ]
    assert broken.figures("rejections_explain_themselves") == {"rejections_checked": 1, "violations": 3}


def test_mentions_not_their_raw_slice_or_outside_their_sentence(broken: Broken) -> None:
    first, second = broken.rows["mentions_a"][:2]
    assert broken.problems("mentions_trace_to_raw_text") == [
        f"{first['mention_id']} 'tampered'",
        f"{second['mention_id']} {second['text'][:60]!r}",
    ]


def test_a_mention_of_no_entity_and_a_repeated_mention(broken: Broken) -> None:
    named = next(row for row in broken.rows["entity_mentions"] if row["label"] != "DATE")
    date = next(row for row in broken.rows["entity_mentions"] if row["label"] == "DATE")
    assert broken.problems("mentions_have_entities") == [
        f"extra ({named['label']}): entity 'nowhere'",
        f"{date['mention_id']}: 2 rows",
    ]
    assert broken.figures("mentions_have_entities") == {
        "mentions_checked": len(broken.rows["entity_mentions"]) + 2,
        "violations": 2,
    }


def test_an_entity_whose_counts_are_wrong_and_a_repeated_entity(broken: Broken) -> None:
    first, last = broken.rows["entities"][0], broken.rows["entities"][-1]
    n, d = first["n_mentions"], first["n_documents"]
    assert broken.problems("entities_have_mentions") == [
        f"{first['entity_id']} {first['name']!r}: {n} mentions in {d} documents, the row says {n + 1} in {d}",
        f"{last['entity_id']}: 2 rows",
    ]


def test_an_event_whose_trigger_is_not_its_raw_slice(broken: Broken) -> None:
    assert broken.problems("events_trace_to_raw_text") == [f"{broken.rows['events_b'][0]['event_id']} 'tampered'"]


def test_events_outside_plover_its_modalities_and_cameo_roots(broken: Broken) -> None:
    first, second = broken.rows["events_c"][:2]
    assert broken.problems("event_types_in_plover") == [
        f"{first['event_id']}: type 'NOPE'",
        f"{first['event_id']}: modality 'maybe'",
        f"{first['event_id']}: CAMEO root '99' for NOPE (mode None)",
        f"{second['event_id']}: CAMEO root '99' for {second['event_type']} (mode 'aerial')",
    ]


def test_participants_of_no_entity_or_event_in_no_role_and_repeated(broken: Broken) -> None:
    first = broken.rows["actors"][0]
    assert broken.problems("event_actors_have_entities") == [
        f"{first['event_id']}: entity 'nowhere'",
        "noevent: no such event",
        f"{first['event_id']}: role 'bystander'",
        f"{(first['event_id'], first['entity_id'], first['role'])}: 2 rows",
    ]


def test_an_event_without_an_actor(broken: Broken) -> None:
    assert broken.problems("events_have_actors") == [f"lonely REJECT {broken.rows['events'][0]['trigger']!r}: no actor"]


def test_the_database_no_longer_matches_the_parquet_files(broken: Broken) -> None:
    # documents, rejected_documents, sentences, entities, entity_mentions, events and event_actors gained rows
    assert broken.figures("duckdb_matches_parquet")["problems"] == 7


def test_checks_that_cannot_read_their_rows_leave_the_others_their_results(
    seeds_warehouse: Path, tmp_path: Path
) -> None:
    shutil.copytree(seeds_warehouse, tmp_path / "warehouse")
    first = partition_path(tmp_path / "warehouse", "sentences", sorted(partition_ids(seeds_warehouse, "sentences"))[0])
    rewrite(first, lambda rows: changed(rows, {0: {"char_start": None}}))  # no span to compare offsets with
    result = _run_every_check(seeds_warehouse.parent / "seeds", tmp_path / "warehouse")
    assert not result.success
    passed = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    lineage = {"sentences_trace_to_raw_text", "mentions_trace_to_raw_text", "events_trace_to_raw_text"}
    assert len(passed) == 10 and not lineage & passed.keys() and all(passed.values())


def test_a_corpus_table_is_read_for_the_columns_its_checks_compare(seeds_warehouse: Path, tmp_path: Path) -> None:
    rows = checks.Rows(Warehouse(path=str(seeds_warehouse)))
    for table, names in checks.CHECKED_COLUMNS.items():
        assert rows[table].column_names == names
        assert rows[table].num_rows == pq.read_metadata(corpus_path(seeds_warehouse, table)).num_rows > 0
    assert checks.Rows(Warehouse(path=str(tmp_path)))["entities"].num_rows == 0  # no file: no rows
