/* The proxy's recorder: the API objects the traffic carried, stored off its
 * path. Connection threads hand captures over with recorder_submit, which
 * never blocks: when the queue is full the capture is dropped and counted.
 * One thread stores them through the same decoders as import, in small
 * batches of one transaction each, so a crash loses at most the batch being
 * written and the database stays whole. */
#ifndef CNTRAUDIT_RECORDER_H
#define CNTRAUDIT_RECORDER_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* One reply to store. Every string is owned by the capture. The recorder
 * takes the document out of it (capture.c) and redacts the client's key
 * from it, off the traffic's path. */
struct capture {
	char *text; /* the reply's body as received; then the document to store */
	size_t len;
	char *content_type, *content_encoding; /* the reply's, or NULL */
	char *bearer;                          /* the client's key, to redact; wiped when freed */
	char *parent_id;                       /* the resp_ or conv_ an item page belongs to, or NULL */
	char *project_id;                      /* the request's OpenAI-Project, or NULL for the recorder's label */
	char *request_id;                      /* x-request-id, or NULL */
	char *conversation_id;                 /* the conversation the request named, or NULL */
	struct capture *next;                  /* the recorder's */
	uint64_t hash;                         /* the recorder's */
};

struct capture *capture_new(void);
void capture_free(struct capture *c);

struct recorder_counts {
	uint64_t documents; /* stored */
	uint64_t objects;   /* API objects in them */
	uint64_t changed;   /* of which inserted or changed a row */
	uint64_t lost;      /* captures dropped (queue full, store failing, too large) */
	uint64_t failed;    /* documents the decoders refused */
};

struct recorder;

/* Starts the recording thread on store, which it alone uses until
 * recorder_stop. project: the label of objects whose request named none;
 * run_id: the run whose counts it keeps up to date in runs (every few
 * seconds, after a batch). 0, or -1 with the error set. */
int recorder_start(struct store *store, const char *project, int64_t run_id, struct recorder **out);
/* Takes c, to be stored soon (or dropped and counted). Any thread. */
void recorder_submit(struct recorder *r, struct capture *c);
/* Counts, and logs, an object that could not be captured at all. Any thread. */
void recorder_lose(struct recorder *r, const char *why);
/* A copy of the counts so far. Any thread. */
struct recorder_counts recorder_counts(struct recorder *r);
/* Stores what is queued, joins the thread and frees r; *errors (owned,
 * NULL when none) holds the first loss and failure lines. */
void recorder_stop(struct recorder *r, struct recorder_counts *counts, char **errors);

#endif
