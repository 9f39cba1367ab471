#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level current = LOG_WARN;
static _Atomic int status_drawn; /* a status line is on stderr's last line */

void log_status(const char *line)
{
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	status_drawn = 1;
}

void log_status_clear(void)
{
	if (status_drawn) {
		fputs("\r\033[K", stderr);
		status_drawn = 0;
	}
}

void log_set_level(enum log_level level)
{
	current = level;
}

int log_level_parse(const char *s)
{
	static const char *names[] = {"quiet", "warn", "info", "debug"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]) || (s[0] == '0' + i && s[1] == '\0'))
			return i;
	return -1;
}

void log_at(enum log_level level, const char *tag, const char *fmt, ...)
{
	va_list ap;
	if (current < level)
		return;
	log_status_clear();
	va_start(ap, fmt);
	fprintf(stderr, "cntraudit: %s", tag);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
