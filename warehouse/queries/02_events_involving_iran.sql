-- Which events involve Iran, and what does the source sentence say?
-- Iran as actor or recipient (state-level coding: "Tehran said" and "the Iranian delegation" count),
-- in file and sentence order.
SELECT d.seed_file,
       e.sentence_idx,
       e.event_type,
       a.role,
       e.modality,
       e.event_date,
       e.trigger,
       s.text AS sentence,
       e.event_id
FROM entities n
JOIN event_actors a USING (entity_id)
JOIN events e USING (event_id)
JOIN documents d ON d.doc_id = e.doc_id
JOIN sentences s ON s.doc_id = e.doc_id AND s.sentence_idx = e.sentence_idx
WHERE n.name = 'Iran' AND n.label = 'GPE'
ORDER BY d.seed_file, e.sentence_idx, e.char_start, e.event_type;
