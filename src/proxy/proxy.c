#include "proxy.h"

#include "capture.h"
#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bounded memory per connection: a request body up to this is forwarded
 * (OpenAI's own limit for a request is far below), and at most this much of
 * a reply waits for a slow client before the upstream is paused. */
#define MAX_REQUEST_BYTES ((size_t)64 << 20)
#define MAX_PENDING_BYTES ((size_t)1 << 20)
/* How long requests in flight may finish once the proxy is told to stop. */
#define STOP_GRACE_MS 5000
/* How long the proxy waits for the upstream to connect. */
#define CONNECT_TIMEOUT_S 30L

struct proxy {
	const struct proxy_config *config;
	atomic_int stopping;
	atomic_int in_flight;
	atomic_uint_fast64_t requests, upstream_failures, cut;
};

/* One client connection: its upstream transfer handle, reused request
 * after request (so is the upstream connection, through the multi's cache). */
struct link {
	CURLM *multi;
	CURL *easy;
	int client_fd;
	struct exchange *unclaimed; /* a request begun that no handler has seen yet (a malformed one) */
};

/* A request and its reply. */
struct exchange {
	struct proxy *proxy;
	struct link *link;
	char *uri; /* the request target as received: path and query, undecoded */
	char *path;
	const char *method;
	struct buf body;
	int too_large;
	char *bearer; /* the client's key, only to redact it out of what is recorded; wiped */
	char *project, *conversation_id;
	struct curl_slist *headers;
	int started, done, headers_done, paused, watch_client;
	CURLcode result;
	char curl_error[CURL_ERROR_SIZE];
	/* the reply */
	long status;
	struct buf reply_headers; /* "name\0value\0" pairs */
	int64_t content_length;   /* -1 when not given */
	struct buf pending;       /* from upstream, not yet sent on */
	size_t pending_off;
	/* the recording */
	int capture;
	char *parent_id, *content_type, *content_encoding, *request_id;
	struct buf captured;
	int capture_too_large;
};

static const char *const hop_by_hop[] = {"connection",
                                         "keep-alive",
                                         "proxy-connection",
                                         "proxy-authenticate",
                                         "proxy-authorization",
                                         "te",
                                         "trailer",
                                         "transfer-encoding",
                                         "upgrade",
                                         "content-length",
                                         "host",
                                         "expect",
                                         NULL};

static int is_hop_by_hop(const char *name, size_t len)
{
	for (int i = 0; hop_by_hop[i]; i++)
		if (strlen(hop_by_hop[i]) == len && !strncasecmp(name, hop_by_hop[i], len))
			return 1;
	return 0;
}

/* ---- the upstream side ---------------------------------------------------- */

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct exchange *x = arg;
	size_t len = size * n, end = len;
	while (end && (line[end - 1] == '\n' || line[end - 1] == '\r'))
		end--;
	if (!strncmp(line, "HTTP/", 5)) { /* a status line: a 100 Continue's headers are forgotten */
		const char *sp = memchr(line, ' ', end);
		x->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		buf_reset(&x->reply_headers);
		x->content_length = -1;
		return len;
	}
	if (end == 0) {
		if (x->status >= 200)
			x->headers_done = 1;
		return len;
	}
	const char *colon = memchr(line, ':', end);
	if (!colon)
		return len;
	size_t name_len = (size_t)(colon - line);
	const char *value = colon + 1;
	while (value < line + end && (*value == ' ' || *value == '\t'))
		value++;
	size_t value_len = (size_t)(line + end - value);
	if (name_len == 14 && !strncasecmp(line, "content-length", 14))
		x->content_length = strtoll(value, NULL, 10);
	if (is_hop_by_hop(line, name_len))
		return len;
	buf_append(&x->reply_headers, line, name_len);
	buf_putc(&x->reply_headers, '\0');
	buf_append(&x->reply_headers, value, value_len);
	buf_putc(&x->reply_headers, '\0');
	char **keep = name_len == 12 && !strncasecmp(line, "content-type", 12)       ? &x->content_type
	              : name_len == 16 && !strncasecmp(line, "content-encoding", 16) ? &x->content_encoding
	              : name_len == 12 && !strncasecmp(line, "x-request-id", 12)     ? &x->request_id
	                                                                             : NULL;
	if (keep) {
		free(*keep);
		*keep = xstrndup(value, value_len);
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct exchange *x = arg;
	size_t len = size * n;
	if (x->pending.len - x->pending_off >= MAX_PENDING_BYTES) {
		x->paused = 1;
		return CURL_WRITEFUNC_PAUSE; /* the client is slower: this chunk comes again */
	}
	x->headers_done = 1;
	if (x->pending_off == x->pending.len) {
		buf_reset(&x->pending);
		x->pending_off = 0;
	}
	buf_append(&x->pending, data, len);
	if (x->capture && !x->capture_too_large) {
		if (x->captured.len + len > CAPTURE_MAX_BYTES) {
			x->capture_too_large = 1;
			buf_free(&x->captured);
		} else {
			buf_append(&x->captured, data, len);
		}
	}
	return len;
}

/* Whether the client closed its connection (it sent nothing more to read). */
static int client_gone(struct exchange *x)
{
	char byte;
	ssize_t n = recv(x->link->client_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		x->watch_client = 0; /* a pipelined request, not a close: stop watching */
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Moves the transfer on, waiting up to a second for the network unless
 * what the caller waits for (the reply's headers; with body, more of the
 * body) is there. -1 when the client left or the proxy is stopping: the
 * transfer is to be cut. */
static int pump(struct exchange *x, int body)
{
	struct curl_waitfd client = {.fd = x->link->client_fd, .events = CURL_WAIT_POLLIN};
	int running = 0, ready = 0;
	if (atomic_load(&x->proxy->stopping) > 1)
		return -1;
	curl_multi_perform(x->link->multi, &running);
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(x->link->multi, &left)))
		if (msg->msg == CURLMSG_DONE) {
			x->done = 1;
			x->result = msg->data.result;
		}
	if (x->done || (body ? x->pending.len > x->pending_off : x->headers_done))
		return 0;
	curl_multi_poll(x->link->multi, x->watch_client ? &client : NULL, x->watch_client ? 1 : 0, 1000, &ready);
	if (x->watch_client && client.revents && client_gone(x))
		return -1;
	return 0;
}

static void start_upstream(struct exchange *x, const char *upstream)
{
	CURL *e = x->link->easy;
	char *url = xasprintf("%s%s", upstream, x->uri + 3); /* the client's /v1 is the upstream's root */
	curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->curl_error);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	/* the method of the previous request on this handle is undone first */
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	if (!strcmp(x->method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (x->body.len || !strcmp(x->method, "POST") || !strcmp(x->method, "PUT") ||
	           !strcmp(x->method, "PATCH")) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body.data ? x->body.data : "");
		if (strcmp(x->method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	} else if (strcmp(x->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	}
	curl_multi_add_handle(x->link->multi, e);
	x->started = 1;
}

/* ---- the client side ------------------------------------------------------ */

struct header_walk {
	struct exchange *x;
	int has_accept, has_content_type;
};

static enum MHD_Result add_request_header(void *arg, enum MHD_ValueKind kind, const char *name, const char *value)
{
	struct header_walk *w = arg;
	struct exchange *x = w->x;
	if (is_hop_by_hop(name, strlen(name)))
		return MHD_YES;
	if (!strcasecmp(name, "accept"))
		w->has_accept = 1;
	if (!strcasecmp(name, "content-type"))
		w->has_content_type = 1;
	if (!strcasecmp(name, "authorization") && !strncasecmp(value, "Bearer ", 7) && !x->bearer)
		x->bearer = xstrdup(value + 7);
	if (!strcasecmp(name, "openai-project") && *value && !x->project)
		x->project = xstrdup(value);
	char *line = *value ? xasprintf("%s: %s", name, value) : xasprintf("%s;", name); /* "X;": sent empty */
	x->headers = curl_slist_append(x->headers, line);
	free(line);
	return MHD_YES;
}

/* libcurl adds headers the client did not send; these lines take them out. */
static void build_request_headers(struct exchange *x, struct MHD_Connection *c)
{
	struct header_walk w = {.x = x};
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_request_header, &w);
	x->headers = curl_slist_append(x->headers, "Expect:");
	if (!w.has_accept)
		x->headers = curl_slist_append(x->headers, "Accept:");
	if (!w.has_content_type)
		x->headers = curl_slist_append(x->headers, "Content-Type:");
}

static ssize_t relay(void *arg, uint64_t pos, char *out, size_t max)
{
	struct exchange *x = arg;
	for (;;) {
		size_t have = x->pending.len - x->pending_off;
		if (have) {
			size_t n = have < max ? have : max;
			memcpy(out, x->pending.data + x->pending_off, n);
			x->pending_off += n;
			return (ssize_t)n;
		}
		if (x->done)
			return x->result == CURLE_OK ? MHD_CONTENT_READER_END_OF_STREAM
			                             : MHD_CONTENT_READER_END_WITH_ERROR;
		if (x->paused) {
			x->paused = 0;
			curl_easy_pause(x->link->easy, CURLPAUSE_CONT);
			continue;
		}
		if (pump(x, 1))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
}

/* An error the proxy answers itself, in the API's error shape. */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *message)
{
	json_t *doc =
	    json_pack("{s:{s:s, s:s, s:n, s:n}}", "error", "message", message, "type", "proxy_error", "param", "code");
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct proxy *p = cls;
	struct exchange *x = *state;
	if (!x)
		return MHD_NO;
	if (!x->link) { /* first call: the headers */
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		x->link = info ? info->socket_context : NULL;
		if (!x->link)
			return MHD_NO;
		x->link->unclaimed = NULL;
		x->method = method;
		x->watch_client = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		if (x->body.len + *upload_size > MAX_REQUEST_BYTES)
			x->too_large = 1;
		else
			buf_append(&x->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (strncmp(x->uri, "/v1", 3) || (x->uri[3] != '/' && x->uri[3] != '?' && x->uri[3] != '\0'))
		return answer(c, 404,
		              "cntraudit proxy: only paths under /v1 are forwarded; point the client at "
		              "http://HOST:PORT/v1");
	if (x->too_large)
		return answer(c, 413, "cntraudit proxy: the request body is larger than 64 MiB");
	size_t path_len = strcspn(x->uri + 3, "?");
	x->path = xstrndup(x->uri + 3, path_len);
	x->capture = capture_wanted(method, x->path, &x->parent_id);
	build_request_headers(x, c);
	if (x->capture && !strcmp(method, "POST") && !strcmp(x->path, "/responses") && x->body.len)
		x->conversation_id = capture_request_conversation(x->body.data, x->body.len);
	atomic_fetch_add(&p->requests, 1);
	start_upstream(x, p->config->upstream);
	while (!x->headers_done && !x->done)
		if (pump(x, 0))
			return MHD_NO; /* the client left before the reply began */
	if (x->done && !x->headers_done) {
		atomic_fetch_add(&p->upstream_failures, 1);
		log_warn("proxy: %s %s: the upstream did not answer: %s", method, x->path,
		         x->curl_error[0] ? x->curl_error : curl_easy_strerror(x->result));
		char *message = xasprintf("cntraudit proxy: the upstream did not answer: %s",
		                          x->curl_error[0] ? x->curl_error : curl_easy_strerror(x->result));
		enum MHD_Result ok = answer(c, 502, message);
		free(message);
		return ok;
	}
	uint64_t size =
	    x->content_length >= 0 && strcmp(method, "HEAD") ? (uint64_t)x->content_length : MHD_SIZE_UNKNOWN;
	struct MHD_Response *r;
	if (x->done && x->result == CURLE_OK) { /* all of it is here: sent with the headers, in one write */
		r = MHD_create_response_from_buffer(x->pending.len - x->pending_off, x->pending.data + x->pending_off,
		                                    MHD_RESPMEM_MUST_COPY);
		x->pending_off = x->pending.len;
	} else {
		r = MHD_create_response_from_callback(size, 16 * 1024, relay, x, NULL);
	}
	for (size_t at = 0; at < x->reply_headers.len;) {
		const char *name = x->reply_headers.data + at;
		const char *value = name + strlen(name) + 1;
		MHD_add_response_header(r, name, value);
		at = (size_t)(value + strlen(value) + 1 - x->reply_headers.data);
	}
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)x->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void exchange_free(struct exchange *x);

/* The start of every request, before anything else: its target as sent. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct proxy *p = cls;
	struct exchange *x = xcalloc(1, sizeof *x);
	x->proxy = p;
	x->uri = xstrdup(uri);
	x->content_length = -1;
	atomic_fetch_add(&p->in_flight, 1);
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct link *l = info ? info->socket_context : NULL;
	if (l) {
		exchange_free(l->unclaimed); /* the previous request never reached the handler */
		l->unclaimed = x;
	}
	return x;
}

/* Hands the reply to the recorder, when it is one to record and it came
 * whole (or is a stream): its bytes and what the recorder needs to read
 * them, moved, so the connection goes on at once. */
static void record(struct exchange *x, int whole)
{
	struct recorder *rec = x->proxy->config->recorder;
	if (!x->capture || x->status < 200 || x->status > 299)
		return;
	if (x->capture_too_large) {
		recorder_lose(rec, "a reply larger than 32 MiB");
		return;
	}
	if (!whole && !capture_is_stream(x->content_type)) { /* a stream cut short still names its response */
		recorder_lose(rec, "a reply cut short");
		return;
	}
	struct capture *c = capture_new();
	c->len = x->captured.len;
	c->text = buf_detach(&x->captured);
	c->content_type = x->content_type;
	c->content_encoding = x->content_encoding;
	c->bearer = x->bearer;
	c->request_id = x->request_id;
	c->parent_id = x->parent_id;
	c->project_id = x->project;
	c->conversation_id = x->conversation_id;
	x->content_type = x->content_encoding = x->bearer = x->request_id = NULL;
	x->parent_id = x->project = x->conversation_id = NULL;
	recorder_submit(rec, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code)
{
	struct proxy *p = cls;
	struct exchange *x = *state;
	if (!x)
		return;
	*state = NULL;
	if (x->link && x->link->unclaimed == x)
		x->link->unclaimed = NULL;
	if (x->started) {
		/* a reply of known length is all sent before libcurl has seen its end */
		int whole = code == MHD_REQUEST_TERMINATED_COMPLETED_OK;
		for (int tries = 0; whole && !x->done && tries < 5; tries++)
			if (pump(x, 1))
				break;
		whole = whole && x->done && x->result == CURLE_OK;
		if (!whole)
			atomic_fetch_add(&p->cut, 1);
		record(x, whole);
		curl_multi_remove_handle(x->link->multi, x->link->easy); /* cuts an unfinished transfer */
		log_info("proxy: %s %s %ld%s", x->method, x->path, x->status, whole ? "" : " (cut short)");
	}
	exchange_free(x);
}

static void exchange_free(struct exchange *x)
{
	if (!x)
		return;
	curl_slist_free_all(x->headers);
	buf_free(&x->body);
	buf_free(&x->reply_headers);
	buf_free(&x->pending);
	buf_free(&x->captured);
	if (x->bearer) {
		explicit_bzero(x->bearer, strlen(x->bearer));
		free(x->bearer);
	}
	free(x->uri);
	free(x->path);
	free(x->project);
	free(x->conversation_id);
	free(x->parent_id);
	free(x->content_type);
	free(x->content_encoding);
	free(x->request_id);
	atomic_fetch_sub(&x->proxy->in_flight, 1);
	free(x);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct link *l = *socket_context;
		if (l) {
			exchange_free(l->unclaimed);
			curl_easy_cleanup(l->easy);
			curl_multi_cleanup(l->multi);
			free(l);
		}
		*socket_context = NULL;
		return;
	}
	struct link *l = xcalloc(1, sizeof *l);
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	int one = 1;
	l->client_fd = info ? info->connect_fd : -1;
	if (info)
		setsockopt(info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	l->multi = curl_multi_init();
	l->easy = curl_easy_init();
	if (!l->multi || !l->easy)
		out_of_memory(0);
	/* What every request on this connection's handle shares (start_upstream sets the rest). */
	CURL *e = l->easy;
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 1L); /* chunks are the hop's: re-framed to the client */
	curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);  /* the body as sent: compressed stays compressed */
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	*socket_context = l;
}

/* ---- listening ------------------------------------------------------------ */

/* HOST:PORT ([V6]:PORT) as a socket address. 0, or -1 with the error set. */
static int listen_address(const char *listen, struct sockaddr_storage *addr, socklen_t *len, int *loopback)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || !colon[1])
		return error_set("--listen: '%s' is not HOST:PORT", listen);
	char *host = xstrndup(listen, (size_t)(colon - listen));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535) {
		free(host);
		return error_set("--listen: '%s' is not a port", colon + 1);
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *found = NULL;
	char service[8];
	snprintf(service, sizeof service, "%ld", port);
	int rc = getaddrinfo(host, service, &hints, &found);
	if (rc || !found) {
		error_set("--listen: cannot resolve '%s': %s", host, gai_strerror(rc));
		free(host);
		return -1;
	}
	free(host);
	memcpy(addr, found->ai_addr, found->ai_addrlen);
	*len = found->ai_addrlen;
	if (found->ai_family == AF_INET)
		*loopback = (ntohl(((struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127;
	else
		*loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)addr)->sin6_addr);
	freeaddrinfo(found);
	return 0;
}

int proxy_listen_valid(const char *listen, int allow_remote)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int loopback = 0;
	if (listen_address(listen, &addr, &len, &loopback))
		return -1;
	if (!loopback && !allow_remote)
		return error_set("--listen: %s is not a loopback address: other machines could use the proxy, "
		                 "and the keys they send would cross the network unencrypted; pass "
		                 "--allow-remote to mean it",
		                 listen);
	return 0;
}

int proxy_serve(const struct proxy_config *config, const sigset_t *stop_signals, struct proxy_counts *counts)
{
	struct sockaddr_storage addr;
	socklen_t addr_len;
	int loopback;
	if (listen_address(config->listen, &addr, &addr_len, &loopback))
		return -1;
	struct proxy p = {.config = config};
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_POLL;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, &p, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, &p, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &p,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, &p, MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 300u, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (!d)
		return error_set("cannot listen on %s: %s", config->listen, strerror(errno ? errno : EADDRINUSE));
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : 0;
	if (config->port_file) {
		char *tmp = xasprintf("%s.tmp", config->port_file);
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%u\n", port);
			fclose(f);
			rename(tmp, config->port_file);
		}
		free(tmp);
	}
	log_notice("proxy: listening on port %u (%s), forwarding to %s", port, config->listen, config->upstream);
	int sig;
	sigwait(stop_signals, &sig);
	log_notice("proxy: stopping (%s)", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal");
	/* Stopping: no new connections; requests in flight get a few seconds. */
	atomic_store(&p.stopping, 1);
	MHD_quiesce_daemon(d);
	for (int waited = 0; atomic_load(&p.in_flight) > 0 && waited < STOP_GRACE_MS; waited += 50)
		usleep(50 * 1000);
	atomic_store(&p.stopping, 2);
	MHD_stop_daemon(d);
	counts->requests = atomic_load(&p.requests);
	counts->upstream_failures = atomic_load(&p.upstream_failures);
	counts->cut = atomic_load(&p.cut);
	return 0;
}
