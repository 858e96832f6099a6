-- What was announced for the future?
-- Events reported as planned or expected (modality future), with their date where the text gives one,
-- who takes part, where, and the sentence.
SELECT e.event_date,
       e.event_type,
       e.trigger,
       coalesce(list(n.name ORDER BY n.name) FILTER (WHERE n.name IS NOT NULL), []) AS participants,
       p.name AS place,
       d.seed_file,
       s.text AS sentence
FROM events e
JOIN documents d ON d.doc_id = e.doc_id
JOIN sentences s ON s.doc_id = e.doc_id AND s.sentence_idx = e.sentence_idx
LEFT JOIN event_actors a ON a.event_id = e.event_id
LEFT JOIN entities n ON n.entity_id = a.entity_id
LEFT JOIN entities p ON p.entity_id = e.location_entity_id
WHERE e.modality = 'future'
GROUP BY e.event_id, e.event_date, e.event_type, e.trigger, p.name, d.seed_file, s.text, e.char_start
ORDER BY e.event_date NULLS LAST, d.seed_file, e.char_start;
