/* Progress of a long collect on a terminal: one line on stderr, redrawn at
 * most five times a second (items, rate, ETA when the total is known,
 * retries). Off when stderr is not a terminal or with --no-progress. */
#ifndef CNTRAUDIT_PROGRESS_H
#define CNTRAUDIT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress {
	const char *what; /* "containers", "responses", ... */
	int enabled;
	int64_t start_ms, last_ms;
	int drawn;
};

void progress_start(struct progress *p, const char *what, int enabled);
/* total 0 = unknown. */
void progress_update(struct progress *p, size_t done, size_t total, uint64_t retries);
/* Clears the line. */
void progress_end(struct progress *p);
int64_t progress_now_ms(void);

#endif
