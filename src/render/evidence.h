/* The evidence pack for a refund request: a folder a support engineer can
 * verify without this tool. REQUEST.txt (the request itself, a letter),
 * SUMMARY.txt (one page, plain words), the orphans, containers, threads and
 * reconcile reports as CSV, the raw API JSON of every object cited (byte for
 * byte as stored), MANIFEST.json (tool version, audit time, organization,
 * window, price tables, key fingerprints, and each file's SHA-256, size and
 * dates) and SHA256SUMS (for sha256sum -c); with an archive, the same as one
 * .tar.gz. The same database, options and --now give identical files. The
 * audit must have run (audit_run) on store first. */
#ifndef CNTRAUDIT_EVIDENCE_H
#define CNTRAUDIT_EVIDENCE_H

#include "store.h"

#include <stdint.h>

struct evidence_options {
	const char *dir;              /* --out */
	int force;                    /* --force: replace a previous pack's files */
	int64_t now;                  /* the audit's now */
	const int64_t *since, *until; /* the window */
	const char *organization;     /* --org, for REQUEST.txt and the manifest; NULL when not given */
	const char *archive;          /* --archive FILE.tar.gz, or NULL */
};

/* 0, or -1 with the error set. Files are 0600, folders 0700. */
int evidence_write(struct store *store, const struct evidence_options *options);

#endif
