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

static void emit(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
	if (current < level)
		return;
	fprintf(stderr, "cntraudit: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_notice(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_WARN, "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_WARN, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}
