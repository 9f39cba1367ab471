#include "http.h"

#include "error.h"
#include "log.h"
#include "redact.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct request {
	char *path;
	int admin;
	void *user;
	int tries;
	int64_t not_before_ms;  /* when a retry may start */
	int64_t retry_after_ms; /* from the last response, -1 when absent; saturated, never overflowing */
	int too_large;          /* the body passed max_reply_bytes: the transfer was stopped */
	int echoed;             /* a header carried a key (replaced) */
	struct http_client *client;
	CURL *easy; /* while in flight */
	struct curl_slist *headers;
	struct buf body;
	char request_id[128];
	char curl_error[CURL_ERROR_SIZE];
	struct request *next; /* in the queue */
};

struct http_client {
	struct http_config config; /* its keys are the client's own copies, wiped when freed */
	struct redactor *redactor; /* the keys, out of everything a server sends */
	CURLM *multi;
	CURL **idle; /* easy handles kept for reuse */
	int idle_count;
	struct request *queue, *queue_tail; /* waiting to start (retries keep not_before_ms) */
	struct request **active;            /* in flight: jobs slots, NULL when free */
	int in_flight;
	uint64_t retries;
	unsigned int seed;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void http_key_fingerprint(const char *key, char out[16])
{
	size_t n = key ? strlen(key) : 0;
	snprintf(out, 16, "…%s", n >= 4 ? key + n - 4 : "");
}

char *http_escape(const char *s)
{
	char *escaped = curl_easy_escape(NULL, s, 0);
	if (!escaped)
		out_of_memory(strlen(s) * 3 + 1);
	char *out = xstrdup(escaped);
	curl_free(escaped);
	return out;
}

char *http_unescape(const char *s)
{
	int len = 0;
	char *raw = curl_easy_unescape(NULL, s, 0, &len);
	if (!raw)
		out_of_memory(strlen(s) + 1);
	char *out = xstrndup(raw, (size_t)len);
	curl_free(raw);
	return out;
}

int http_client_new(const struct http_config *config, struct http_client **out)
{
	static int initialised;
	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return error_set("cannot initialise libcurl");
		initialised = 1;
	}
	struct http_client *c = xcalloc(1, sizeof *c);
	c->config = *config;
	c->config.api_key = config->api_key ? xstrdup(config->api_key) : NULL;
	c->config.admin_key = config->admin_key ? xstrdup(config->admin_key) : NULL;
	c->redactor = redactor_new(c->config.api_key, c->config.admin_key);
	if (c->config.max_reply_bytes == 0)
		c->config.max_reply_bytes = (size_t)256 << 20;
	if (c->config.max_wait_ms <= 0)
		c->config.max_wait_ms = 60000;
	if (c->config.jobs < 1)
		c->config.jobs = 1;
	if (c->config.max_tries < 1)
		c->config.max_tries = 1;
	c->multi = curl_multi_init();
	c->idle = xcalloc((size_t)c->config.jobs, sizeof *c->idle);
	c->active = xcalloc((size_t)c->config.jobs, sizeof *c->active);
	c->seed = (unsigned int)time(NULL) ^ (unsigned int)(uintptr_t)c;
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->config.jobs);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->config.jobs);
	*out = c;
	return 0;
}

/* Header lists hold the Authorization line: wiped before they are freed. */
static void headers_free(struct curl_slist *headers)
{
	for (struct curl_slist *h = headers; h; h = h->next)
		memset(h->data, 0, strlen(h->data));
	curl_slist_free_all(headers);
}

/* Wipes and frees a copy of a key. */
static void key_free(const char *key)
{
	if (!key)
		return;
	memset((char *)key, 0, strlen(key));
	free((char *)key);
}

static void request_free(struct request *r)
{
	if (!r)
		return;
	/* A finished request's user pointer belongs to the callback by then. */
	headers_free(r->headers);
	buf_free(&r->body);
	free(r->path);
	free(r);
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (struct request *r = c->queue, *next; r; r = next) {
		next = r->next;
		if (c->config.free_user && r->user)
			c->config.free_user(r->user);
		request_free(r);
	}
	/* Requests abandoned in flight (interrupted or stopped). */
	for (int i = 0; i < c->config.jobs; i++) {
		struct request *r = c->active[i];
		if (!r)
			continue;
		curl_multi_remove_handle(c->multi, r->easy);
		curl_easy_cleanup(r->easy);
		if (c->config.free_user && r->user)
			c->config.free_user(r->user);
		request_free(r);
	}
	for (int i = 0; i < c->idle_count; i++)
		curl_easy_cleanup(c->idle[i]);
	curl_multi_cleanup(c->multi);
	free(c->active);
	free(c->idle);
	redactor_free(c->redactor);
	key_free(c->config.api_key);
	key_free(c->config.admin_key);
	free(c);
}

uint64_t http_retries(const struct http_client *c)
{
	return c->retries;
}

static void enqueue(struct http_client *c, struct request *r)
{
	r->next = NULL;
	if (c->queue_tail)
		c->queue_tail->next = r;
	else
		c->queue = r;
	c->queue_tail = r;
}

void http_submit(struct http_client *c, const char *path, int admin, void *user)
{
	struct request *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->admin = admin;
	r->user = user;
	r->retry_after_ms = -1;
	r->client = c;
	enqueue(c, r);
}

/* Bodies are kept whole, up to max_reply_bytes after decompression: a gzip
 * bomb or an endless body is stopped there (a short count aborts the
 * transfer). */
static size_t on_body(char *data, size_t size, size_t count, void *userdata)
{
	struct request *r = userdata;
	size_t n = size * count;
	if (n > r->client->config.max_reply_bytes - r->body.len) {
		r->too_large = 1;
		return 0;
	}
	buf_append(&r->body, data, n);
	return n;
}

/* A header's number of seconds or milliseconds: -1 when it is not one
 * (an HTTP date), saturated rather than overflowing. */
static int64_t header_number(const char *value)
{
	char *end;
	errno = 0;
	long long n = strtoll(value, &end, 10);
	if (end == value || n < 0)
		return -1;
	return errno == ERANGE ? INT64_MAX : (int64_t)n;
}

/* Keeps x-request-id and the retry hints. */
static size_t on_header(char *data, size_t size, size_t count, void *userdata)
{
	struct request *r = userdata;
	size_t len = size * count;
	char line[256];
	if (len >= sizeof line)
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	char *colon = strchr(line, ':');
	if (!colon)
		return len;
	*colon = '\0';
	char *value = colon + 1;
	while (*value == ' ')
		value++;
	if (!strcasecmp(line, "x-request-id")) {
		char *clean = redact_string(r->client->redactor, xstrdup(value));
		r->echoed |= strcmp(clean, value) != 0;
		snprintf(r->request_id, sizeof r->request_id, "%s", clean);
		free(clean);
	} else if (!strcasecmp(line, "retry-after-ms")) {
		r->retry_after_ms = header_number(value);
	} else if (!strcasecmp(line, "retry-after") && r->retry_after_ms < 0) {
		int64_t seconds = header_number(value); /* an HTTP date reads as none */
		r->retry_after_ms = seconds < 0 ? -1 : seconds > INT64_MAX / 1000 ? INT64_MAX : seconds * 1000;
	}
	return len;
}

static void start(struct http_client *c, struct request *r)
{
	const char *key = r->admin ? c->config.admin_key : c->config.api_key;
	char *url = xasprintf("%s%s", c->config.base_url, r->path);
	char *auth = xasprintf("Authorization: Bearer %s", key ? key : "");
	CURL *e = c->idle_count ? c->idle[--c->idle_count] : curl_easy_init();

	curl_easy_reset(e);
	headers_free(r->headers);
	r->headers = curl_slist_append(NULL, auth);
	r->headers = curl_slist_append(r->headers, "Accept: application/json");
	if (c->config.project && !strncmp(c->config.project, "proj_", 5)) {
		char *h = xasprintf("OpenAI-Project: %s", c->config.project);
		r->headers = curl_slist_append(r->headers, h);
		free(h);
	}
	if (c->config.org) {
		char *h = xasprintf("OpenAI-Organization: %s", c->config.org);
		r->headers = curl_slist_append(r->headers, h);
		free(h);
	}
	/* The header list copied the key; wipe ours. */
	memset(auth, 0, strlen(auth));
	free(auth);
	buf_reset(&r->body);
	r->request_id[0] = '\0';
	r->curl_error[0] = '\0';
	r->retry_after_ms = -1;
	r->too_large = r->echoed = 0;
	r->tries++;
	r->easy = e;

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "cntraudit/" CNTRAUDIT_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_error);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->config.timeout_ms < 10000 ? c->config.timeout_ms : 10000L);
	/* Below 1 KiB/s for the stall timeout is a stall: a body trickling a
	 * few bytes a second would otherwise never end. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (c->config.timeout_ms + 999) / 1000);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->config.max_reply_bytes);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	log_debug("GET %s (key %s)", url, "redacted");
	free(url);
	curl_multi_add_handle(c->multi, e);
	for (int i = 0; i < c->config.jobs; i++)
		if (!c->active[i]) {
			c->active[i] = r;
			break;
		}
	c->in_flight++;
}

static void release(struct http_client *c, struct request *r)
{
	curl_multi_remove_handle(c->multi, r->easy);
	if (c->idle_count < c->config.jobs)
		c->idle[c->idle_count++] = r->easy;
	else
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
	for (int i = 0; i < c->config.jobs; i++)
		if (c->active[i] == r)
			c->active[i] = NULL;
	c->in_flight--;
}

/* The next delay before retry number `tries`: exponential with full jitter
 * over its upper half, never below what the server asked for. */
static long backoff_ms(struct http_client *c, const struct request *r)
{
	long base = c->config.retry_base_ms > 0 ? c->config.retry_base_ms : 500;
	long delay = base << (r->tries - 1 < 10 ? r->tries - 1 : 10);
	if (delay > 30000)
		delay = 30000;
	delay = delay / 2 + (long)(rand_r(&c->seed) % (unsigned)(delay / 2 + 1));
	if (r->retry_after_ms > delay)
		delay = (long)r->retry_after_ms; /* at most max_wait_ms: a longer wait fails the request */
	return delay;
}

/* One line saying why a request failed, from OpenAI's error body when any. */
static char *describe_failure_raw(long status, const struct request *r, CURLcode code)
{
	if (status == 0)
		return xasprintf("%s", r->curl_error[0] ? r->curl_error : curl_easy_strerror(code));
	const char *p = r->body.data ? strstr(r->body.data, "\"message\"") : NULL;
	if (p && (p = strchr(p + 9, '"')) != NULL) {
		const char *end = p + 1;
		while (*end && !(*end == '"' && end[-1] != '\\'))
			end++;
		int n = (int)(end - p - 1);
		return xasprintf("HTTP %ld (%.*s)", status, n > 200 ? 200 : n, p + 1);
	}
	return xasprintf("HTTP %ld", status);
}

static char *describe_failure(const struct http_client *c, long status, const struct request *r, CURLcode code)
{
	if (r->too_large || code == CURLE_FILESIZE_EXCEEDED)
		return xasprintf("the reply is larger than %zu MiB (CNTRAUDIT_MAX_REPLY_MB): not read",
		                 c->config.max_reply_bytes >> 20);
	/* The body is redacted already; curl's own message is redacted too. */
	return redact_string(c->redactor, describe_failure_raw(status, r, code));
}

static int retryable(long status, CURLcode code)
{
	if (status == 0)
		return code != CURLE_UNSUPPORTED_PROTOCOL && code != CURLE_URL_MALFORMAT &&
		       code != CURLE_SSL_CACERT_BADFILE && code != CURLE_PEER_FAILED_VERIFICATION &&
		       code != CURLE_FILESIZE_EXCEEDED;
	return status == 429 || status == 408 || status >= 500;
}

/* Starts the queued requests that may start now (within --jobs, past their
 * retry delay); returns when the next delayed one may start, or -1. */
static int64_t start_ready(struct http_client *c, int64_t now)
{
	int64_t wake = -1;
	struct request **link = &c->queue, *prev = NULL;
	while (*link && c->in_flight < c->config.jobs) {
		struct request *r = *link;
		if (r->not_before_ms > now) {
			if (wake < 0 || r->not_before_ms < wake)
				wake = r->not_before_ms;
			prev = r;
			link = &r->next;
			continue;
		}
		*link = r->next;
		if (c->queue_tail == r)
			c->queue_tail = prev;
		start(c, r);
	}
	return wake;
}

void http_start(struct http_client *c)
{
	int running;
	start_ready(c, now_ms());
	curl_multi_perform(c->multi, &running);
}

/* A finished transfer: retried when it may be, else handed to done. The
 * request is freed either way; done's result. */
static int finish(struct http_client *c, CURLMsg *msg, http_done_fn done, void *ctx)
{
	struct request *r;
	long status = 0;
	CURLcode code = msg->data.result;
	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
	curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	if (code != CURLE_OK)
		status = 0;
	release(c, r);
	/* A server that echoes a key gets it back as a fingerprint, before
	 * anything of its reply is logged, retried on or stored. */
	if (redact_buf(c->redactor, &r->body) || r->echoed)
		log_warn("%s: the server sent the key back: it was replaced by its fingerprint before "
		         "anything was stored",
		         r->path);
	int too_long_a_wait = r->retry_after_ms > c->config.max_wait_ms;
	if ((status == 0 || status >= 300) && retryable(status, code) && !r->too_large && !too_long_a_wait &&
	    r->tries < c->config.max_tries) {
		long delay = backoff_ms(c, r);
		char *why = describe_failure(c, status, r, code);
		log_info("retrying %s in %ld ms (try %d of %d): %s", r->path, delay, r->tries + 1, c->config.max_tries,
		         why);
		free(why);
		r->not_before_ms = now_ms() + delay;
		c->retries++;
		enqueue(c, r);
		return 0;
	}
	char *why = status >= 200 && status < 300 && !r->too_large ? NULL : describe_failure(c, status, r, code);
	if (why && too_long_a_wait && retryable(status, code)) {
		char *longer = xasprintf("%s; the server asks to wait %s%lld s, more than the %ld s cntraudit "
		                         "waits: not retried",
		                         why, r->retry_after_ms == INT64_MAX ? "over " : "",
		                         (long long)(r->retry_after_ms / 1000), c->config.max_wait_ms / 1000);
		free(why);
		why = longer;
	}
	struct http_result result = {
	    .path = r->path,
	    .status = status,
	    .body = r->body.data ? r->body.data : "",
	    .body_len = r->body.len,
	    .request_id = r->request_id,
	    .error = why,
	    .tries = r->tries,
	    .user = r->user,
	};
	int rc = done(ctx, &result);
	free(why);
	request_free(r);
	return rc;
}

int http_run(struct http_client *c, http_done_fn done, void *ctx, volatile int *interrupted)
{
	int rc = 0;
	while (!rc && !(interrupted && *interrupted) && (c->queue || c->in_flight)) {
		int64_t wake = start_ready(c, now_ms());
		int running, finished = 0;
		curl_multi_perform(c->multi, &running);
		CURLMsg *msg;
		int left;
		while (!rc && (msg = curl_multi_info_read(c->multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE) {
				finished = 1;
				rc = finish(c, msg, done, ctx);
			}
		if (!finished && !rc && c->config.before_wait)
			rc = c->config.before_wait(c->config.wait_ctx);
		/* Wait only when nothing finished: a reply that arrived within the
		 * perform above must not sit out the poll timeout. */
		if (!finished && !rc) {
			long timeout = 100;
			int64_t now = now_ms();
			if (wake >= 0 && wake - now < timeout)
				timeout = wake - now > 0 ? wake - now : 0;
			curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL);
		}
	}
	return rc;
}
