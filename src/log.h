/* Diagnostics on stderr, filtered by the -q/-v/-vv level (CNTRAUDIT_LOG).
 * Logs never go to stdout, which belongs to reports. */
#ifndef CNTRAUDIT_LOG_H
#define CNTRAUDIT_LOG_H

enum log_level { LOG_QUIET = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
/* Parses "quiet", "warn", "info", "debug" (or 0-3); -1 when unknown. */
int log_level_parse(const char *s);
/* A one-line outcome (e.g. what an import stored): shown unless -q. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
