-- The warehouse tables (../CONTRACT.md). This file is the one definition of their columns:
-- the Parquet schemas, the Dagster column metadata and the data dictionary are read from it.
-- Each table's key is in warehouse/schema.py (KEYS) and verified after every build: a PRIMARY KEY
-- would make DuckDB maintain an index that costs more to build than loading the rows.

CREATE TABLE documents (
    doc_id VARCHAR NOT NULL,
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
    seed_mtime_ns BIGINT,
    date_anchor VARCHAR,
    date_anchor_method VARCHAR
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
COMMENT ON COLUMN documents.date_anchor IS 'What the events'' relative dates ("on Monday", "last week") are resolved against, as ISO text at its precision: the publication date (2017-12-21), or only a year (2017) when that is all the text gives; null when nothing dates the article.';
COMMENT ON COLUMN documents.date_anchor_method IS 'How date_anchor was found: date_line (stated), weekday_and_date (a weekday next to a day and month fixes the year), latest_explicit_date, year_bound, or none.';

CREATE TABLE rejected_documents (
    seed_file VARCHAR NOT NULL,
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
COMMENT ON COLUMN rejected_documents.rejection_code IS 'The reason as a code: empty, whitespace_only, binary, undecodable, too_large, symlink_outside, symlink_loop, unreadable, missing, not_a_file, unsafe_path, html, no_text, pipeline_error.';
COMMENT ON COLUMN rejected_documents.pipeline_version IS 'Version of the code that produced the row.';
COMMENT ON COLUMN rejected_documents.seed_size IS 'Size in bytes of the file when it was tried; null when it could not be stat''ed.';
COMMENT ON COLUMN rejected_documents.seed_mtime_ns IS 'Modification time (ns since the epoch) of the file when it was tried.';

CREATE TABLE sentences (
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    paragraph_idx INTEGER NOT NULL
);
COMMENT ON TABLE sentences IS 'Sentences of each document''s clean text, each with its span in raw_text.';
COMMENT ON COLUMN sentences.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN sentences.sentence_idx IS '0-based position of the sentence in the document.';
COMMENT ON COLUMN sentences.char_start IS 'Start of the sentence in raw_text (code points, 0-based).';
COMMENT ON COLUMN sentences.char_end IS 'End of the sentence in raw_text (exclusive).';
COMMENT ON COLUMN sentences.text IS 'The cleaned sentence: the raw slice with whitespace collapsed and unicode normalized.';
COMMENT ON COLUMN sentences.paragraph_idx IS '0-based paragraph of clean_text the sentence belongs to.';

CREATE TABLE mention_candidates (
    mention_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    method VARCHAR NOT NULL,
    link VARCHAR,
    country_iso3 VARCHAR,
    sector VARCHAR
);
COMMENT ON TABLE mention_candidates IS 'What the recognizer found in each document, before cross-document resolution: entity_mentions without entity_id.';
COMMENT ON COLUMN mention_candidates.mention_id IS 'Unique: doc_id, char_start and char_end.';
COMMENT ON COLUMN mention_candidates.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN mention_candidates.sentence_idx IS 'The sentence holding the mention; null for a mention in the headline, which is not a sentence.';
COMMENT ON COLUMN mention_candidates.char_start IS 'Start of the mention in raw_text (code points, 0-based).';
COMMENT ON COLUMN mention_candidates.char_end IS 'End of the mention in raw_text (exclusive).';
COMMENT ON COLUMN mention_candidates.text IS 'The mention exactly as raw_text has it: raw_text[char_start:char_end].';
COMMENT ON COLUMN mention_candidates.label IS 'PERSON, ORG, GPE, LOC, NORP, FAC, EVENT or DATE.';
COMMENT ON COLUMN mention_candidates.confidence IS 'How sure the rule that found it is, 0..1.';
COMMENT ON COLUMN mention_candidates.method IS 'What found it: gazetteer:<source>, rule:<cue>, or model:<spaCy pipeline>.';
COMMENT ON COLUMN mention_candidates.link IS 'The gazetteer record it was linked to (geonames:<id>, iso3166-2:<code>, org:…, norp:…, person:…), if any.';
COMMENT ON COLUMN mention_candidates.country_iso3 IS 'The country the words around it give (a nationality or possessive before a title), if any.';
COMMENT ON COLUMN mention_candidates.sector IS 'The actor sector the words around it give (GOV, MIL, REB, OPP, IGO, NGO, MED…), if any.';

CREATE TABLE entities (
    entity_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    aliases VARCHAR[] NOT NULL,
    country_iso3 VARCHAR,
    geonames_id BIGINT,
    latitude DOUBLE,
    longitude DOUBLE,
    sector VARCHAR,
    n_mentions INTEGER NOT NULL,
    n_documents INTEGER NOT NULL,
    link VARCHAR,
    capital_of VARCHAR,
    subdivision_code VARCHAR
);
COMMENT ON TABLE entities IS 'One row per resolved real-world entity, across all documents.';
COMMENT ON COLUMN entities.entity_id IS 'Stable across runs for the same inputs: a hash of the gazetteer link, or of the label and canonical name.';
COMMENT ON COLUMN entities.name IS 'Canonical name.';
COMMENT ON COLUMN entities.label IS 'PERSON, ORG, GPE, LOC, NORP, FAC or EVENT.';
COMMENT ON COLUMN entities.aliases IS 'Every surface form that resolved to this entity, sorted.';
COMMENT ON COLUMN entities.country_iso3 IS 'ISO 3166-1 alpha-3 of the country the entity is or belongs to, where known.';
COMMENT ON COLUMN entities.geonames_id IS 'GeoNames id, for places.';
COMMENT ON COLUMN entities.latitude IS 'Latitude (WGS84), for places; a country has its capital''s.';
COMMENT ON COLUMN entities.longitude IS 'Longitude (WGS84), for places; a country has its capital''s.';
COMMENT ON COLUMN entities.sector IS 'Actor role where known: GOV, MIL, REB, OPP, IGO, NGO, MED, EDU, BUS.';
COMMENT ON COLUMN entities.n_mentions IS 'Mentions resolved to this entity.';
COMMENT ON COLUMN entities.n_documents IS 'Documents with at least one such mention.';
COMMENT ON COLUMN entities.link IS 'The gazetteer record (geonames:<id>, iso3166-2:<code>, org:…, norp:…, person:…); null for entities found by rules alone.';
COMMENT ON COLUMN entities.capital_of IS 'For a national capital or a seat of government: the ISO3 of the country it stands for when used for its government ("Moscow said", "the Kremlin said").';
COMMENT ON COLUMN entities.subdivision_code IS 'ISO 3166-2 code, for an administrative region (a province or governorate).';

CREATE TABLE entity_mentions (
    mention_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    entity_id VARCHAR,
    confidence DOUBLE NOT NULL,
    method VARCHAR NOT NULL,
    link VARCHAR,
    country_iso3 VARCHAR,
    sector VARCHAR
);
COMMENT ON TABLE entity_mentions IS 'One row per recognized mention, with the entity it resolved to.';
COMMENT ON COLUMN entity_mentions.mention_id IS 'Unique: doc_id, char_start and char_end.';
COMMENT ON COLUMN entity_mentions.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN entity_mentions.sentence_idx IS 'The sentence holding the mention; null for a mention in the headline, which is not a sentence.';
COMMENT ON COLUMN entity_mentions.char_start IS 'Start of the mention in raw_text (code points, 0-based).';
COMMENT ON COLUMN entity_mentions.char_end IS 'End of the mention in raw_text (exclusive).';
COMMENT ON COLUMN entity_mentions.text IS 'The mention exactly as raw_text has it: raw_text[char_start:char_end].';
COMMENT ON COLUMN entity_mentions.label IS 'PERSON, ORG, GPE, LOC, NORP, FAC, EVENT or DATE.';
COMMENT ON COLUMN entity_mentions.entity_id IS 'The resolved entity (entities.entity_id); null only for DATE.';
COMMENT ON COLUMN entity_mentions.confidence IS 'How sure the rule that found it is, 0..1.';
COMMENT ON COLUMN entity_mentions.method IS 'What found it: gazetteer:<source>, rule:<cue>, or model:<spaCy pipeline>.';
COMMENT ON COLUMN entity_mentions.link IS 'The gazetteer record it was linked to, if any.';
COMMENT ON COLUMN entity_mentions.country_iso3 IS 'The country the words around it give, if any (the entity has the resolved one).';
COMMENT ON COLUMN entity_mentions.sector IS 'The sector the words around it give, if any (the entity has the resolved one).';

CREATE TABLE event_candidates (
    event_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    trigger VARCHAR NOT NULL,
    trigger_char_start INTEGER NOT NULL,
    trigger_char_end INTEGER NOT NULL,
    event_type VARCHAR NOT NULL,
    mode VARCHAR,
    cameo_root VARCHAR,
    modality VARCHAR NOT NULL,
    event_date VARCHAR,
    date_precision VARCHAR NOT NULL,
    date_method VARCHAR,
    date_mention_id VARCHAR,
    location_mention_id VARCHAR,
    confidence DOUBLE NOT NULL,
    method VARCHAR NOT NULL
);
COMMENT ON TABLE event_candidates IS 'The events the extractor found in each document, before corpus-level coding: their places and participants are still mentions, not entities.';
COMMENT ON COLUMN event_candidates.event_id IS 'Unique and stable: doc_id, the trigger''s span and the event type.';
COMMENT ON COLUMN event_candidates.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN event_candidates.sentence_idx IS 'The sentence that reports the event.';
COMMENT ON COLUMN event_candidates.char_start IS 'Start in raw_text of the evidence: the clause that reports the event, inside its sentence.';
COMMENT ON COLUMN event_candidates.char_end IS 'End (exclusive) in raw_text of the evidence.';
COMMENT ON COLUMN event_candidates.trigger IS 'The word(s) that signal the event, exactly as raw_text has them: raw_text[trigger_char_start:trigger_char_end].';
COMMENT ON COLUMN event_candidates.trigger_char_start IS 'Start of the trigger in raw_text.';
COMMENT ON COLUMN event_candidates.trigger_char_end IS 'End (exclusive) of the trigger in raw_text.';
COMMENT ON COLUMN event_candidates.event_type IS 'One of PLOVER''s 16 types: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.';
COMMENT ON COLUMN event_candidates.mode IS 'PLOVER mode where the text gives one (visit, phone, ceasefire, aerial…).';
COMMENT ON COLUMN event_candidates.cameo_root IS 'The CAMEO two-digit root code that corresponds to the type (and mode).';
COMMENT ON COLUMN event_candidates.modality IS 'asserted, future, hypothetical or negated.';
COMMENT ON COLUMN event_candidates.event_date IS 'When it happened, as ISO text at its precision (2017, 2017-01, 2017-01-23); null when unknown.';
COMMENT ON COLUMN event_candidates.date_precision IS 'day, month, year or none.';
COMMENT ON COLUMN event_candidates.date_method IS 'How the date was resolved: explicit, explicit_range_start, relative:<cue> or weekday:<past|next> against documents.date_anchor, or unresolved.';
COMMENT ON COLUMN event_candidates.date_mention_id IS 'The DATE mention the date was read from (mention_candidates.mention_id), if any.';
COMMENT ON COLUMN event_candidates.location_mention_id IS 'The place mention where it happened (mention_candidates.mention_id), if any.';
COMMENT ON COLUMN event_candidates.confidence IS 'How sure the extractor is, 0..1.';
COMMENT ON COLUMN event_candidates.method IS 'Which rule found it (verbal, nominal, passive, participle trigger…).';

CREATE TABLE event_arguments (
    event_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    mention_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    sector VARCHAR
);
COMMENT ON TABLE event_arguments IS 'The actors and recipients of each event candidate, as the entity mentions the text names them with.';
COMMENT ON COLUMN event_arguments.event_id IS 'The event (event_candidates.event_id).';
COMMENT ON COLUMN event_arguments.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN event_arguments.mention_id IS 'The entity mention taking part (mention_candidates.mention_id).';
COMMENT ON COLUMN event_arguments.role IS 'actor (who does it) or recipient (to whom it is done).';
COMMENT ON COLUMN event_arguments.sector IS 'The sector the role noun around the mention gives ("the Turkish delegation": GOV), if any.';

CREATE TABLE events (
    event_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    sentence_idx INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    trigger VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    mode VARCHAR,
    cameo_root VARCHAR,
    modality VARCHAR NOT NULL,
    event_date VARCHAR,
    date_precision VARCHAR NOT NULL,
    location_entity_id VARCHAR,
    cluster_id VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    trigger_char_start INTEGER NOT NULL,
    trigger_char_end INTEGER NOT NULL,
    date_method VARCHAR,
    date_mention_id VARCHAR,
    location_mention_id VARCHAR,
    method VARCHAR NOT NULL,
    n_actors INTEGER NOT NULL,
    n_recipients INTEGER NOT NULL
);
COMMENT ON TABLE events IS 'One row per event mention, PLOVER-coded, with its place resolved to an entity and the cluster of reports of the same real-world event.';
COMMENT ON COLUMN events.event_id IS 'Unique and stable: doc_id, the trigger''s span and the event type.';
COMMENT ON COLUMN events.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN events.sentence_idx IS 'The sentence that reports the event.';
COMMENT ON COLUMN events.char_start IS 'Start in raw_text of the evidence: the clause that reports the event, inside its sentence.';
COMMENT ON COLUMN events.char_end IS 'End (exclusive) in raw_text of the evidence.';
COMMENT ON COLUMN events.trigger IS 'The word(s) that signal the event, exactly as raw_text has them: raw_text[trigger_char_start:trigger_char_end].';
COMMENT ON COLUMN events.event_type IS 'One of PLOVER''s 16 types: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.';
COMMENT ON COLUMN events.mode IS 'PLOVER mode where the text gives one (visit, phone, ceasefire, aerial…).';
COMMENT ON COLUMN events.cameo_root IS 'The CAMEO two-digit root code that corresponds to the type (and mode).';
COMMENT ON COLUMN events.modality IS 'asserted, future, hypothetical or negated.';
COMMENT ON COLUMN events.event_date IS 'When it happened, as ISO text at its precision (2017, 2017-01, 2017-01-23); null when unknown.';
COMMENT ON COLUMN events.date_precision IS 'day, month, year or none.';
COMMENT ON COLUMN events.location_entity_id IS 'Where it happened (entities.entity_id), where the text says.';
COMMENT ON COLUMN events.cluster_id IS 'Shared by the reports of one real-world event across sentences and documents: same type, overlapping participants, compatible date and place.';
COMMENT ON COLUMN events.confidence IS 'How sure the extractor is, 0..1.';
COMMENT ON COLUMN events.trigger_char_start IS 'Start of the trigger in raw_text.';
COMMENT ON COLUMN events.trigger_char_end IS 'End (exclusive) of the trigger in raw_text.';
COMMENT ON COLUMN events.date_method IS 'How the date was resolved: explicit, explicit_range_start, relative:<cue> or weekday:<past|next> against documents.date_anchor, or unresolved.';
COMMENT ON COLUMN events.date_mention_id IS 'The DATE mention the date was read from (entity_mentions.mention_id), if any.';
COMMENT ON COLUMN events.location_mention_id IS 'The place mention location_entity_id was resolved from (entity_mentions.mention_id), if any.';
COMMENT ON COLUMN events.method IS 'Which rule found it (verbal, nominal, passive, participle trigger…).';
COMMENT ON COLUMN events.n_actors IS 'Rows of event_actors with role actor.';
COMMENT ON COLUMN events.n_recipients IS 'Rows of event_actors with role recipient.';

CREATE TABLE event_actors (
    event_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    mention_id VARCHAR NOT NULL,
    sector VARCHAR
);
COMMENT ON TABLE event_actors IS 'Who took part in each event, coded at state level: a capital standing for its government, a nationality in a state role ("the Turkish delegation"), a state army or the head of a government phrase ("the Assad regime") is its country.';
COMMENT ON COLUMN event_actors.event_id IS 'The event (events.event_id).';
COMMENT ON COLUMN event_actors.entity_id IS 'The participant (entities.entity_id).';
COMMENT ON COLUMN event_actors.role IS 'actor (who does it) or recipient (to whom it is done).';
COMMENT ON COLUMN event_actors.mention_id IS 'The first mention that named this participant in the event (entity_mentions.mention_id).';
COMMENT ON COLUMN event_actors.sector IS 'The participant''s sector here: the role noun''s (delegation: GOV, forces: MIL), else the mentioned entity''s.';
