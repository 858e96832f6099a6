-- Which files were rejected, and why?
-- One row per seed file the pipeline could not accept, grouped by the kind of reason; the reason is
-- a sentence meant for a person.
SELECT rejection_code,
       seed_file,
       reason,
       seed_size,
       seed_sha256
FROM rejected_documents
ORDER BY rejection_code, seed_file;
