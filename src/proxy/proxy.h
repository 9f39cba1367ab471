/* The capture proxy: an HTTP server applications reach instead of the API
 * (OPENAI_BASE_URL=http://127.0.0.1:8788/v1). Every request under /v1 goes
 * to the upstream unchanged — method, path, query, body, headers with the
 * client's own Authorization — and every reply comes back unchanged, status,
 * headers and body, streamed as it arrives (server-sent events event by
 * event). The replies that hold API objects the audit reads are handed to
 * the recorder (capture.c decides which, and what to store of them); the
 * traffic never waits on the store. */
#ifndef CNTRAUDIT_PROXY_H
#define CNTRAUDIT_PROXY_H

#include "recorder.h"

#include <signal.h>
#include <stdint.h>

struct proxy_config {
	const char *listen;   /* HOST:PORT; port 0 picks a free one */
	int allow_remote;     /* listen on an address that is not loopback */
	const char *upstream; /* the API root, e.g. https://api.openai.com/v1 */
	struct recorder *recorder;
	const char *port_file; /* when set, the port listened on is written there (tests) */
};

struct proxy_counts {
	uint64_t requests;          /* forwarded */
	uint64_t upstream_failures; /* answered 502: the upstream could not be reached */
	uint64_t cut;               /* replies cut short: the client left, the upstream broke, or the proxy stopped */
};

/* Checks the listen address: 0, or -1 with the error set (an address that
 * is not this machine's loopback needs allow_remote). */
int proxy_listen_valid(const char *listen, int allow_remote);

/* Serves until one of stop_signals arrives — the caller blocks them in
 * every thread before it starts any, so this one waits for them — then lets
 * requests in flight finish for a few seconds and cuts the rest. 0, or -1
 * with the error set when it cannot listen. */
int proxy_serve(const struct proxy_config *config, const sigset_t *stop_signals, struct proxy_counts *counts);

#endif
