#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level current = LOG_WARN;

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
	va_start(ap, fmt);
	fprintf(stderr, "cntraudit: %s", tag);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
