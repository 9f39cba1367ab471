/* REQUEST.txt of the evidence pack (evidence_request.c): the refund request
 * itself, a plain letter to OpenAI support ready to paste into a ticket.
 * Internal to the stage. */
#ifndef CNTRAUDIT_EVIDENCE_REQUEST_H
#define CNTRAUDIT_EVIDENCE_REQUEST_H

#include "evidence.h"
#include "evidence_summary.h"
#include "store.h"
#include "xalloc.h"

/* The letter, into out. 0, or -1 with the error set. */
int evidence_request(struct store *store, const struct evidence_figures *f, const struct evidence_options *o,
                     struct buf *out);

#endif
