-- report focus (src/cli/cmd_report.c): what a FOCUS dataset had to leave
-- out, so the command can say it: unpriced containers (estimates) and Costs
-- API results without an amount (billed).

-- name: left_out
SELECT (SELECT count(*) FROM audit_window WHERE unpriced) AS unpriced,
       (SELECT count(*) FROM audit_cost_window WHERE container_line AND amount_micros IS NULL) AS no_amount
