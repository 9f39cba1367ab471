/* SUMMARY.txt of the evidence pack (evidence_summary.c): the figures it
 * states, read once, and the page in plain words. Internal to the stage. */
#ifndef CNTRAUDIT_EVIDENCE_SUMMARY_H
#define CNTRAUDIT_EVIDENCE_SUMMARY_H

#include "store.h"
#include "xalloc.h"

#include <stdint.h>

/* sql/evidence/pack.sql#figures and #words, by name. */
struct evidence_figures {
	/* the containers created in the window */
	int64_t containers, orphans, used, idle, outside;
	int64_t orphan_cost, total_cost, unpriced_orphans; /* estimated micro-dollars; unpriced orphans not in them */
	/* what was billed for those days */
	int64_t cost_lines, billed; /* Costs API lines that are containers', their micro-dollars */
	int64_t sessions;           /* Usage API sessions, -1 when none was collected */
	/* coverage */
	int64_t judged, judged_cost; /* containers not outside_coverage, their estimated cost */
	int64_t responses;           /* responses created in the window that were collected */
	int64_t not_found;           /* response IDs OpenAI answered 404 for */
	char *first_created, *last_created, *projects, *keys, *price_tables; /* text, for the page */
	char *keys_json, *price_tables_json;                                 /* JSON arrays, for the manifest */
};

/* 0, or -1 with the error set (never a figure read as 0). */
int evidence_figures_read(struct store *store, struct evidence_figures *f);
void evidence_figures_free(struct evidence_figures *f);
/* The page, into out. 0, or -1 with the error set (its orphan and price
 * lists are queries too). */
int evidence_summary(struct store *store, const struct evidence_figures *f, int64_t now, struct buf *out);

#endif
