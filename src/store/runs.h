/* The runs record: every collect and import, with its options (which never
 * hold a key: keys come only from the environment), counts and first errors.
 * Written outside the data transactions, so an interrupted run still shows. */
#ifndef CNTRAUDIT_RUNS_H
#define CNTRAUDIT_RUNS_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct run_counts {
	size_t objects, changed, not_found, failed, requests, retries;
};

/* Records the start of a run; 0 and *id, or -1 with the error set. */
int run_begin(struct store *store, const char *command, int argc, char **argv, int64_t *id);
/* Records the fingerprints ("project …abcd; admin …wxyz") of the keys a run
 * used. This and run_finish warn when the store fails, leaving the error
 * as it was (the run's own failure is the one to report). */
void run_set_key_fingerprints(struct store *store, int64_t id, const char *fingerprints);
/* The objects, changed and failed counts of a run still going, so that one
 * killed shows what it had stored. Warns when the store fails. */
void run_progress(struct store *store, int64_t id, const struct run_counts *counts);
/* status: ok | partial | failed | interrupted. errors may be NULL. */
void run_finish(struct store *store, int64_t id, const char *status, const struct run_counts *counts,
                const char *errors);

#endif
