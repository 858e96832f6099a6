-- Where exactly does this event come from?
-- The provenance of one event ($event_id): the seed file and its SHA-256, the evidence and its trigger
-- as the exact characters of raw_text, and where each participant and the place are named. Run it with
-- `newsevents sql --file warehouse/queries/07_provenance_of_one_event.sql --param event_id=<id>`.
WITH parts AS (
    SELECT 'event' AS part, event_id AS id, NULL::VARCHAR AS entity_id
    FROM events WHERE event_id = $event_id
    UNION ALL
    SELECT role, mention_id, entity_id
    FROM event_actors WHERE event_id = $event_id
    UNION ALL
    SELECT 'place', location_mention_id, location_entity_id
    FROM events WHERE event_id = $event_id AND location_mention_id IS NOT NULL
)
SELECT p.part,
       coalesce(n.name, f.label) AS what,
       f.raw_slice,
       f.trigger,
       f.seed_file,
       f.seed_sha256,
       f.sentence_idx,
       f.char_start,
       f.char_end,
       f.sentence_text
FROM parts p
JOIN fact_provenance f ON f.id = p.id
LEFT JOIN entities n ON n.entity_id = p.entity_id
ORDER BY p.part <> 'event', f.char_start, p.part;
