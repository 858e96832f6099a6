-- Who met whom in Astana, by date?
-- One row per real-world meeting (a CONSULT cluster of event_timeline) whose place is Astana, with
-- everyone taking part and the articles that report it; undated meetings last. Change the place to ask
-- about another city.
SELECT event_date,
       date_precision,
       mode,
       list_sort(list_distinct(list_concat(actors, recipients))) AS participants,
       n_reports,
       documents,
       first_sentence
FROM event_timeline
WHERE event_type = 'CONSULT' AND place = 'Astana'
ORDER BY event_date NULLS LAST, participants, cluster_id;
