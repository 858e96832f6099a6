-- Which entities are named together most often?
-- The strongest edges of the co-occurrence network: pairs named in the same sentence.
SELECT name_a,
       label_a,
       name_b,
       label_b,
       n_sentences,
       n_documents
FROM entity_network
ORDER BY n_sentences DESC, n_documents DESC, name_a, name_b
LIMIT 25;
