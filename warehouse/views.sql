-- Views over the warehouse tables, created in news.duckdb after every rebuild has loaded the tables.
-- The database is rebuilt from Parquet after every run and read-only between runs, so each view's rows
-- are computed once, then: into a table of the same name in the schema `materialized`, which the view
-- reads in the order they were stored. Query the views; the tables are how they answer in milliseconds.

CREATE SCHEMA IF NOT EXISTS materialized;

CREATE TABLE materialized.event_timeline AS
WITH reports AS (
    SELECT e.*, d.seed_file, s.text AS sentence_text,
           CASE e.date_precision WHEN 'day' THEN 3 WHEN 'month' THEN 2 WHEN 'year' THEN 1 ELSE 0 END AS date_rank
    FROM events e
    JOIN documents d USING (doc_id)
    LEFT JOIN sentences s USING (doc_id, sentence_idx)
),
participants AS (  -- both roles in one pass over the cluster's participants
    SELECT r.cluster_id,
           list_sort(list_distinct(list(n.name) FILTER (WHERE a.role = 'actor'))) AS actors,
           list_sort(list_distinct(list(n.name) FILTER (WHERE a.role = 'recipient'))) AS recipients
    FROM event_actors a
    JOIN reports r USING (event_id)
    JOIN entities n USING (entity_id)
    GROUP BY r.cluster_id
),
places AS (  -- the place most reports give; ties go to the first name
    SELECT cluster_id, arg_min(name, (-reports, name)) AS place
    FROM (
        SELECT r.cluster_id, n.name, count(*) AS reports
        FROM reports r JOIN entities n ON n.entity_id = r.location_entity_id
        GROUP BY ALL
    )
    GROUP BY cluster_id
),
modes AS (  -- the mode most reports give; ties go to the first
    SELECT cluster_id, arg_min(mode, (-reports, mode)) AS mode
    FROM (SELECT cluster_id, mode, count(*) AS reports FROM reports WHERE mode IS NOT NULL GROUP BY ALL)
    GROUP BY cluster_id
),
clusters AS (  -- one pass: distinct sorted lists from plain lists, not one aggregate and join per DISTINCT
    SELECT cluster_id,
           min(event_type) AS event_type,
           arg_min({'date': event_date, 'precision': date_precision}, (-date_rank, coalesce(event_date, ''))) AS dated,
           list_sort(list_distinct(list(modality))) AS modalities,
           count(*) AS n_reports,
           list_sort(list_distinct(list(seed_file))) AS documents,  -- one seed file per document
           list_sort(list_distinct(list({'file': seed_file, 'idx': sentence_idx}))) AS evidence,
           arg_min(sentence_text, (seed_file, sentence_idx)) AS first_sentence,
           list_sort(list(event_id)) AS event_ids
    FROM reports
    GROUP BY cluster_id
)
SELECT c.cluster_id,
       c.dated.date AS event_date,
       c.dated.precision AS date_precision,
       c.event_type,
       m.mode,
       c.modalities,
       coalesce(p.actors, []::VARCHAR[]) AS actors,
       coalesce(p.recipients, []::VARCHAR[]) AS recipients,
       pl.place,
       c.n_reports,
       len(c.documents) AS n_documents,
       c.documents,
       list_transform(c.evidence, lambda s: s.file || '#' || s.idx) AS sentences,
       c.first_sentence,
       c.event_ids
FROM clusters c
LEFT JOIN modes m USING (cluster_id)
LEFT JOIN places pl USING (cluster_id)
LEFT JOIN participants p USING (cluster_id)
ORDER BY event_date NULLS LAST, c.cluster_id;

CREATE VIEW event_timeline AS SELECT * FROM materialized.event_timeline;
COMMENT ON TABLE materialized.event_timeline IS 'The rows of the view event_timeline, computed when the database was built; query the view.';
COMMENT ON VIEW event_timeline IS 'One row per real-world event (events.cluster_id), in date order with undated ones last: what happened, who did it to whom, where and when, and every document and sentence that reports it. For reading the story across articles without counting one happening twice.';
COMMENT ON COLUMN event_timeline.cluster_id IS 'The cluster (events.cluster_id).';
COMMENT ON COLUMN event_timeline.event_date IS 'The most precise date its reports give (ties: the earliest), ISO text at its precision; null when none does.';
COMMENT ON COLUMN event_timeline.date_precision IS 'day, month, year or none, of event_date.';
COMMENT ON COLUMN event_timeline.event_type IS 'The PLOVER type its reports share.';
COMMENT ON COLUMN event_timeline.mode IS 'The PLOVER mode most reports give, if any.';
COMMENT ON COLUMN event_timeline.modalities IS 'The modalities its reports have (asserted, future, hypothetical, negated), sorted.';
COMMENT ON COLUMN event_timeline.actors IS 'Names of the entities that did it, sorted.';
COMMENT ON COLUMN event_timeline.recipients IS 'Names of the entities it was done to, sorted.';
COMMENT ON COLUMN event_timeline.place IS 'Name of the place most reports give, if any.';
COMMENT ON COLUMN event_timeline.n_reports IS 'Event mentions (rows of events) in the cluster.';
COMMENT ON COLUMN event_timeline.n_documents IS 'Documents that report it.';
COMMENT ON COLUMN event_timeline.documents IS 'The seed files that report it, sorted.';
COMMENT ON COLUMN event_timeline.sentences IS 'The sentences that report it, as seed_file#sentence_idx, in file and sentence order.';
COMMENT ON COLUMN event_timeline.first_sentence IS 'The text of the first of those sentences.';
COMMENT ON COLUMN event_timeline.event_ids IS 'Its event mentions (events.event_id), sorted.';

CREATE TABLE materialized.entity_network AS
WITH numbered_documents AS (  -- in seed-file order (doc_id hashes the seed file, so each has its own)
    SELECT doc_id, row_number() OVER (ORDER BY seed_file)::INTEGER AS doc_no FROM documents
),
numbered_entities AS (  -- in entity_id order, so that a < b holds of the numbers as of the ids
    SELECT entity_id, name, label, row_number() OVER (ORDER BY entity_id)::INTEGER AS entity_no FROM entities
),
named AS (  -- each entity once per sentence that names it
    SELECT DISTINCT d.doc_no, m.sentence_idx, n.entity_no
    FROM entity_mentions m
    JOIN numbered_documents d USING (doc_id)
    JOIN numbered_entities n USING (entity_id)
    WHERE m.sentence_idx IS NOT NULL
),
pairs_by_document AS (
    SELECT a.entity_no AS entity_a, b.entity_no AS entity_b, a.doc_no, count(*) AS n_sentences
    FROM named a
    JOIN named b ON a.doc_no = b.doc_no AND a.sentence_idx = b.sentence_idx AND a.entity_no < b.entity_no
    GROUP BY ALL
),
edges AS (
    SELECT entity_a, entity_b,
           sum(n_sentences)::BIGINT AS n_sentences,
           count(*) AS n_documents,
           list(doc_no ORDER BY doc_no) AS doc_nos
    FROM pairs_by_document
    GROUP BY entity_a, entity_b
),
seed_files AS (SELECT list(seed_file ORDER BY seed_file) AS by_doc_no FROM documents)
SELECT a.entity_id AS entity_a, a.name AS name_a, a.label AS label_a,
       b.entity_id AS entity_b, b.name AS name_b, b.label AS label_b,
       e.n_sentences, e.n_documents, list_transform(e.doc_nos, lambda i: f.by_doc_no[i]) AS documents
FROM edges e
CROSS JOIN seed_files f
JOIN numbered_entities a ON a.entity_no = e.entity_a
JOIN numbered_entities b ON b.entity_no = e.entity_b
ORDER BY e.n_sentences DESC, e.n_documents DESC, a.name, b.name, a.entity_id, b.entity_id;

CREATE VIEW entity_network AS SELECT * FROM materialized.entity_network;
COMMENT ON TABLE materialized.entity_network IS 'The rows of the view entity_network, computed when the database was built; query the view.';
COMMENT ON VIEW entity_network IS 'One row per unordered pair of entities named in the same sentence (entity_a < entity_b, each pair once), with how many sentences and documents name both: the edges of the co-occurrence network.';
COMMENT ON COLUMN entity_network.entity_a IS 'The pair''s first entity (entities.entity_id), the smaller id.';
COMMENT ON COLUMN entity_network.name_a IS 'Canonical name of entity_a.';
COMMENT ON COLUMN entity_network.label_a IS 'Label of entity_a (PERSON, ORG, GPE…).';
COMMENT ON COLUMN entity_network.entity_b IS 'The pair''s second entity (entities.entity_id), the larger id.';
COMMENT ON COLUMN entity_network.name_b IS 'Canonical name of entity_b.';
COMMENT ON COLUMN entity_network.label_b IS 'Label of entity_b.';
COMMENT ON COLUMN entity_network.n_sentences IS 'Sentences that name both.';
COMMENT ON COLUMN entity_network.n_documents IS 'Documents with at least one such sentence.';
COMMENT ON COLUMN entity_network.documents IS 'The seed files of those documents, sorted.';

CREATE TABLE materialized.actor_dyads AS
WITH dyads AS (
    SELECT a.entity_id AS actor_id, r.entity_id AS recipient_id, e.event_type, e.event_id, e.cluster_id, e.doc_id
    FROM event_actors a
    JOIN event_actors r ON r.event_id = a.event_id AND r.role = 'recipient' AND r.entity_id <> a.entity_id
    JOIN events e ON e.event_id = a.event_id
    WHERE a.role = 'actor'
),
counted AS (
    SELECT y.actor_id, y.recipient_id, y.event_type,
           count(*) AS n_events,
           count(DISTINCT y.cluster_id) AS n_clusters,
           count(DISTINCT y.doc_id) AS n_documents,
           list(DISTINCT d.seed_file ORDER BY d.seed_file) AS documents,
           list(y.event_id ORDER BY y.event_id) AS event_ids
    FROM dyads y JOIN documents d USING (doc_id)
    GROUP BY y.actor_id, y.recipient_id, y.event_type
)
SELECT c.actor_id, a.name AS actor, a.label AS actor_label,
       c.recipient_id, r.name AS recipient, r.label AS recipient_label,
       c.event_type, c.n_events, c.n_clusters, c.n_documents, c.documents, c.event_ids
FROM counted c
JOIN entities a ON a.entity_id = c.actor_id
JOIN entities r ON r.entity_id = c.recipient_id
ORDER BY c.n_events DESC, actor, recipient, c.event_type, c.actor_id, c.recipient_id;

CREATE VIEW actor_dyads AS SELECT * FROM materialized.actor_dyads;
COMMENT ON TABLE materialized.actor_dyads IS 'The rows of the view actor_dyads, computed when the database was built; query the view.';
COMMENT ON VIEW actor_dyads IS 'Who did what to whom: one row per actor, recipient and PLOVER event type, with the events that code it (an entity that is both actor and recipient of one event is not its own dyad).';
COMMENT ON COLUMN actor_dyads.actor_id IS 'The actor (entities.entity_id).';
COMMENT ON COLUMN actor_dyads.actor IS 'Canonical name of the actor.';
COMMENT ON COLUMN actor_dyads.actor_label IS 'Label of the actor (PERSON, ORG, GPE…).';
COMMENT ON COLUMN actor_dyads.recipient_id IS 'The recipient (entities.entity_id).';
COMMENT ON COLUMN actor_dyads.recipient IS 'Canonical name of the recipient.';
COMMENT ON COLUMN actor_dyads.recipient_label IS 'Label of the recipient.';
COMMENT ON COLUMN actor_dyads.event_type IS 'The PLOVER type of the events.';
COMMENT ON COLUMN actor_dyads.n_events IS 'Event mentions (rows of events) with this actor, recipient and type.';
COMMENT ON COLUMN actor_dyads.n_clusters IS 'Real-world events among them (distinct events.cluster_id).';
COMMENT ON COLUMN actor_dyads.n_documents IS 'Documents that report them.';
COMMENT ON COLUMN actor_dyads.documents IS 'The seed files that report them, sorted.';
COMMENT ON COLUMN actor_dyads.event_ids IS 'The event mentions (events.event_id), sorted.';

-- fact_provenance comes last: each of its rows is computed from rows of one document, so a patch of
-- the database (warehouse/database.py) runs only what comes before its table and recomputes its rows
-- for the documents whose rows changed, with the query below.
-- Declared column by column, its types those of the query below (a test holds them to it), so that
-- `id`, unique to each row, is stored uncompressed: compressing it cost more than any other column.
CREATE TABLE materialized.fact_provenance (
    kind VARCHAR,
    id VARCHAR USING COMPRESSION uncompressed,
    doc_id VARCHAR,
    seed_file VARCHAR,
    seed_sha256 VARCHAR,
    encoding VARCHAR,
    sentence_idx INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    raw_slice VARCHAR,
    label VARCHAR,
    entity_id VARCHAR,
    trigger VARCHAR,
    trigger_char_start INTEGER,
    trigger_char_end INTEGER,
    sentence_char_start INTEGER,
    sentence_char_end INTEGER,
    sentence_text VARCHAR
);
INSERT INTO materialized.fact_provenance
WITH facts AS (
    SELECT 'mention' AS kind, mention_id AS id, doc_id, sentence_idx, char_start, char_end,
           text AS raw_slice, label, entity_id,
           NULL::VARCHAR AS trigger, NULL::INTEGER AS trigger_char_start, NULL::INTEGER AS trigger_char_end
    FROM entity_mentions
    UNION ALL
    SELECT 'event', e.event_id, e.doc_id, e.sentence_idx, e.char_start, e.char_end,
           substring(d.raw_text, e.char_start + 1, e.char_end - e.char_start), e.event_type, NULL,
           e.trigger, e.trigger_char_start, e.trigger_char_end
    FROM events e JOIN documents d USING (doc_id)
)
SELECT f.kind, f.id, f.doc_id, d.seed_file, d.seed_sha256, d.encoding, f.sentence_idx,
       f.char_start, f.char_end, f.raw_slice, f.label, f.entity_id,
       f.trigger, f.trigger_char_start, f.trigger_char_end,
       s.char_start AS sentence_char_start, s.char_end AS sentence_char_end, s.text AS sentence_text
FROM facts f
JOIN documents d USING (doc_id)
LEFT JOIN sentences s USING (doc_id, sentence_idx);

CREATE VIEW fact_provenance AS SELECT * FROM materialized.fact_provenance;
COMMENT ON TABLE materialized.fact_provenance IS 'The rows of the view fact_provenance, computed when the database was built; query the view.';
COMMENT ON VIEW fact_provenance IS 'The lineage a reviewer follows: one row per entity mention and per event, with the seed file and its SHA-256, the exact characters it was read from (raw_text[char_start:char_end]) and its sentence.';
COMMENT ON COLUMN fact_provenance.kind IS 'mention (a row of entity_mentions) or event (a row of events).';
COMMENT ON COLUMN fact_provenance.id IS 'entity_mentions.mention_id or events.event_id.';
COMMENT ON COLUMN fact_provenance.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN fact_provenance.seed_file IS 'The seed file it was read from, relative to the seeds folder.';
COMMENT ON COLUMN fact_provenance.seed_sha256 IS 'Hex SHA-256 of the seed file''s bytes when it was read.';
COMMENT ON COLUMN fact_provenance.encoding IS 'Encoding the file''s bytes were decoded with into raw_text.';
COMMENT ON COLUMN fact_provenance.sentence_idx IS 'The sentence that holds it; null for a mention in the headline.';
COMMENT ON COLUMN fact_provenance.char_start IS 'Start in raw_text: of the mention, or of the event''s evidence (code points, 0-based).';
COMMENT ON COLUMN fact_provenance.char_end IS 'End (exclusive) in raw_text.';
COMMENT ON COLUMN fact_provenance.raw_slice IS 'Exactly raw_text[char_start:char_end]: the mention''s text, or the event''s evidence.';
COMMENT ON COLUMN fact_provenance.label IS 'The mention''s label (PERSON, ORG, GPE…) or the event''s PLOVER type.';
COMMENT ON COLUMN fact_provenance.entity_id IS 'The entity a mention resolved to (entities.entity_id); null for events and DATE mentions.';
COMMENT ON COLUMN fact_provenance.trigger IS 'An event''s trigger, exactly raw_text[trigger_char_start:trigger_char_end]; null for mentions.';
COMMENT ON COLUMN fact_provenance.trigger_char_start IS 'Start of an event''s trigger in raw_text.';
COMMENT ON COLUMN fact_provenance.trigger_char_end IS 'End (exclusive) of an event''s trigger in raw_text.';
COMMENT ON COLUMN fact_provenance.sentence_char_start IS 'Start of its sentence in raw_text.';
COMMENT ON COLUMN fact_provenance.sentence_char_end IS 'End (exclusive) of its sentence in raw_text.';
COMMENT ON COLUMN fact_provenance.sentence_text IS 'The cleaned text of its sentence (sentences.text).';
