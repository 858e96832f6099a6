-- How many events of each type happened in each month?
-- Real-world events (clusters) dated at least to the month, and how many reports they have.
SELECT left(event_date, 7) AS month,
       event_type,
       count(*) AS n_events,
       sum(n_reports)::BIGINT AS n_reports
FROM event_timeline
WHERE date_precision IN ('day', 'month')
GROUP BY month, event_type
ORDER BY month, n_events DESC, event_type;
