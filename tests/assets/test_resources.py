"""The resources' reads: a caller that needs a few columns gets those, and the same values."""

from pathlib import Path

from assets.resources import Warehouse


def test_a_read_of_some_columns_gives_those_columns_of_every_row(seeds_warehouse: Path) -> None:
    warehouse = Warehouse(path=str(seeds_warehouse))
    for table in ("entity_mentions", "sentences"):
        whole = warehouse.read(table)
        columns = ("entity_id" if table == "entity_mentions" else "text", "doc_id")
        some = warehouse.read(table, columns=columns)
        assert some.column_names == list(columns)
        assert some.num_rows == whole.num_rows > 0
        assert some.equals(whole.select(some.column_names))


def test_a_read_of_some_columns_of_a_table_not_written_yet_is_empty_with_their_types(tmp_path: Path) -> None:
    empty = Warehouse(path=str(tmp_path)).read("entities", columns=("entity_id", "latitude"))
    assert empty.num_rows == 0
    assert [(field.name, str(field.type)) for field in empty.schema] == [
        ("entity_id", "string"),
        ("latitude", "double"),
    ]
