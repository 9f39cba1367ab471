#include "progress.h"

#include "log.h"
#include "xalloc.h"

#include <stdio.h>
#include <time.h>

int64_t progress_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_start(struct progress *p, const char *what, int enabled)
{
	p->what = what;
	p->enabled = enabled;
	p->start_ms = p->last_ms = progress_now_ms();
	p->drawn = 0;
}

void progress_update(struct progress *p, size_t done, size_t total, uint64_t retries)
{
	if (!p->enabled)
		return;
	int64_t now = progress_now_ms();
	if (now - p->last_ms < 200)
		return;
	p->last_ms = now;
	double seconds = (double)(now - p->start_ms) / 1000.0;
	double rate = seconds > 0 ? (double)done / seconds : 0;
	struct buf line = {0};
	buf_printf(&line, "cntraudit: %s: %zu", p->what, done);
	if (total)
		buf_printf(&line, " of %zu", total);
	buf_printf(&line, " (%.0f/s", rate);
	if (total && rate > 0 && done < total)
		buf_printf(&line, ", ETA %.0f s", (double)(total - done) / rate);
	if (retries)
		buf_printf(&line, ", %llu retries", (unsigned long long)retries);
	buf_putc(&line, ')');
	log_status(line.data);
	buf_free(&line);
	p->drawn = 1;
}

void progress_end(struct progress *p)
{
	if (p->drawn)
		log_status_clear();
	p->drawn = 0;
}
