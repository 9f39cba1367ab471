/* The audit engine's data, shared by its stages (internal to audit*.c):
 *   audit_load.c        reads the store into arrays, every ID a symbol
 *   audit_containers.c  trace of use, classification, attribution, pricing
 *   audit_threads.c     threads (conversations and chains) and their flags
 *   audit_tables.c      the results as SQL virtual tables for the reports
 *   audit_facts.c       the results kept in the store, for the reports
 *   audit_groups.c      and counted per bucket of creation time
 * Each stage is a pass or a sort over arrays, so the audit grows as
 * n log n with the data (SPEC section 3 holds the rules; sql/audit/ the
 * queries that load it and the views over its tables; reports/ the queries
 * that read them). */
#ifndef CNTRAUDIT_AUDIT_ENGINE_H
#define CNTRAUDIT_AUDIT_ENGINE_H

#include "audit.h"
#include "symtab.h"

#include <sqlite3.h>
#include <stdint.h>

enum audit_class { CLASS_USED, CLASS_IDLE, CLASS_OUTSIDE_COVERAGE, CLASS_ORPHAN };
enum thread_kind { KIND_CHAIN, KIND_CONVERSATION }; /* in name order: a thread's kind is the least */

struct audit_price {
	uint32_t memory_limit, from, until, version; /* symbols; from/until are UTC dates, until SYM_NONE = open */
	int rule;                                    /* enum pricing_rule */
	int64_t unit_price_micros;
};

struct audit_container {
	uint32_t id, project, name, memory_limit, status; /* symbols; memory_limit SYM_NONE when absent */
	uint32_t request_id;                              /* the x-request-id of its listing page, or SYM_NONE */
	int64_t created_at, last_active_at, alive_until;
	uint8_t has_last_active, classification;
	/* Still running (its charge accruing) at a time t < accruing_until:
	 * alive_until, INT64_MIN when expired or deleted. The one fact about a
	 * container that depends on --now, applied by sql/audit/views.sql. */
	int64_t accruing_until;
	uint8_t rule;  /* enum pricing_rule in force at its creation, priced or not */
	int32_t price; /* index into prices, -1 = unpriced */
	uint32_t ci_calls, shell_calls, responses, named, cited;
	uint32_t first_named, first_cited; /* least referrer ID naming / citing it, SYM_NONE when none */
	uint32_t candidates;               /* orphans: responses whose window holds its creation */
	int64_t widest_delta;
	uint32_t best;   /* orphans: the attributed response, SYM_NONE when none */
	uint32_t thread; /* the first thread (in the threads' order) it ran in or is attributed to, SYM_NONE */
};

struct audit_response {
	uint32_t id, project, previous, conversation; /* symbols, SYM_NONE when absent */
	uint32_t request_id;                          /* the x-request-id it came with, or SYM_NONE */
	int64_t created_at, completed_at;             /* completed_at: max(created_at, completed_at or created_at) */
	uint8_t requests_container_auto, thread_kind, resolving; /* requests_...: RESPONSE_AUTO_* bits */
	uint32_t thread;                                         /* symbol of its thread */
};

/* A container call: code_interpreter_call or shell_call. */
struct audit_call {
	uint32_t container, response, conversation, context; /* symbols, SYM_NONE when absent */
	uint8_t shell;                                       /* 1 shell_call, 0 code_interpreter_call */
};

struct audit_reference {
	uint32_t container, referrer;
	uint8_t named;                /* 1 named, 0 cited */
	uint8_t referrer_is_response; /* the referrer is a response (not a conversation or an item) */
};

struct audit_thread {
	uint32_t id;
	uint8_t kind, requests_container, named, has_containers_dated;
	uint8_t repetitive, expired_recreated;
	/* At risk at a time t >= at_risk_from: the newest container that ran
	 * code is no longer running then (the least accruing_until among the
	 * newest, when several were created at once); valid when has_ran_code. */
	uint8_t has_ran_code;
	int64_t at_risk_from;
	uint8_t cost_unknown;        /* one of its containers is unpriced or not stored */
	uint8_t orphan_cost_unknown; /* one of its orphans is unpriced */
	uint32_t responses, ci_calls, shell_calls, containers;
	int64_t cost_micros, orphan_cost_micros;       /* estimated, over its stored priced containers */
	int64_t first_response_at, last_response_at;   /* valid when responses > 0 */
	int64_t first_container_at, last_container_at; /* valid when has_containers_dated */
	uint32_t latest_container;                     /* SYM_NONE when no dated container */
};

struct audit {
	struct audit_params params;
	struct symtab *syms;
	struct audit_price *prices;
	size_t nprices;
	struct audit_container *containers; /* sorted by created_at, then ID */
	size_t ncontainers;
	struct audit_response *responses; /* sorted by created_at, then ID */
	size_t nresponses;
	struct audit_call *calls;
	size_t ncalls;
	struct audit_reference *references;
	size_t nreferences;
	struct audit_thread *threads; /* kept (involving code interpreter), sorted by first seen, then ID */
	size_t nthreads;
	/* By symbol (symtab_count entries once loading is over): */
	int32_t *container_of, *response_of; /* index, or -1 */
	uint8_t *ran_code;                   /* the response ID's output holds a container call */
	uint32_t *by_pricing;                /* containers in (pricing_rule, tier, unpriced) order, made on demand */
	uint32_t *by_project;                /* containers in project_id order, made on demand */
	uint32_t *by_day;                    /* containers in (UTC day, ID) order, made on demand */
	char *overflow;                      /* the first estimate past INT64_MAX micro-dollars, in words */
};

/* The whole engine over the store as the open transaction sees it: load,
 * decide, and register its tables (audit_container_engine, ...) on the
 * store's connection, which owns the audit from then on. The audit, or
 * NULL with the error set. */
struct audit *audit_engine_run(struct store *store);
/* Whether the store's facts are current for this engine (audit_facts.c);
 * inside the caller's transaction. 0, or -1 with the error set. */
int audit_facts_current(struct store *store, int *current);

/* After the copies of its tables: the stored groups, from a's arrays
 * (audit_groups.c). 0, or -1 with the error set. */
int audit_store_groups(const struct audit *a, struct store *store);

int audit_load(struct audit *a, struct store *store);
/* Each sets a->overflow (and stops adding) when an estimate would pass
 * INT64_MAX micro-dollars. */
void audit_containers(struct audit *a);
void audit_threads(struct audit *a);
int audit_tables_register(sqlite3 *db, struct audit *a);
/* Orders of the containers besides their own, made once when first asked
 * for (audit_orders.c): by (pricing_rule, tier, unpriced), by project, by
 * (UTC day of creation, ID): FOCUS's charge period, then its resource. */
const uint32_t *audit_containers_by_pricing(struct audit *a);
const uint32_t *audit_containers_by_project(struct audit *a);
const uint32_t *audit_containers_by_day(struct audit *a);
/* The UTC day a container was created: days since 1970-01-01, floored. */
int64_t audit_container_day(const struct audit_container *c);
/* A container's memory tier, "1g" when the API gave none. */
const char *audit_container_tier(const struct audit *a, const struct audit_container *c);
/* The audit in words (audit_words.c): an orphan's attribution ("unique",
 * "ambiguous:N", "none"; "" for others), owned by the caller; and why a
 * container has its classification, as the SQL function
 * audit_reason(classification, ci_calls, shell_calls, named, first_named,
 * cited, first_cited, candidates, widest_delta, accruing, unpriced, tier,
 * created_at), which the views apply (it depends on --now). */
char *audit_attribution(const struct audit_container *c);
void audit_sql_reason(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void audit_free(struct audit *a);

/* When a thread was first / last seen: its responses, else its dated
 * containers; *known is 0 when it has neither. */
int64_t audit_thread_first_seen(const struct audit_thread *t, int *known);
int64_t audit_thread_last_seen(const struct audit_thread *t, int *known);

/* For output: the strings the reports show. */
const char *audit_class_name(int classification);
/* A container's estimated cost in micro-dollars; 0 when *unpriced is set. */
int64_t audit_container_cost(const struct audit *a, const struct audit_container *c, int *unpriced);
int64_t audit_container_units(const struct audit_container *c);

#endif
