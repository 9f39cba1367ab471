/* TIME values on the command line and ISO 8601 timestamps in reports.
 * All arithmetic is on Unix seconds (int64_t), independent of the process
 * time zone; only timestamp_zone_set with an IANA name consults tzdata. */
#ifndef CNTRAUDIT_TIMESTAMP_H
#define CNTRAUDIT_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

/* Longest string timestamp_format writes, with its NUL. */
#define TIMESTAMP_MAX 32

/* Parses a date, YYYY-MM-DD or YYYYMMDD (8 digits are always a date), or a
 * month, YYYY-MM (its first day), as midnight in the report zone (UTC until
 * timestamp_zone_set); an ISO 8601 date-time with Z or an offset (fractional
 * seconds are truncated); or Unix seconds (any other run of digits). 0, or -1
 * with the error set. */
int timestamp_parse(const char *s, int64_t *out);

/* Seconds since the epoch of a UTC civil date-time (proleptic Gregorian). */
int64_t timestamp_from_civil(int year, int month, int day, int hour, int minute, int second);

/* Sets the zone reports use: "UTC", "Z", a fixed offset ("+02:00", "-0530")
 * or an IANA name ("Europe/Paris"). 0, or -1 with the error set. */
int timestamp_zone_set(const char *zone);
/* The offset in seconds east of UTC in the report zone at instant t. */
int timestamp_zone_offset(int64_t t);

/* Writes t in the report zone: 2025-11-03T19:59:34Z in UTC, else with the
 * offset (2025-11-03T20:59:34+01:00). */
void timestamp_format(int64_t t, char out[TIMESTAMP_MAX]);
/* t as a spreadsheet reads a date-time: YYYY-MM-DD HH:MM:SS in the report
 * zone, no offset. */
void timestamp_format_spreadsheet(int64_t t, char out[TIMESTAMP_MAX]);
/* The report-zone calendar day (YYYY-MM-DD) or month (YYYY-MM) of t. */
void timestamp_format_day(int64_t t, char out[TIMESTAMP_MAX]);
void timestamp_format_month(int64_t t, char out[TIMESTAMP_MAX]);
/* The UTC calendar day of t, whatever the report zone (price dates). */
void timestamp_format_utc_day(int64_t t, char out[TIMESTAMP_MAX]);

#endif
