-- What does each source say about Alexander Lavrentiev, however it spells his name?
-- Every sentence that names the entity any of its aliases belong to ("Lavrentiev", "Lavrentyev"), with
-- the form each article uses. Put another alias in the WHERE clause to follow someone else.
SELECT d.seed_file,
       m.sentence_idx,
       m.text AS named_as,
       s.text AS sentence
FROM entities n
JOIN entity_mentions m USING (entity_id)
JOIN documents d ON d.doc_id = m.doc_id
LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.sentence_idx = m.sentence_idx
WHERE list_contains(n.aliases, 'Alexander Lavrentyev')
ORDER BY d.seed_file, m.char_start;
