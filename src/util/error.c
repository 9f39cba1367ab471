#include "error.h"

#include "log.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local char *last_error; /* each thread its own: the proxy records on one of its own */

int error_set(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(last_error);
	last_error = buf_detach(&b);
	return -1;
}

const char *error_message(void)
{
	return last_error ? last_error : "unknown error";
}

void error_clear(void)
{
	free(last_error);
	last_error = NULL;
}

void error_print(void)
{
	log_status_clear();
	fprintf(stderr, "cntraudit: %s\n", error_message());
	error_clear();
}
