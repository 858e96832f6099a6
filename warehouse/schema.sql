-- The warehouse tables (../CONTRACT.md). This file is the one definition of their columns:
-- the Parquet schemas, the Dagster column metadata and the data dictionary are read from it.

CREATE TABLE documents (
    doc_id VARCHAR NOT NULL PRIMARY KEY,
    seed_file VARCHAR NOT NULL,
    seed_sha256 VARCHAR NOT NULL,
    encoding VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL,
    title VARCHAR,
    clean_text VARCHAR NOT NULL,
    published_date DATE,
    pipeline_version VARCHAR NOT NULL,
    title_char_start INTEGER,
    title_char_end INTEGER,
    published_date_char_start INTEGER,
    published_date_char_end INTEGER,
    n_paragraphs INTEGER NOT NULL,
    n_sentences INTEGER NOT NULL,
    seed_size BIGINT,
    seed_mtime_ns BIGINT
);
COMMENT ON TABLE documents IS 'One row per accepted seed file: its raw text exactly as decoded, and its cleaned text.';
COMMENT ON COLUMN documents.doc_id IS 'Stable id: a hash of the seed file''s relative path.';
COMMENT ON COLUMN documents.seed_file IS 'Path relative to the seeds folder, /-separated.';
COMMENT ON COLUMN documents.seed_sha256 IS 'Hex SHA-256 of the file''s bytes.';
COMMENT ON COLUMN documents.encoding IS 'Encoding the bytes were decoded with (utf-8, utf-8-sig, utf-16, cp1252, latin-1).';
COMMENT ON COLUMN documents.raw_text IS 'The file''s bytes decoded with `encoding`, nothing else changed; every char_start/char_end points into it.';
COMMENT ON COLUMN documents.title IS 'Headline: the first line, normalized; null when the first line is article text.';
COMMENT ON COLUMN documents.clean_text IS 'Body after cleaning: boilerplate out, unicode normalized, paragraphs separated by a blank line.';
COMMENT ON COLUMN documents.published_date IS 'Publication date where the text states it (a date line in the header block).';
COMMENT ON COLUMN documents.pipeline_version IS 'Version of the code that produced the row.';
COMMENT ON COLUMN documents.title_char_start IS 'Start of the headline in raw_text.';
COMMENT ON COLUMN documents.title_char_end IS 'End (exclusive) of the headline in raw_text.';
COMMENT ON COLUMN documents.published_date_char_start IS 'Start in raw_text of the line the publication date was read from.';
COMMENT ON COLUMN documents.published_date_char_end IS 'End (exclusive) in raw_text of the line the publication date was read from.';
COMMENT ON COLUMN documents.n_paragraphs IS 'Paragraphs in clean_text.';
COMMENT ON COLUMN documents.n_sentences IS 'Sentences in the sentences table for this document.';
COMMENT ON COLUMN documents.seed_size IS 'Size in bytes of the file when it was processed.';
COMMENT ON COLUMN documents.seed_mtime_ns IS 'Modification time (ns since the epoch) of the file when it was processed.';

CREATE TABLE rejected_documents (
    seed_file VARCHAR NOT NULL PRIMARY KEY,
    seed_sha256 VARCHAR,
    reason VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    rejection_code VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    seed_size BIGINT,
    seed_mtime_ns BIGINT
);
COMMENT ON TABLE rejected_documents IS 'One row per seed file that could not be accepted, with the reason.';
COMMENT ON COLUMN rejected_documents.seed_file IS 'Path relative to the seeds folder, /-separated.';
COMMENT ON COLUMN rejected_documents.seed_sha256 IS 'Hex SHA-256 of the file''s bytes; null when they could not be read.';
COMMENT ON COLUMN rejected_documents.reason IS 'Why the file was rejected, in a sentence a person understands.';
COMMENT ON COLUMN rejected_documents.doc_id IS 'The id the document would have had.';
COMMENT ON COLUMN rejected_documents.rejection_code IS 'The reason as a code: empty, whitespace_only, binary, undecodable, too_large, symlink_outside, symlink_loop, unreadable, missing, not_a_file, unsafe_path, no_text, pipeline_error.';
COMMENT ON COLUMN rejected_documents.pipeline_version IS 'Version of the code that produced the row.';
COMMENT ON COLUMN rejected_documents.seed_size IS 'Size in bytes of the file when it was tried; null when it could not be stat''ed.';
COMMENT ON COLUMN rejected_documents.seed_mtime_ns IS 'Modification time (ns since the epoch) of the file when it was tried.';

CREATE TABLE sentences (
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    paragraph_idx INTEGER NOT NULL,
    PRIMARY KEY (doc_id, sentence_idx)
);
COMMENT ON TABLE sentences IS 'Sentences of each document''s clean text, each with its span in raw_text.';
COMMENT ON COLUMN sentences.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN sentences.sentence_idx IS '0-based position of the sentence in the document.';
COMMENT ON COLUMN sentences.char_start IS 'Start of the sentence in raw_text (code points, 0-based).';
COMMENT ON COLUMN sentences.char_end IS 'End of the sentence in raw_text (exclusive).';
COMMENT ON COLUMN sentences.text IS 'The cleaned sentence: the raw slice with whitespace collapsed and unicode normalized.';
COMMENT ON COLUMN sentences.paragraph_idx IS '0-based paragraph of clean_text the sentence belongs to.';
