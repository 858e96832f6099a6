-- Which entities are named differently by different sources?
-- Entities found in more than one article under more than one surface form (transliterations,
-- initials, "U.N." and "United Nations"), with the forms and the seed files that use each.
WITH uses AS (  -- each form once per document; only entities whose aliases (every form) could vary
    SELECT DISTINCT m.entity_id, m.text AS form, m.doc_id
    FROM entity_mentions m
    SEMI JOIN entities n ON n.entity_id = m.entity_id AND n.n_documents > 1 AND len(n.aliases) > 1
),
forms AS (
    SELECT u.entity_id, u.form, list(d.seed_file ORDER BY d.seed_file) AS documents
    FROM uses u
    JOIN documents d USING (doc_id)
    GROUP BY u.entity_id, u.form
)
SELECT n.name,
       n.label,
       count(*) AS n_forms,
       list(f.form ORDER BY f.form) AS forms,
       list(f.form || ' (' || array_to_string(f.documents, ', ') || ')' ORDER BY f.form) AS used_in
FROM forms f
JOIN entities n USING (entity_id)
GROUP BY n.entity_id, n.name, n.label
HAVING count(*) > 1
ORDER BY n_forms DESC, n.name;
