#include "recorder.h"

#include "capture.h"
#include "decode.h"
#include "error.h"
#include "log.h"
#include "redact.h"
#include "runs.h"
#include "xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What may wait to be stored: a store that lags behind this much loses the
 * newest captures rather than the proxy's memory. */
#define QUEUE_MAX_CAPTURES 8192
#define QUEUE_MAX_BYTES    ((size_t)256 << 20)
/* A batch: what a crash may lose. It closes at this many documents, or this
 * long after its first one arrived (one transaction, one wake-up, for many
 * replies when traffic is heavy; a quiet proxy stores each at once). */
#define BATCH_MAX       256
#define BATCH_WINDOW_MS 10
/* How often, at most, the run's counts in runs are brought up to date. */
#define PROGRESS_EVERY_S 2
/* Replies seen again byte for byte (an application polling a background
 * response) are not decoded and stored again: the store would change
 * nothing. The hashes of the latest ones stored, by slot. */
#define RECENT_SLOTS 4096
/* Loss and failure lines kept for the runs record; logged: these, then one in a thousand. */
#define ERROR_LINES_KEPT 20

struct recorder {
	struct store *store;
	char *project;
	int64_t run_id;
	time_t progress_at; /* the recording thread's: when runs was last brought up to date */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	/* under lock */
	struct capture *head, *tail;
	size_t queued, queued_bytes;
	int stopping;
	struct recorder_counts counts;
	struct buf errors;
	uint64_t problems;
	uint64_t recent[RECENT_SLOTS]; /* the recording thread's */
};

struct capture *capture_new(void)
{
	return xcalloc(1, sizeof(struct capture));
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	if (c->bearer) {
		explicit_bzero(c->bearer, strlen(c->bearer));
		free(c->bearer);
	}
	free(c->text);
	free(c->content_type);
	free(c->content_encoding);
	free(c->parent_id);
	free(c->project_id);
	free(c->request_id);
	free(c->conversation_id);
	free(c);
}

/* Under lock: one loss or failure, counted by the caller, kept and logged. */
static void note_problem(struct recorder *r, const char *what, const char *why)
{
	uint64_t n = ++r->problems;
	if (n <= ERROR_LINES_KEPT)
		buf_printf(&r->errors, "%s: %s\n", what, why);
	if (n <= ERROR_LINES_KEPT || n % 1000 == 0)
		log_warn("proxy: %s (%llu so far): %s", what, (unsigned long long)n, why);
}

void recorder_lose(struct recorder *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	r->counts.lost++;
	note_problem(r, "not recorded", why);
	pthread_mutex_unlock(&r->lock);
}

void recorder_submit(struct recorder *r, struct capture *c)
{
	pthread_mutex_lock(&r->lock);
	if (r->queued >= QUEUE_MAX_CAPTURES || r->queued_bytes + c->len > QUEUE_MAX_BYTES) {
		r->counts.lost++;
		note_problem(r, "not recorded", "the store is behind: the queue is full");
		pthread_mutex_unlock(&r->lock);
		capture_free(c);
		return;
	}
	c->next = NULL;
	if (r->tail)
		r->tail->next = c;
	else
		r->head = c;
	r->tail = c;
	r->queued++;
	r->queued_bytes += c->len;
	if (r->queued == 1 || r->queued == BATCH_MAX) /* the recorder sleeps on anything between */
		pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

struct recorder_counts recorder_counts(struct recorder *r)
{
	pthread_mutex_lock(&r->lock);
	struct recorder_counts counts = r->counts;
	pthread_mutex_unlock(&r->lock);
	return counts;
}

/* Stores one capture inside the batch's transaction: 1 stored, 0 refused
 * or not an API object (*why set for a refusal), -1 when the store failed. */
static int store_capture(struct recorder *r, const struct capture *c, struct decode_counts *counts, char **why)
{
	json_error_t parse_error;
	json_t *doc = json_loadb(c->text, c->len, 0, &parse_error);
	if (!doc) {
		*why = xasprintf("a reply that is not JSON: %s", parse_error.text);
		return 0;
	}
	if (decode_detect_kind(doc) == DOC_UNKNOWN) { /* an API reply the audit does not read */
		json_decref(doc);
		return 0;
	}
	struct decode_context ctx = {.store = r->store,
	                             .project_id = c->project_id ? c->project_id : r->project,
	                             .parent_id = c->parent_id,
	                             .request_id = c->request_id,
	                             .conversation_id = c->conversation_id,
	                             .text = c->text,
	                             .text_len = c->len};
	int rc = decode_whole(&ctx, doc, NULL, NULL, counts);
	if (rc > 0) {
		*why = xstrdup(error_message());
		error_clear();
	}
	json_decref(doc);
	return rc < 0 ? -1 : rc > 0 ? 0 : 1;
}

/* Turns a captured reply into the document to store, with the client's key
 * redacted out of it and out of its x-request-id. 1 to store it, 0 when it
 * holds nothing to store or cannot be read (then counted lost). */
static int prepare(struct recorder *r, struct capture *c)
{
	char *text = NULL, *why = NULL;
	size_t len = 0;
	int rc =
	    capture_document(c->text ? c->text : "", c->len, c->content_type, c->content_encoding, &text, &len, &why);
	if (rc < 0) {
		recorder_lose(r, why);
		free(why);
	}
	if (rc)
		return 0;
	struct redactor *redactor = redactor_new(c->bearer, NULL);
	size_t runs = 0, redacted_len = len;
	char *redacted = redact_text(redactor, text, &redacted_len, &runs);
	if (redacted) {
		free(text);
		text = redacted;
		len = redacted_len;
	}
	if (c->request_id)
		c->request_id = redact_string(redactor, c->request_id);
	redactor_free(redactor);
	free(c->text);
	c->text = text;
	c->len = len;
	return 1;
}

/* FNV-1a of everything a capture stores: its bytes and what they belong to. */
static uint64_t capture_hash(const struct capture *c)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < c->len; i++)
		h = (h ^ (unsigned char)c->text[i]) * 1099511628211ULL;
	const char *parts[] = {c->parent_id, c->project_id, c->conversation_id};
	for (size_t p = 0; p < sizeof parts / sizeof *parts; p++)
		for (const char *s = parts[p] ? parts[p] : "";; s++) {
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
			if (!*s)
				break;
		}
	return h ? h : 1;
}

/* Stores a batch in one transaction; a store that fails loses all of it. */
static void store_batch(struct recorder *r, struct capture *batch)
{
	struct decode_counts counts = {0};
	uint64_t documents = 0, failed = 0, size = 0;
	struct buf refused = {0};
	int ok = !store_begin(r->store);
	for (struct capture *c = batch; c && ok; c = c->next) {
		char *why = NULL;
		if (!prepare(r, c)) {
			c->hash = 0;
			continue;
		}
		c->hash = capture_hash(c);
		if (r->recent[c->hash % RECENT_SLOTS] == c->hash) {
			documents++;
			c->hash = 0; /* nothing stored: nothing to remember */
			continue;
		}
		int rc = store_capture(r, c, &counts, &why);
		if (rc <= 0)
			c->hash = 0;
		if (rc < 0)
			ok = 0;
		documents += rc > 0;
		if (why) {
			failed++;
			buf_printf(&refused, "%s\n", why);
			free(why);
		}
	}
	if (ok && store_commit(r->store))
		ok = 0;
	for (struct capture *c = batch; c && ok; c = c->next)
		if (c->hash)
			r->recent[c->hash % RECENT_SLOTS] = c->hash;
	for (struct capture *c = batch; c; c = c->next)
		size++;
	pthread_mutex_lock(&r->lock);
	if (ok) {
		r->counts.documents += documents;
		r->counts.objects += counts.objects;
		r->counts.changed += counts.changed;
		r->counts.failed += failed;
		for (char *line = refused.data, *end; line && *line; line = end + 1) {
			end = strchr(line, '\n');
			*end = '\0';
			note_problem(r, "refused", line);
		}
	} else {
		char *why =
		    xasprintf("%llu captures lost, the store failed: %s", (unsigned long long)size, error_message());
		r->counts.lost += size;
		note_problem(r, "not recorded", why);
		free(why);
	}
	struct run_counts progress = {
	    .objects = r->counts.objects, .changed = r->counts.changed, .failed = r->counts.lost + r->counts.failed};
	pthread_mutex_unlock(&r->lock);
	if (!ok) {
		store_rollback(r->store);
		error_clear();
	}
	buf_free(&refused);
	time_t now = time(NULL);
	if (now - r->progress_at >= PROGRESS_EVERY_S) {
		r->progress_at = now;
		run_progress(r->store, r->run_id, &progress);
	}
}

static void *record(void *arg)
{
	struct recorder *r = arg;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (!r->head && !r->stopping)
			pthread_cond_wait(&r->wake, &r->lock);
		if (!r->head) {
			pthread_mutex_unlock(&r->lock);
			error_clear(); /* this thread's own last error (error.c), which the store may have left */
			return NULL;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += BATCH_WINDOW_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (r->queued < BATCH_MAX && !r->stopping)
			if (pthread_cond_timedwait(&r->wake, &r->lock, &until))
				break;
		struct capture *batch = r->head, *last = batch;
		size_t n = 1, bytes = batch->len;
		while (n < BATCH_MAX && last->next) {
			last = last->next;
			bytes += last->len;
			n++;
		}
		r->head = last->next;
		if (!r->head)
			r->tail = NULL;
		last->next = NULL;
		r->queued -= n;
		r->queued_bytes -= bytes;
		pthread_mutex_unlock(&r->lock);
		store_batch(r, batch);
		while (batch) {
			struct capture *next = batch->next;
			capture_free(batch);
			batch = next;
		}
	}
}

int recorder_start(struct store *store, const char *project, int64_t run_id, struct recorder **out)
{
	struct recorder *r = xcalloc(1, sizeof *r);
	r->store = store;
	r->run_id = run_id;
	r->progress_at = time(NULL);
	r->project = xstrdup(project);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	if (pthread_create(&r->thread, NULL, record, r)) {
		free(r->project);
		free(r);
		return error_set("cannot start the recording thread");
	}
	*out = r;
	return 0;
}

void recorder_stop(struct recorder *r, struct recorder_counts *counts, char **errors)
{
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	*counts = r->counts;
	*errors = r->errors.data ? buf_detach(&r->errors) : NULL;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	free(r->project);
	free(r);
}
