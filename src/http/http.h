/* The HTTP layer: one libcurl multi handle running up to `jobs` requests at
 * once over reused connections, with bounded retries (exponential backoff
 * with jitter, honouring Retry-After and retry-after-ms up to a limit) for
 * 429, 5xx and transport errors; replies bounded in size and speed. Keys go
 * only into the Authorization header: never into a log line, an error message
 * or a stored object (a fingerprint, the last four characters, may be shown);
 * a reply body or x-request-id that carries one is redacted before the
 * callback sees it. Single-threaded: callbacks run inside http_run. */
#ifndef CNTRAUDIT_HTTP_H
#define CNTRAUDIT_HTTP_H

#include "xalloc.h"

#include <stdint.h>

struct http_client;

struct http_config {
	const char *base_url;          /* API root, e.g. https://api.openai.com/v1 */
	const char *api_key;           /* project key for /containers, /responses, /conversations; may be NULL */
	const char *admin_key;         /* admin key for /organization/...; may be NULL (the client copies both) */
	const char *project;           /* sent as OpenAI-Project when it starts with proj_ */
	const char *org;               /* sent as OpenAI-Organization; may be NULL */
	int jobs;                      /* concurrent requests */
	int max_tries;                 /* attempts per request, retries included */
	long retry_base_ms;            /* first backoff; doubles each try */
	long timeout_ms;               /* a request below 1 KiB/s this long is retried, then fails */
	size_t max_reply_bytes;        /* a longer reply (after decompression) fails its request; 0: 256 MiB */
	long max_wait_ms;              /* a server asking to wait longer fails the request at once; 0: 60 s */
	void (*free_user)(void *user); /* frees the user pointer of a request abandoned unfinished; may be NULL */
	/* Called in http_run before it waits for the network with nothing
	 * finished (the place to commit what is stored, so no write lock is held
	 * across the wait); nonzero stops http_run with that result. May be NULL. */
	int (*before_wait)(void *ctx);
	void *wait_ctx;
};

/* A finished request, borrowed by the callback. */
struct http_result {
	const char *path; /* as submitted, e.g. "/containers?limit=100" */
	long status;      /* HTTP status, 0 when no response was received */
	const char *body; /* NUL-terminated response body (may be empty) */
	size_t body_len;
	const char *request_id; /* x-request-id, or "" */
	const char *error;      /* why it failed for good, or NULL when status is 2xx */
	int tries;              /* attempts made */
	void *user;             /* as submitted */
};

/* Called for every finished request; may submit more. A nonzero return stops
 * http_run (in-flight requests are abandoned). */
typedef int (*http_done_fn)(void *ctx, const struct http_result *result);

int http_client_new(const struct http_config *config, struct http_client **out);
void http_client_free(struct http_client *client);
/* Queues GET base_url + path (path starts with '/'); admin selects the key. */
void http_submit(struct http_client *client, const char *path, int admin, void *user);
/* Sends what was submitted now rather than when the done callback returns:
 * from inside a callback, so a request goes out before slower work on the
 * reply that asked for it. */
void http_start(struct http_client *client);
/* Runs until nothing is queued, in flight or waiting to retry, or done stops
 * it, or *interrupted becomes nonzero. 0, or done's nonzero result. */
int http_run(struct http_client *client, http_done_fn done, void *ctx, volatile int *interrupted);
/* Requests retried so far (for progress and the run summary). */
uint64_t http_retries(const struct http_client *client);
/* "…abcd": what may be shown of a key. */
void http_key_fingerprint(const char *key, char out[16]);
/* s percent-encoded (libcurl's escaping: all but RFC 3986's unreserved
 * characters), for a path segment or a query value: an opaque cursor such as
 * page_AAAAAGdGxdEiJdKOAAAAAGcqsYA= or an ID holding '+' or '&' arrives as
 * sent. Caller frees. */
char *http_escape(const char *s);
/* The reverse, for a segment of a path built with http_escape. Caller frees. */
char *http_unescape(const char *s);

#endif
