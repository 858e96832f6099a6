"""Pure text processing: bytes to decoded text, cleaned text with an offset map, sentences, dates.

Nothing in this package knows about Dagster or about files in the warehouse.
"""

PIPELINE_VERSION = "0.1.0"
