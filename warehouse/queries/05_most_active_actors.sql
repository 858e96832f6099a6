-- Who are the most active participants?
-- Entities by the number of events they take part in, as actor or recipient, with the real-world
-- events (clusters) and articles behind them.
SELECT n.name,
       n.label,
       n.sector,
       count(*) AS n_events,
       count(*) FILTER (WHERE a.role = 'actor') AS as_actor,
       count(*) FILTER (WHERE a.role = 'recipient') AS as_recipient,
       count(DISTINCT e.cluster_id) AS n_clusters,
       count(DISTINCT e.doc_id) AS n_documents
FROM event_actors a
JOIN events e USING (event_id)
JOIN entities n USING (entity_id)
GROUP BY n.entity_id, n.name, n.label, n.sector
ORDER BY n_events DESC, n.name
LIMIT 20;
