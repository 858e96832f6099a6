"""The SQL schema holds every column the contract lists, described."""

from warehouse.schema import TABLES, arrow_table, arrow_tables, tables

CONTRACT_COLUMNS = {
    "documents": ["doc_id", "seed_file", "seed_sha256", "encoding", "raw_text", "title", "clean_text",
                  "published_date", "pipeline_version"],
    "rejected_documents": ["seed_file", "seed_sha256", "reason"],
    "sentences": ["doc_id", "sentence_idx", "char_start", "char_end", "text"],
    "events": ["event_id", "doc_id", "sentence_idx", "char_start", "char_end", "trigger", "event_type", "mode",
               "cameo_root", "modality", "event_date", "date_precision", "location_entity_id", "cluster_id",
               "confidence"],
    "event_actors": ["event_id", "entity_id", "role"],
}  # fmt: skip


def test_every_contract_column_is_in_the_schema_in_order() -> None:
    for table, columns in CONTRACT_COLUMNS.items():
        names = [column.name for column in tables()[table].columns]
        assert names[: len(columns)] == columns


def test_every_table_and_column_is_described() -> None:
    for table in TABLES:
        assert tables()[table].description
        assert all(column.description for column in tables()[table].columns)


def test_published_date_is_a_date_and_offsets_are_integers() -> None:
    types = {column.name: column.sql_type for column in tables()["documents"].columns}
    assert types["published_date"] == "DATE"
    sentence_types = {column.name: column.sql_type for column in tables()["sentences"].columns}
    assert sentence_types["char_start"] == sentence_types["char_end"] == "INTEGER"


def test_events_carry_their_candidates_columns_and_dates_are_iso_text() -> None:
    candidate = {column.name: column.sql_type for column in tables()["event_candidates"].columns}
    event = {column.name: column.sql_type for column in tables()["events"].columns}
    assert candidate.items() <= event.items()
    assert event["event_date"] == "VARCHAR" and event["location_mention_id"] == "VARCHAR"


def test_lists_of_rows_converted_together_give_each_list_its_own_table() -> None:
    def sentence(doc_id: str, index: int) -> dict:  # paragraph_idx missing: null
        return {"doc_id": doc_id, "sentence_idx": index, "char_start": index, "char_end": index + 1, "text": "s"}

    row_lists = [[sentence("a", 0), sentence("a", 1)], [], [sentence("c", 0)]]
    converted = arrow_tables("sentences", row_lists)
    assert len(converted) == 3
    for table, rows in zip(converted, row_lists, strict=True):
        assert table.equals(arrow_table("sentences", rows))
        assert table.schema == tables()["sentences"].arrow_schema
