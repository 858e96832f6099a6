"""The data dictionary is generated from the schema's comments, and the committed file is up to date."""

from warehouse.dictionary import DICTIONARY_FILE, dictionary_markdown
from warehouse.schema import TABLES, tables


def test_the_committed_dictionary_is_the_generated_one() -> None:
    assert DICTIONARY_FILE.read_text(encoding="utf-8") == dictionary_markdown(), (
        "warehouse/DICTIONARY.md is stale: run `python -m warehouse.dictionary`"
    )


def test_the_dictionary_describes_every_table_view_and_column() -> None:
    text = dictionary_markdown()
    for name in (*TABLES, "event_timeline", "entity_network", "actor_dyads", "fact_provenance"):
        assert f"\n## {name}\n" in text
    for table in tables().values():
        for column in table.columns:
            assert f"| `{column.name}` | {column.sql_type} |" in text
    assert "| `raw_slice` | VARCHAR |  | Exactly raw_text[char_start:char_end]" in text
    assert "[`01_who_met_whom_in_astana.sql`](queries/01_who_met_whom_in_astana.sql): Who met whom in Astana" in text
