-- Which entities are named differently by different sources?
-- Entities found in more than one article under more than one surface form (transliterations,
-- initials, "U.N." and "United Nations"), with the forms and the seed files that use each.
WITH forms AS (
    SELECT m.entity_id, m.text AS form, list(DISTINCT d.seed_file ORDER BY d.seed_file) AS documents
    FROM entity_mentions m
    JOIN documents d USING (doc_id)
    WHERE m.entity_id IS NOT NULL
    GROUP BY m.entity_id, m.text
)
SELECT n.name,
       n.label,
       count(*) AS n_forms,
       list(f.form ORDER BY f.form) AS forms,
       list(f.form || ' (' || array_to_string(f.documents, ', ') || ')' ORDER BY f.form) AS used_in
FROM forms f
JOIN entities n USING (entity_id)
WHERE n.n_documents > 1
GROUP BY n.entity_id, n.name, n.label
HAVING count(*) > 1
ORDER BY n_forms DESC, n.name;
