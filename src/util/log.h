/* Diagnostics on stderr, filtered by the -q/-v/-vv level (CNTRAUDIT_LOG).
 * Logs never go to stdout, which belongs to reports. */
#ifndef CNTRAUDIT_LOG_H
#define CNTRAUDIT_LOG_H

enum log_level { LOG_QUIET = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
/* Parses "quiet", "warn", "info", "debug" (or 0-3); -1 when unknown. */
int log_level_parse(const char *s);
/* Prints "cntraudit: TAGmessage" when the level is enabled, on a line of
 * its own: a status line being drawn (log_status) is erased first. */
void log_at(enum log_level level, const char *tag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A one-line outcome (e.g. what an import stored): shown unless -q. */
#define log_notice(...) log_at(LOG_WARN, "", __VA_ARGS__)
#define log_warn(...)   log_at(LOG_WARN, "warning: ", __VA_ARGS__)
#define log_info(...)   log_at(LOG_INFO, "", __VA_ARGS__)
#define log_debug(...)  log_at(LOG_DEBUG, "debug: ", __VA_ARGS__)

/* A status line on a terminal (progress): drawn over the previous one with
 * "\r\033[K" and no newline; log_status_clear erases it. Every other line
 * written to stderr must call log_status_clear first (log_at does). */
void log_status(const char *line);
void log_status_clear(void);

#endif
