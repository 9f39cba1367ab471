-- audit: the views every report reads, over the audit engine's virtual
-- tables (src/audit_tables.c) and temp.audit_params:
--   audit_window         the containers created inside --since/--until (and
--                        of one classification for the orphans report)
--   audit_thread_window  the threads active inside --since/--until
--   audit_cost_window    Costs API results (and cost export rows) of the days
--                        inside --since/--until, with container_line: 1 when
--                        the line item is code interpreter's, a container's
--                        or Hosted Shell's (the one place that rule is said)
--   audit_usage_window   Usage API buckets of the days inside --since/--until
-- Classification and attribution look at all stored data; the window only
-- chooses the rows a report shows. audit_params is read when a report
-- runs, so changing only_classification changes the next report.
DROP VIEW IF EXISTS temp.audit_window;
CREATE TEMP VIEW audit_window AS
  SELECT * FROM audit_container
  WHERE ((SELECT since FROM temp.audit_params) IS NULL OR created_at >= (SELECT since FROM temp.audit_params))
    AND ((SELECT until FROM temp.audit_params) IS NULL OR created_at < (SELECT until FROM temp.audit_params))
    AND ((SELECT only_classification FROM temp.audit_params) IS NULL
         OR classification = (SELECT only_classification FROM temp.audit_params));
DROP VIEW IF EXISTS temp.audit_thread_window;
CREATE TEMP VIEW audit_thread_window AS
  SELECT * FROM audit_thread
  WHERE ((SELECT since FROM temp.audit_params) IS NULL OR last_seen_at >= (SELECT since FROM temp.audit_params))
    AND ((SELECT until FROM temp.audit_params) IS NULL OR first_seen_at < (SELECT until FROM temp.audit_params));
DROP VIEW IF EXISTS temp.audit_cost_window;
CREATE TEMP VIEW audit_cost_window AS
  SELECT c.*,
         (lower(c.line_item) LIKE '%code interpreter%' OR lower(c.line_item) LIKE '%code_interpreter%'
          OR lower(c.line_item) LIKE '%container%' OR lower(c.line_item) LIKE '%shell%') AS container_line
  FROM costs c, temp.audit_params p
  WHERE (p.since IS NULL OR c.bucket_start >= p.since) AND (p.until IS NULL OR c.bucket_start < p.until);
DROP VIEW IF EXISTS temp.audit_usage_window;
CREATE TEMP VIEW audit_usage_window AS
  SELECT u.* FROM usage_sessions u, temp.audit_params p
  WHERE (p.since IS NULL OR u.bucket_start >= p.since) AND (p.until IS NULL OR u.bucket_start < p.until);
