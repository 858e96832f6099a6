-- Who did what to whom?
-- Actor -> recipient pairs by PLOVER event type, most reported first, with one sentence that says so.
SELECT y.actor,
       y.event_type,
       y.recipient,
       y.n_events,
       y.n_clusters,
       y.documents,
       s.text AS example_sentence
FROM actor_dyads y
JOIN events e ON e.event_id = y.event_ids[1]
JOIN sentences s ON s.doc_id = e.doc_id AND s.sentence_idx = e.sentence_idx
ORDER BY y.n_events DESC, y.actor, y.recipient, y.event_type;
