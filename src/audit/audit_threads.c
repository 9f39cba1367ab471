#define _GNU_SOURCE /* qsort_r */
/* Threads: each response's conversation, else the root of its
 * previous_response_id chain (the oldest ID the chain names, stored or
 * not); the containers each thread used or was attributed; and the flags
 * from each container against the one before it in the thread. */
#include "audit_engine.h"
#include "money.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

enum { UNVISITED, RESOLVING, RESOLVED, UNROOTED };

/* Resolves response i and every response on its way to the root. A
 * previous_response_id cycle (corrupt data) has no root: each response on
 * it, and each one that leads into it, is its own thread. */
static void resolve(struct audit *a, size_t i, int32_t *path)
{
	size_t n = 0;
	int32_t cur = (int32_t)i;
	uint32_t thread = SYM_NONE;
	uint8_t kind = KIND_CHAIN;
	for (;;) {
		struct audit_response *r = &a->responses[cur];
		if (r->resolving == RESOLVED) {
			thread = r->thread, kind = r->thread_kind;
			break;
		}
		if (r->resolving != UNVISITED) /* a cycle, or the way into one */
			break;
		r->resolving = RESOLVING;
		path[n++] = cur;
		if (r->conversation != SYM_NONE) {
			thread = r->conversation, kind = KIND_CONVERSATION;
			break;
		}
		if (r->previous == SYM_NONE) {
			thread = r->id;
			break;
		}
		int32_t previous = a->response_of[r->previous];
		if (previous < 0) {
			thread = r->previous;
			break;
		}
		cur = previous;
	}
	for (size_t k = 0; k < n; k++) {
		struct audit_response *r = &a->responses[path[k]];
		r->resolving = thread == SYM_NONE ? UNROOTED : RESOLVED;
		r->thread = thread == SYM_NONE ? r->id : thread;
		r->thread_kind = thread == SYM_NONE ? KIND_CHAIN : kind;
	}
}

struct registry {
	struct audit *a;
	int32_t *index_of; /* by symbol */
	size_t cap;
};

static struct audit_thread *thread_for(struct registry *g, uint32_t sym, uint8_t kind)
{
	struct audit *a = g->a;
	if (g->index_of[sym] < 0) {
		if (a->nthreads == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 1024;
			a->threads = xrealloc(a->threads, g->cap * sizeof *a->threads);
		}
		g->index_of[sym] = (int32_t)a->nthreads;
		a->threads[a->nthreads++] =
		    (struct audit_thread){.id = sym, .kind = kind, .latest_container = SYM_NONE};
	}
	struct audit_thread *t = &a->threads[g->index_of[sym]];
	if (kind < t->kind)
		t->kind = kind;
	return t;
}

/* A container's part in a thread: from a container call that ran in it, or
 * as an orphan attributed to one of the thread's responses. */
struct link {
	uint32_t thread;    /* index into threads; its symbol once threads are sorted */
	uint32_t container; /* stored: its index (created_at, ID order); else ncontainers + symbol */
	uint8_t ran_code;   /* from a call */
	uint8_t shell;      /* the call is a shell_call */
};

static int by_thread_then_container(const void *x, const void *y)
{
	const struct link *a = x, *b = y;
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	return a->container < b->container ? -1 : a->container > b->container;
}

static void count_call(struct audit_thread *t, const struct link *l)
{
	if (!l->ran_code)
		return;
	if (l->shell)
		t->shell_calls++;
	else
		t->ci_calls++;
}

/* What its containers cost the thread; an unpriced one makes the total unknown. */
static void add_cost(struct audit *a, struct audit_thread *t, const struct audit_container *c)
{
	int unpriced;
	if (a->overflow)
		return; /* a container's own estimate overflowed: the audit fails on it */
	int64_t cost = audit_container_cost(a, c, &unpriced);
	int orphan = c->classification == CLASS_ORPHAN;
	if (__builtin_add_overflow(t->cost_micros, cost, &t->cost_micros) ||
	    (orphan && __builtin_add_overflow(t->orphan_cost_micros, cost, &t->orphan_cost_micros))) {
		a->overflow = xasprintf("thread %s: its estimated cost is " MONEY_OVERFLOW, symtab_str(a->syms, t->id));
		return;
	}
	t->cost_unknown |= unpriced;
	if (orphan)
		t->orphan_cost_unknown |= unpriced;
}

static void flags(struct audit *a, const struct link *links, size_t n)
{
	const struct audit_container *previous = NULL;
	int64_t last_ran_code_at = 0; /* valid once t->has_ran_code */
	struct audit_thread *t = &a->threads[links[0].thread];
	for (size_t i = 0; i < n; i++) {
		count_call(t, &links[i]);
		if (i > 0 && links[i].container == links[i - 1].container)
			continue;
		t->containers++;
		/* Whether the group ran code at all: any of its links did. */
		int ran = 0;
		for (size_t k = i; k < n && links[k].container == links[i].container; k++)
			ran |= links[k].ran_code;
		if (links[i].container >= a->ncontainers) {
			t->cost_unknown = 1; /* not stored: counted, but undated and unpriced */
			continue;
		}
		const struct audit_container *c = &a->containers[links[i].container];
		add_cost(a, t, c);
		if (!t->has_containers_dated) {
			t->has_containers_dated = 1;
			t->first_container_at = c->created_at;
		}
		t->last_container_at = c->created_at;
		if (previous) {
			if (c->created_at < previous->alive_until)
				t->repetitive = 1;
			else
				t->expired_recreated = 1;
		}
		previous = c;
		t->latest_container = c->id;
		if (ran) { /* containers come in creation order: this one is the newest so far */
			if (!t->has_ran_code || c->created_at > last_ran_code_at)
				t->at_risk_from = c->accruing_until;
			else if (c->accruing_until < t->at_risk_from)
				t->at_risk_from = c->accruing_until;
			t->has_ran_code = 1;
			last_ran_code_at = c->created_at;
		}
	}
}

int64_t audit_thread_first_seen(const struct audit_thread *t, int *known)
{
	*known = t->responses > 0 || t->has_containers_dated;
	return t->responses > 0 ? t->first_response_at : t->first_container_at;
}

int64_t audit_thread_last_seen(const struct audit_thread *t, int *known)
{
	*known = t->responses > 0 || t->has_containers_dated;
	return t->responses > 0 ? t->last_response_at : t->last_container_at;
}

static int by_first_seen_then_id(const void *x, const void *y, void *syms)
{
	const struct audit_thread *a = x, *b = y;
	int ka, kb;
	int64_t fa = audit_thread_first_seen(a, &ka), fb = audit_thread_first_seen(b, &kb);
	if (ka != kb)
		return ka - kb; /* unknown first, as SQL sorts NULL */
	if (ka && fa != fb)
		return fa < fb ? -1 : 1;
	return strcmp(symtab_str(syms, a->id), symtab_str(syms, b->id));
}

/* Every response's thread and what it says of the thread: when its
 * responses ran, whether one asked for an automatic container or named one. */
static void count_responses(struct registry *g)
{
	struct audit *a = g->a;
	int32_t *path = xmalloc((a->nresponses + 1) * sizeof *path);
	for (size_t i = 0; i < a->nresponses; i++)
		if (a->responses[i].resolving == UNVISITED)
			resolve(a, i, path);
	free(path);
	for (size_t i = 0; i < a->nresponses; i++) {
		const struct audit_response *r = &a->responses[i];
		struct audit_thread *t = thread_for(g, r->thread, r->thread_kind);
		if (t->responses == 0 || r->created_at < t->first_response_at)
			t->first_response_at = r->created_at;
		if (t->responses == 0 || r->created_at > t->last_response_at)
			t->last_response_at = r->created_at;
		t->responses++;
		t->requests_container |= r->requests_container_auto != 0;
	}
	for (size_t i = 0; i < a->nreferences; i++) {
		int32_t r = a->response_of[a->references[i].referrer];
		if (a->references[i].named && r >= 0)
			thread_for(g, a->responses[r].thread, a->responses[r].thread_kind)->named = 1;
	}
}

/* The thread a call belongs to: its response's, its conversation, or the
 * thread of the response that replayed it; NULL when none is known. */
static struct audit_thread *thread_of_call(struct registry *g, const struct audit_call *k)
{
	const struct audit *a = g->a;
	int32_t r = k->response == SYM_NONE ? -1 : a->response_of[k->response];
	int32_t context = k->context == SYM_NONE ? -1 : a->response_of[k->context];
	if (r >= 0)
		return thread_for(g, a->responses[r].thread, a->responses[r].thread_kind);
	if (k->conversation != SYM_NONE)
		return thread_for(g, k->conversation, KIND_CONVERSATION);
	if (context >= 0)
		return thread_for(g, a->responses[context].thread, a->responses[context].thread_kind);
	return NULL;
}

/* The links between threads and containers: every call, and every orphan
 * to the thread of the response it is attributed to. *n of them, owned. */
static struct link *link_containers(struct registry *g, size_t *n)
{
	struct audit *a = g->a;
	struct link *links = xmalloc((a->ncalls + a->ncontainers + 1) * sizeof *links);
	size_t nlinks = 0;
	for (size_t i = 0; i < a->ncalls; i++) {
		const struct audit_call *k = &a->calls[i];
		struct audit_thread *t = thread_of_call(g, k);
		if (!t)
			continue;
		int32_t c = a->container_of[k->container];
		links[nlinks++] =
		    (struct link){(uint32_t)(t - a->threads),
		                  c >= 0 ? (uint32_t)c : (uint32_t)a->ncontainers + k->container, 1, k->shell};
	}
	for (size_t i = 0; i < a->ncontainers; i++) {
		const struct audit_container *c = &a->containers[i];
		if (c->classification != CLASS_ORPHAN || c->best == SYM_NONE)
			continue;
		const struct audit_response *r = &a->responses[a->response_of[c->best]];
		struct audit_thread *t = thread_for(g, r->thread, r->thread_kind);
		links[nlinks++] = (struct link){(uint32_t)(t - a->threads), (uint32_t)i, 0, 0};
	}
	*n = nlinks;
	return links;
}

/* Keeps the threads that involve a container, in (first seen, ID) order,
 * and gives each stored container its thread: the first, in that order,
 * that it ran in or was attributed to (every linked thread is kept). */
static void keep_threads(struct registry *g, struct link *links, size_t nlinks)
{
	struct audit *a = g->a;
	for (size_t i = 0; i < nlinks; i++) /* indexes move when threads are sorted: keep symbols */
		links[i].thread = a->threads[links[i].thread].id;
	size_t kept = 0;
	for (size_t i = 0; i < a->nthreads; i++) {
		const struct audit_thread *t = &a->threads[i];
		if (t->requests_container || t->containers > 0 || t->named)
			a->threads[kept++] = *t;
	}
	a->nthreads = kept;
	if (a->nthreads > 1) /* threads is NULL when there are none */
		qsort_r(a->threads, a->nthreads, sizeof *a->threads, by_first_seen_then_id, a->syms);
	for (size_t i = 0; i < a->nthreads; i++)
		g->index_of[a->threads[i].id] = (int32_t)i;
	for (size_t i = 0; i < nlinks; i++) {
		if (links[i].container >= a->ncontainers)
			continue;
		struct audit_container *c = &a->containers[links[i].container];
		if (c->thread == SYM_NONE || g->index_of[links[i].thread] < g->index_of[c->thread])
			c->thread = links[i].thread;
	}
}

void audit_threads(struct audit *a)
{
	uint32_t nsyms = symtab_count(a->syms);
	struct registry g = {.a = a, .index_of = xmalloc((nsyms ? nsyms : 1) * sizeof(int32_t))};
	for (uint32_t s = 0; s < nsyms; s++)
		g.index_of[s] = -1;
	count_responses(&g);
	size_t nlinks;
	struct link *links = link_containers(&g, &nlinks);
	if (nlinks > 1)
		qsort(links, nlinks, sizeof *links, by_thread_then_container);
	for (size_t start = 0, end; start < nlinks; start = end) {
		for (end = start; end < nlinks && links[end].thread == links[start].thread; end++)
			;
		flags(a, links + start, end - start);
	}
	keep_threads(&g, links, nlinks);
	free(links);
	free(g.index_of);
}
