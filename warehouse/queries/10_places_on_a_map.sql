-- Where does the news happen?
-- Places with coordinates (ready for a map), how often they are named, and how many events happened
-- there.
SELECT n.name,
       n.label,
       n.country_iso3,
       n.latitude,
       n.longitude,
       n.n_mentions,
       n.n_documents,
       count(e.event_id) AS n_events
FROM entities n
LEFT JOIN events e ON e.location_entity_id = n.entity_id
WHERE n.latitude IS NOT NULL
GROUP BY n.entity_id, n.name, n.label, n.country_iso3, n.latitude, n.longitude, n.n_mentions, n.n_documents
ORDER BY n_events DESC, n.n_mentions DESC, n.name;
