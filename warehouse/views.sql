-- Views over the warehouse tables, created in news.duckdb after every rebuild has loaded the tables.

CREATE VIEW event_timeline AS
WITH reports AS (
    SELECT e.*, d.seed_file, s.text AS sentence_text,
           CASE e.date_precision WHEN 'day' THEN 3 WHEN 'month' THEN 2 WHEN 'year' THEN 1 ELSE 0 END AS date_rank
    FROM events e
    JOIN documents d USING (doc_id)
    LEFT JOIN sentences s USING (doc_id, sentence_idx)
),
participants AS (
    SELECT r.cluster_id, a.role, list(DISTINCT n.name ORDER BY n.name) AS names
    FROM event_actors a
    JOIN reports r USING (event_id)
    JOIN entities n USING (entity_id)
    GROUP BY ALL
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
sentences_reporting AS (
    SELECT DISTINCT cluster_id, seed_file, sentence_idx, sentence_text FROM reports
),
evidence AS (
    SELECT cluster_id,
           list(seed_file || '#' || sentence_idx ORDER BY seed_file, sentence_idx) AS sentences,
           arg_min(sentence_text, (seed_file, sentence_idx)) AS first_sentence
    FROM sentences_reporting
    GROUP BY cluster_id
),
clusters AS (
    SELECT cluster_id,
           min(event_type) AS event_type,
           arg_min({'date': event_date, 'precision': date_precision}, (-date_rank, coalesce(event_date, ''))) AS dated,
           list(DISTINCT modality ORDER BY modality) AS modalities,
           count(*) AS n_reports,
           count(DISTINCT doc_id) AS n_documents,
           list(DISTINCT seed_file ORDER BY seed_file) AS documents,
           list(event_id ORDER BY event_id) AS event_ids
    FROM reports
    GROUP BY cluster_id
)
SELECT c.cluster_id,
       c.dated.date AS event_date,
       c.dated.precision AS date_precision,
       c.event_type,
       m.mode,
       c.modalities,
       coalesce(actors.names, []::VARCHAR[]) AS actors,
       coalesce(recipients.names, []::VARCHAR[]) AS recipients,
       p.place,
       c.n_reports,
       c.n_documents,
       c.documents,
       v.sentences,
       v.first_sentence,
       c.event_ids
FROM clusters c
JOIN evidence v USING (cluster_id)
LEFT JOIN modes m USING (cluster_id)
LEFT JOIN places p USING (cluster_id)
LEFT JOIN participants actors ON actors.cluster_id = c.cluster_id AND actors.role = 'actor'
LEFT JOIN participants recipients ON recipients.cluster_id = c.cluster_id AND recipients.role = 'recipient'
ORDER BY event_date NULLS LAST, c.cluster_id;

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
