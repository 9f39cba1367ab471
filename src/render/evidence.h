/* The evidence pack for a refund request: a folder a support engineer can
 * verify without this tool. SUMMARY.txt (one page, plain words), the
 * orphans, containers, threads and reconcile reports as CSV, the raw API
 * JSON of every object cited (byte for byte as stored), and MANIFEST.json
 * (tool version, audit time, window, price tables, key fingerprints, and
 * the SHA-256 of every file). The same database and --now give identical
 * files. The audit must have run (audit_run) on store first. */
#ifndef CNTRAUDIT_EVIDENCE_H
#define CNTRAUDIT_EVIDENCE_H

#include "store.h"

#include <stdint.h>

struct evidence_options {
	const char *dir;              /* --out */
	int force;                    /* --force: replace a previous pack's files */
	int64_t now;                  /* the audit's now */
	const int64_t *since, *until; /* the window */
};

/* 0, or -1 with the error set. Files are 0600, folders 0700. */
int evidence_write(struct store *store, const struct evidence_options *options);

#endif
