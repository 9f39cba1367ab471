/* fake_api: a local stand-in for the OpenAI API, faithful to the official
 * definition (openai/openai-openapi; tests/schemas/ holds the schemas its
 * replies are validated against), for cntraudit's end-to-end tests and
 * benchmarks. It serves the API objects of fixture folders (their api/ files)
 * or a synthetic account generated from a seed, with the real endpoints'
 * pagination (limit, order, after; opaque page cursors), grouping (group_by
 * project_id, line_item, api_key_id), error bodies, separate project and
 * admin keys, the admin projects and API keys listings, fault injection,
 * per-request latency, and a log of every request it received.
 *
 *   fake_api [--port N] [--port-file FILE] [--fixture DIR]... [--synthetic C:R:V]
 *            [--seed N] [--latency-ms N] [--fault MATCH:KIND[:COUNT]]... [--log FILE]
 *            [--api-key KEY] [--admin-key KEY] [--project-id ID] [--page-size N]
 *            [--echo-auth] [--dump DIR] [--stream-delay-ms N] [--clock EPOCH]
 *
 * It also creates, as the API does: POST /responses (a response that may
 * create an automatic container — code interpreter "auto", Hosted Shell
 * "container_auto" — and calls it only when the input asks to "run"
 * something: otherwise the container is the seeds' orphan; previous_response_id
 * and conversation are checked and followed; "stream": true answers the
 * official server-sent events, --stream-delay-ms apart, ending with
 * response.completed), POST /conversations and POST /containers. --clock
 * fixes the time of what it creates and touches, so two runs of the same
 * calls answer the same bytes.
 *
 * Faults (KIND): 429 (Retry-After: 1), 429ms (retry-after-ms: 50), 500, 502,
 * 503, delay (the reply comes 1 s late), reset (connection closed, no reply),
 * truncate (body cut in half), malformed (invalid JSON with 200), stall (half
 * the body, then silence for 60 s), stuck (a listing ignores its cursor: the
 * first page again, with has_more), wrong-id (GET /responses/{id} answers
 * another response). Hostile ones: echo-key (a 200 page whose first
 * object's name is the Authorization header), echo-key-header (the header in
 * x-request-id), echo-escaped (a 400 naming the key JSON-escaped and
 * percent-encoded), echo-long (a 400 whose message puts the key across its
 * 200th character), gzip-bomb (64 MiB of zeros gzipped to ~64 KB),
 * endless (a chunked body that never ends), huge (a declared 1 GiB body),
 * trickle (2 bytes a second), retry-day (429, Retry-After: 86400),
 * retry-huge (429, Retry-After: 99999999999999999), retry-ms-huge (429,
 * retry-after-ms: 99999999999999999999). MATCH is a substring of
 * "PATH?QUERY"; COUNT requests get the fault (default 1, 0 = every one).
 *
 * The project key belongs to --project-id (default proj_fake...): grouped
 * usage and costs results without a project of their own carry it, and the
 * admin API lists it with the key's redacted value, beside another project.
 * --page-size caps every page (real pages may be shorter than limit).
 * --dump writes the account as import files and exits (a --synthetic
 * account alone is written as it is generated, in little memory). Retrieving a
 * container or its files "touches" it: a running container's last_active_at
 * becomes now, as the real API does, and the log says TOUCH. It listens on
 * 127.0.0.1 only. */
#include "source_reader.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

struct fault {
	char *match;
	char *kind;
	int remaining; /* -1: always */
};

static struct {
	json_t *containers;   /* array, sorted by created_at then id */
	json_t *container_at; /* id -> position in containers, for the after cursor */
	json_t *responses;    /* id -> response */
	json_t *items;        /* parent id (conv_/resp_) -> array of items */
	json_t *files;        /* container id -> array of container.file */
	json_t *usage;        /* array of buckets */
	json_t *costs;        /* array of buckets */
	json_t *projects;     /* array of organization.project */
	json_t *project_keys; /* project id -> array of organization.project.api_key */
	const char *api_key, *admin_key, *project_id;
	long page_size; /* 0: pages as long as limit */
	int echo_auth;
	long latency_ms;
	long stream_delay_ms; /* between the events of a streamed response */
	long clock;           /* --clock: the time of everything created and touched; 0: the real clock */
	struct fault faults[64];
	int fault_count;
	FILE *log;
	unsigned long request_counter;
	pthread_mutex_t lock;
} fake = {.api_key = "test-project-key",
          .admin_key = "test-admin-key",
          .project_id = "proj_fake0000000000000000",
          .lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- loading ---------------------------------------------------------- */

/* The conv_, resp_ or proj_ token in a file name: what an item or API key
 * list page belongs to. */
static char *parent_token(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (const char *p = base; *p; p++)
		if (!strncmp(p, "conv_", 5) || !strncmp(p, "resp_", 5) || !strncmp(p, "proj_", 5))
			return xstrndup(
			    p, 5 + strspn(p + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
	return NULL;
}

static const char *loading_path;

static void append_to(json_t *by_key, const char *key, const json_t *value)
{
	json_t *list = json_object_get(by_key, key);
	if (!list) {
		list = json_array();
		json_object_set_new(by_key, key, list);
	}
	if (json_is_array(value))
		json_array_extend(list, (json_t *)value);
	else
		json_array_append(list, (json_t *)value);
}

static void keep_files(const json_t *data)
{
	size_t i;
	const json_t *file;
	json_array_foreach (data, i, file) {
		const char *container = json_string_value(json_object_get(file, "container_id"));
		if (container)
			append_to(fake.files, container, file);
	}
}

static void keep_document(json_t *doc)
{
	const char *object = json_string_value(json_object_get(doc, "object"));
	const json_t *data = json_object_get(doc, "data");
	if (!object)
		return;
	if (!strcmp(object, "container")) {
		json_array_append(fake.containers, doc);
	} else if (!strcmp(object, "container.file")) {
		json_t *one = json_pack("[O]", doc);
		keep_files(one);
		json_decref(one);
	} else if (!strcmp(object, "response")) {
		json_object_set(fake.responses, json_string_value(json_object_get(doc, "id")), doc);
	} else if (!strcmp(object, "list") && json_array_size(data)) {
		const json_t *first = json_array_get(data, 0);
		const char *inner = json_string_value(json_object_get(first, "object"));
		char *parent = parent_token(loading_path);
		if (inner && !strcmp(inner, "container"))
			json_array_extend(fake.containers, (json_t *)data);
		else if (inner && !strcmp(inner, "container.file"))
			keep_files(data);
		else if (inner && !strcmp(inner, "organization.project"))
			json_array_extend(fake.projects, (json_t *)data);
		else if (inner && !strcmp(inner, "organization.project.api_key") && parent)
			append_to(fake.project_keys, parent, data);
		else if (json_object_get(first, "type") && parent)
			append_to(fake.items, parent, data);
		free(parent);
	} else if (!strcmp(object, "page") && json_array_size(data)) {
		json_t *results = json_object_get(json_array_get(data, 0), "results");
		const char *inner = json_string_value(json_object_get(json_array_get(results, 0), "object"));
		if (inner && strstr(inner, "code_interpreter_sessions"))
			json_array_extend(fake.usage, (json_t *)data);
		else if (inner && strstr(inner, "costs"))
			json_array_extend(fake.costs, (json_t *)data);
	}
}

/* The reader lends documents (they may live in a parse arena): the server
 * keeps its own copy. */
static int load_document(void *ctx, const json_t *lent, size_t line, const char *text, size_t len)
{
	json_t *copy = json_deep_copy(lent);
	keep_document(copy);
	json_decref(copy);
	return 0;
}

static void load_malformed(void *ctx, size_t line, const char *why)
{
	/* Bad fixture documents are the importer's business, not the API's. */
}

static void load_fixture(const char *dir)
{
	char *api = xasprintf("%s/api", dir);
	char *cmd = xasprintf("ls -1 '%s' 2>/dev/null", api);
	FILE *ls = popen(cmd, "r");
	char name[4096];
	struct source_callbacks cb = {load_document, load_malformed, NULL, NULL};
	while (ls && fgets(name, sizeof name, ls)) {
		name[strcspn(name, "\n")] = '\0';
		char *path = xasprintf("%s/%s", api, name);
		loading_path = path;
		source_read(path, &cb, NULL);
		free(path);
	}
	if (ls)
		pclose(ls);
	free(cmd);
	free(api);
}

static int by_created(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t ca = json_integer_value(json_object_get(x, "created_at"));
	json_int_t cb = json_integer_value(json_object_get(y, "created_at"));
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
}

/* Sorts containers and drops duplicate IDs (the last copy loaded wins). */
static void sort_containers(void)
{
	size_t n = json_array_size(fake.containers);
	json_t **all = xcalloc(n + 1, sizeof *all);
	json_t *by_id = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set(by_id, json_string_value(json_object_get(json_array_get(fake.containers, i), "id")),
		                json_array_get(fake.containers, i));
	size_t k = 0;
	const char *key;
	json_t *value;
	json_object_foreach (by_id, key, value)
		all[k++] = value;
	qsort(all, k, sizeof *all, by_created);
	json_t *sorted = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append(sorted, all[i]);
	json_decref(fake.containers);
	json_decref(by_id);
	fake.containers = sorted;
	fake.container_at = json_object();
	for (size_t i = 0; i < k; i++)
		json_object_set_new(fake.container_at, json_string_value(json_object_get(all[i], "id")),
		                    json_integer((json_int_t)i));
	free(all);
}

/* What the admin API shows of a key: its start and end, as "sk-abc...def". */
static json_t *redacted(const char *key)
{
	size_t n = strlen(key);
	return n > 10 ? json_sprintf("%.6s...%s", key, key + n - 4) : json_string("...");
}

static json_t *project_key(const char *id, const char *key)
{
	return json_pack("{s:s, s:o, s:s, s:i, s:i, s:s, s:s, s:{s:s, s:{s:s, s:s, s:s, s:s, s:i}}}", "object",
	                 "organization.project.api_key", "redacted_value", redacted(key), "name", "cntraudit key",
	                 "created_at", 1711471533, "last_used_at", 1711471534, "id", id, "owner_project_access",
	                 "active", "owner", "type", "user", "user", "id", "user_fake", "name", "Fake User", "email",
	                 "user@example.com", "role", "owner", "created_at", 1711471533);
}

/* Without projects in the fixtures, the account has two: the one the
 * project key belongs to, and another whose key is a different one. */
static void default_projects(void)
{
	if (json_array_size(fake.projects))
		return;
	const char *other = "proj_fakeother00000000000";
	json_array_append_new(fake.projects, json_pack("{s:s, s:s, s:s, s:i, s:n, s:s}", "id", fake.project_id,
	                                               "object", "organization.project", "name", "Fake project",
	                                               "created_at", 1711471533, "archived_at", "status", "active"));
	json_array_append_new(fake.projects, json_pack("{s:s, s:s, s:s, s:i, s:n, s:s}", "id", other, "object",
	                                               "organization.project", "name", "Another project", "created_at",
	                                               1711471600, "archived_at", "status", "active"));
	json_t *mine = json_pack("[o]", project_key("key_fake_project", fake.api_key));
	json_t *theirs = json_pack("[o]", project_key("key_fake_other", "sk-proj-another-key-entirely-0000"));
	json_object_set_new(fake.project_keys, fake.project_id, mine);
	json_object_set_new(fake.project_keys, other, theirs);
}

/* ---- the synthetic account --------------------------------------------- */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static json_t *synthetic_container(const char *id, long created, long last, const char *memory)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:{s:s, s:i}, s:I, s:s}", "id", id, "object", "container", "name",
	                 "synthetic", "created_at", (json_int_t)created, "status", "expired", "expires_after", "anchor",
	                 "last_active_at", "minutes", 20, "last_active_at", (json_int_t)last, "memory_limit", memory);
}

/* A container call of the chain's kind: code interpreter or Hosted Shell. */
static json_t *synthetic_call(int shell, long t, long r, const char *container)
{
	char id[96], call_id[96];
	if (!shell) {
		snprintf(id, sizeof id, "ci_%08lx%040ld", t, r);
		return json_pack("{s:s, s:s, s:s, s:s, s:s, s:n}", "type", "code_interpreter_call", "id", id, "status",
		                 "completed", "container_id", container, "code", "print(42)", "outputs");
	}
	snprintf(id, sizeof id, "sh_%08lx%040ld", t, r);
	snprintf(call_id, sizeof call_id, "call_%08lx%040ld", t, r);
	return json_pack("{s:s, s:s, s:s, s:{s:[s], s:n, s:n}, s:s, s:{s:s, s:s}}", "type", "shell_call", "id", id,
	                 "call_id", call_id, "action", "commands", "python3 -c 'print(42)'", "timeout_ms",
	                 "max_output_length", "status", "completed", "environment", "type", "container_reference",
	                 "container_id", container);
}

static json_t *synthetic_tools(int shell)
{
	if (shell)
		return json_pack("[{s:s, s:{s:s}}]", "type", "shell", "environment", "type", "container_auto");
	return json_pack("[{s:s, s:{s:s}}]", "type", "code_interpreter", "container", "type", "auto");
}

/* A response in the official shape: every field the definition requires. */
static json_t *synthetic_response(const char *id, long t, json_t *output, json_t *tools, const char *previous,
                                  const char *conversation)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:n, s:n, s:n, s:s, s:o, s:b, s:o, s:o, s:o, s:s, s:f, s:f, s:{},"
	                 " s:b}",
	                 "id", id, "object", "response", "created_at", (json_int_t)t, "completed_at",
	                 (json_int_t)(t + 6), "status", "completed", "error", "incomplete_details", "instructions",
	                 "model", "gpt-5", "output", output, "parallel_tool_calls", 1, "previous_response_id",
	                 previous ? json_string(previous) : json_null(), "conversation",
	                 conversation ? json_pack("{s:s}", "id", conversation) : json_null(), "tools", tools,
	                 "tool_choice", "auto", "temperature", 1.0, "top_p", 1.0, "metadata", "store", 1);
}

/* Where the generator puts the account: into the fake's tables (to serve
 * it, or to dump it with fixtures), or, for --dump of a synthetic account
 * alone, straight into the import files — as dump() would write them, byte
 * for byte, without holding the account: containers wait in `pending` only
 * until their chain ends (its container's last_active_at is known then). */
struct sink {
	const char *dir;                      /* NULL: into the tables */
	FILE *containers, *responses, *files; /* files: opened at the first file */
	json_t *pending;                      /* containers not yet written */
	long total, written;                  /* containers in all, and written */
	json_t *last;                         /* the newest container (borrowed) */
};

static json_t *list_page(const json_t *all, size_t start, size_t count, int desc, int more);

static void put_container(struct sink *k, json_t *container)
{
	k->last = container;
	json_array_append_new(k->dir ? k->pending : fake.containers, container);
}

static void put_file(struct sink *k, const char *container, json_t *file)
{
	if (!k->dir) {
		append_to(fake.files, container, file);
		json_decref(file);
		return;
	}
	if (!k->files) {
		char *path = xasprintf("%s/container-files.jsonl", k->dir);
		k->files = fopen(path, "w");
		free(path);
	}
	json_t *list = json_pack("[o]", file);
	json_t *page = list_page(list, 0, 1, 0, 0);
	json_dumpf(page, k->files, JSON_COMPACT);
	fputc('\n', k->files);
	json_decref(page);
	json_decref(list);
}

static void put_response(struct sink *k, const char *id, json_t *response)
{
	if (!k->dir) {
		json_object_set_new(fake.responses, id, response);
		return;
	}
	json_dumpf(response, k->responses, JSON_COMPACT | JSON_REAL_PRECISION(15));
	fputc('\n', k->responses);
	json_decref(response);
}

static void put_items(struct sink *k, const char *conversation, json_t *items)
{
	if (!k->dir) {
		json_object_set_new(fake.items, conversation, items);
		return;
	}
	char *path = xasprintf("%s/%s.items.json", k->dir, conversation);
	json_t *page = list_page(items, 0, json_array_size(items), 0, 0);
	json_dump_file(page, path, JSON_COMPACT);
	json_decref(page);
	json_decref(items);
	free(path);
}

/* Writes the pending containers in pages of 100 (all of them when `all`),
 * as dump_lines pages them. */
static void flush_containers(struct sink *k, int all)
{
	if (!k->dir)
		return;
	size_t n = json_array_size(k->pending), start = 0;
	for (; start < n && (n - start >= 100 || all); start += 100) {
		size_t count = n - start < 100 ? n - start : 100;
		k->written += (long)count;
		json_t *page = list_page(k->pending, start, count, 0, k->written < k->total);
		json_dumpf(page, k->containers, JSON_COMPACT);
		fputc('\n', k->containers);
		json_decref(page);
	}
	json_t *rest = json_array();
	for (size_t i = start; i < n; i++)
		json_array_append(rest, json_array_get(k->pending, i));
	json_decref(k->pending);
	k->pending = rest;
	k->last = json_array_size(rest) ? json_array_get(rest, json_array_size(rest) - 1) : NULL;
}

/* C containers, R responses in chains of 1-4 (V of them conversations):
 * about 70% of responses run code (reusing their chain's container), the
 * rest get an orphan container from auto mode; three chains in ten use the
 * Hosted Shell instead of code interpreter; a quarter of the containers
 * that ran code hold a file the model wrote; containers beyond those are
 * created standalone across the same period. */
static void generate(struct sink *out, long containers, long responses, long conversations, unsigned long long seed)
{
	long t = 1780000000, made = 0, r = 0, conv_made = 0;
	char id[96], cid[96], prev[96];
	rng_state = seed;
	while (r < responses) {
		int chain = 1 + (int)rnd(4);
		int shell = rnd(10) < 3;
		int is_conv = conv_made < conversations;
		char conv[96] = "";
		char chain_container[96] = "";
		long chain_last = 0;
		json_t *chain_items = json_array();
		if (is_conv)
			snprintf(conv, sizeof conv, "conv_%08lx%040ld", t, conv_made++);
		prev[0] = '\0';
		for (int k = 0; k < chain && r < responses; k++, r++) {
			t += 20 + rnd(40);
			snprintf(id, sizeof id, "resp_%08lx%040ld", t, r);
			json_t *output = json_array();
			if (rnd(10) < 7) {
				if (!chain_container[0] && made < containers) {
					snprintf(chain_container, sizeof chain_container, "cntr_%08lx%040ld", t + 1,
					         made++);
					chain_last = t + 1;
					put_container(out, synthetic_container(chain_container, t + 1, t + 1, "1g"));
					if (rnd(4) == 0) {
						char file[96];
						snprintf(file, sizeof file, "cfile_%08lx%040ld", t + 3, made);
						json_t *f = json_pack("{s:s, s:s, s:I, s:i, s:s, s:s, s:s}", "id", file,
						                      "object", "container.file", "created_at",
						                      (json_int_t)(t + 3), "bytes", 42, "container_id",
						                      chain_container, "path", "/mnt/data/output.txt",
						                      "source", "assistant");
						put_file(out, chain_container, f);
					}
				}
				if (chain_container[0]) {
					json_t *call = synthetic_call(shell, t + 2, r, chain_container);
					json_array_append(output, call);
					if (is_conv)
						json_array_append(chain_items, call);
					json_decref(call);
					chain_last = t + 5;
				}
			} else if (made < containers) {
				snprintf(cid, sizeof cid, "cntr_%08lx%040ld", t + 1, made++);
				put_container(out, synthetic_container(cid, t + 1, t + 1, "1g"));
			}
			char msg[96];
			snprintf(msg, sizeof msg, "msg_%s", id + 5);
			json_array_append_new(output, json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:[], s:[]}]}",
			                                        "id", msg, "type", "message", "status", "completed",
			                                        "role", "assistant", "content", "type", "output_text",
			                                        "text", "done", "annotations", "logprobs"));
			json_t *resp = synthetic_response(id, t, output, synthetic_tools(shell),
			                                  is_conv || !prev[0] ? NULL : prev, is_conv ? conv : NULL);
			put_response(out, id, resp);
			snprintf(prev, sizeof prev, "%s", id);
		}
		if (chain_container[0] && out->last &&
		    !strcmp(json_string_value(json_object_get(out->last, "id")), chain_container))
			json_object_set_new(out->last, "last_active_at", json_integer(chain_last));
		if (is_conv)
			put_items(out, conv, chain_items);
		else
			json_decref(chain_items);
		flush_containers(out, 0);
	}
	while (made < containers) {
		t += 1 + rnd(30);
		snprintf(cid, sizeof cid, "cntr_%08lx%040ld", t, made++);
		put_container(out, synthetic_container(cid, t, t + rnd(600), rnd(4) ? "1g" : "4g"));
		flush_containers(out, 0);
	}
	flush_containers(out, 1);
}

/* --dump of a synthetic account alone: generated straight into DIR. */
static void generate_into(const char *dir, long containers, long responses, long conversations, unsigned long long seed)
{
	mkdir(dir, 0700);
	char *cpath = xasprintf("%s/containers.jsonl", dir), *rpath = xasprintf("%s/responses.jsonl", dir);
	struct sink k = {.dir = dir, .pending = json_array(), .total = containers};
	k.containers = fopen(cpath, "w");
	k.responses = fopen(rpath, "w");
	if (!k.containers || !k.responses) {
		fprintf(stderr, "fake_api: cannot write in %s\n", dir);
		exit(1);
	}
	generate(&k, containers, responses, conversations, seed);
	fclose(k.containers);
	fclose(k.responses);
	if (k.files)
		fclose(k.files);
	json_decref(k.pending);
	free(cpath);
	free(rpath);
}

/* ---- lists, as the API pages them -------------------------------------- */

static json_t *id_or_null(const json_t *object)
{
	return object ? json_incref(json_object_get(object, "id")) : json_null();
}

/* {"object":"list", "data", "first_id", "last_id", "has_more"}: the data is
 * borrowed, elements start..start+count. */
static json_t *list_page(const json_t *all, size_t start, size_t count, int desc, int more)
{
	size_t n = json_array_size(all);
	json_t *data = json_array();
	for (size_t i = start; i < start + count && i < n; i++)
		json_array_append(data, json_array_get(all, desc ? n - 1 - i : i));
	json_t *first = json_array_get(data, 0), *last = json_array_get(data, json_array_size(data) - 1);
	return json_pack("{s:s, s:o, s:o, s:o, s:b}", "object", "list", "data", data, "first_id", id_or_null(first),
	                 "last_id", id_or_null(last), "has_more", more);
}

/* ---- --dump: the same account as files for cntraudit import ------------ */

static void dump_lines(const char *path, const json_t *all, size_t per_page)
{
	FILE *f = fopen(path, "w");
	size_t n = json_array_size(all);
	for (size_t i = 0; i < n; i += per_page) {
		json_t *page = list_page(all, i, per_page, 0, i + per_page < n);
		json_dumpf(page, f, JSON_COMPACT);
		fputc('\n', f);
		json_decref(page);
	}
	fclose(f);
}

static void dump(const char *dir)
{
	mkdir(dir, 0700);
	char *path = xasprintf("%s/containers.jsonl", dir);
	dump_lines(path, fake.containers, 100);
	free(path);
	path = xasprintf("%s/responses.jsonl", dir);
	FILE *f = fopen(path, "w");
	const char *key;
	json_t *value;
	json_object_foreach (fake.responses, key, value) {
		json_dumpf(value, f, JSON_COMPACT | JSON_REAL_PRECISION(15));
		fputc('\n', f);
	}
	fclose(f);
	free(path);
	if (json_object_size(fake.files)) {
		path = xasprintf("%s/container-files.jsonl", dir);
		f = fopen(path, "w");
		json_object_foreach (fake.files, key, value) {
			json_t *page = list_page(value, 0, json_array_size(value), 0, 0);
			json_dumpf(page, f, JSON_COMPACT);
			fputc('\n', f);
			json_decref(page);
		}
		fclose(f);
		free(path);
	}
	json_object_foreach (fake.items, key, value) {
		path = xasprintf("%s/%s.items.json", dir, key);
		json_t *page = list_page(value, 0, json_array_size(value), 0, 0);
		json_dump_file(page, path, JSON_COMPACT);
		json_decref(page);
		free(path);
	}
}

/* ---- serving ---------------------------------------------------------- */

struct reply {
	int status;
	char *body;
	size_t body_len;                          /* when the body is binary (0: strlen) */
	const char *retry_after, *retry_after_ms; /* header values, or NULL */
	const char *encoding;                     /* Content-Encoding, or NULL */
	char *request_id;                         /* x-request-id instead of req_..., or NULL */
};

/* ---- hostile replies ---------------------------------------------------- */

/* s with every character as a JSON \u escape (a server may echo so). */
static void json_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_printf(b, "\\u%04x", (unsigned char)*s);
}

static void percent_encoded(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_printf(b, "%%%02X", (unsigned char)*s);
}

/* 64 MiB of zeros, gzipped: about 64 KB that inflate a thousandfold. */
static char *gzip_bomb(size_t *len)
{
	static unsigned char zeros[1 << 16];
	z_stream z = {0};
	deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
	size_t cap = 1 << 20;
	unsigned char *out = xmalloc(cap);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	for (int i = 0; i < 1024; i++) {
		z.next_in = zeros;
		z.avail_in = sizeof zeros;
		deflate(&z, i == 1023 ? Z_FINISH : Z_NO_FLUSH);
	}
	*len = cap - z.avail_out;
	deflateEnd(&z);
	return (char *)out;
}

/* A body streamed by a callback: endless (more list elements forever),
 * huge (zeros to a declared size) or trickling (a byte every half second). */
struct stream_state {
	const char *kind;
	uint64_t size;
};

static ssize_t send_stream(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream_state *s = cls;
	if (!strcmp(s->kind, "trickle")) {
		static const char body[] = "{\"object\": \"list\", \"data\": [], \"has_more\": false}";
		if (pos >= sizeof body - 1)
			return MHD_CONTENT_READER_END_OF_STREAM;
		usleep(500000);
		out[0] = body[pos];
		return 1;
	}
	if (!strcmp(s->kind, "endless")) {
		static const char head[] = "{\"object\": \"list\", \"data\": [";
		if (pos == 0 && max >= sizeof head) {
			memcpy(out, head, sizeof head - 1);
			return sizeof head - 1;
		}
		size_t n = max < 65536 ? max : 65536;
		for (size_t i = 0; i + 3 <= n; i += 3)
			memcpy(out + i, "{},", 3);
		return (ssize_t)(n / 3 * 3);
	}
	if (pos >= s->size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = s->size - pos < max ? (size_t)(s->size - pos) : max;
	memset(out, ' ', n);
	return (ssize_t)n;
}

/* The Authorization header as a container's name in a 200 page. */
static void echo_in_page(struct reply *r, const char *auth)
{
	json_t *doc = json_loads(r->body, 0, NULL);
	json_t *first = json_array_get(json_object_get(doc, "data"), 0);
	if (first && auth) {
		json_object_set_new(first, "name", json_string(auth));
		free(r->body);
		r->body = json_dumps(doc, JSON_COMPACT);
	}
	json_decref(doc);
}

/* A 400 whose message names the key in a form the server chose. */
static void echo_in_error(struct reply *r, const char *kind, const char *auth)
{
	struct buf b = {0};
	const char *key = auth && !strncmp(auth, "Bearer ", 7) ? auth + 7 : "";
	buf_puts(&b, "{\"error\": {\"message\": \"");
	if (!strcmp(kind, "echo-escaped")) {
		buf_puts(&b, "Incorrect API key provided: ");
		json_escaped(&b, key);
		buf_puts(&b, ", sent as ");
		percent_encoded(&b, key);
	} else { /* echo-long: the key across the 200th character of the message */
		for (int i = 0; i < 190; i++)
			buf_putc(&b, 'x');
		buf_puts(&b, key);
	}
	buf_puts(&b, "\", \"type\": \"invalid_request_error\", \"param\": null, \"code\": null}}");
	free(r->body);
	r->status = 400;
	r->body = buf_detach(&b);
}

static void error_reply(struct reply *r, int status, const char *type, const char *code, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	json_t *e = json_pack("{s:{s:s, s:s, s:n, s:o}}", "error", "message", message, "type", type, "param", "code",
	                      code ? json_string(code) : json_null());
	r->status = status;
	r->body = json_dumps(e, JSON_INDENT(2));
	json_decref(e);
}

static void json_reply(struct reply *r, json_t *value)
{
	r->status = 200;
	r->body = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(value);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static long page_limit(long asked)
{
	return fake.page_size > 0 && fake.page_size < asked ? fake.page_size : asked;
}

/* A cursor-paginated list: order by created_at (asc|desc), after an id.
 * index maps id -> position in all (NULL: search). stuck: the cursor is
 * ignored and the page says there is more (the fault). */
static void list_reply(struct reply *r, struct MHD_Connection *c, const json_t *all, const json_t *index,
                       int default_desc, int stuck)
{
	const char *limit_s = arg(c, "limit"), *order = arg(c, "order"), *after = stuck ? NULL : arg(c, "after");
	long limit = limit_s ? strtol(limit_s, NULL, 10) : 20;
	int desc = order ? !strcmp(order, "desc") : default_desc;
	if (limit < 1 || limit > 100) {
		error_reply(r, 400, "invalid_request_error", "integer_above_max_value",
		            "Invalid 'limit': must be between 1 and 100.");
		return;
	}
	if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
		error_reply(r, 400, "invalid_request_error", NULL, "Invalid 'order': expected 'asc' or 'desc'.");
		return;
	}
	size_t n = json_array_size(all), start = 0;
	const json_t *known = index && after ? json_object_get(index, after) : NULL;
	if (known) {
		size_t at = (size_t)json_integer_value(known);
		start = (desc ? n - 1 - at : at) + 1;
	} else if (after) {
		size_t i;
		for (i = 0; i < n; i++) {
			size_t k = desc ? n - 1 - i : i;
			if (!strcmp(json_string_value(json_object_get(json_array_get(all, k), "id")), after))
				break;
		}
		if (i == n) {
			error_reply(r, 400, "invalid_request_error", NULL, "Invalid 'after': no object with id '%s'.",
			            after);
			return;
		}
		start = i + 1;
	}
	limit = page_limit(limit);
	json_reply(r, list_page(all, start, (size_t)limit, desc, stuck || start + (size_t)limit < n));
}

/* Page cursors are opaque, as OpenAI's are (page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=):
 * base64 of a marker and the offset, so every one holds '+', '/' and '='. A
 * cursor that arrives mangled (a '+' read as a space) is refused. */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *page_cursor(long offset)
{
	unsigned char raw[7] = {0xfb,
	                        0xff,
	                        0xbf,
	                        (unsigned char)(offset >> 24),
	                        (unsigned char)(offset >> 16),
	                        (unsigned char)(offset >> 8),
	                        (unsigned char)offset};
	char out[5 + 12 + 1] = "page_";
	char *o = out + 5;
	for (int i = 0; i < 7; i += 3) {
		unsigned v =
		    (unsigned)raw[i] << 16 | (i + 1 < 7 ? (unsigned)raw[i + 1] << 8 : 0) | (i + 2 < 7 ? raw[i + 2] : 0);
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < 7 ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < 7 ? b64[v & 63] : '=';
	}
	*o = '\0';
	return json_string(out);
}

static int parse_cursor(const char *cursor, long *offset)
{
	if (strncmp(cursor, "page_", 5) || strlen(cursor) != 17 || strcmp(cursor + 15, "==") != 0)
		return -1;
	unsigned char raw[9];
	for (int i = 0; i < 3; i++) {
		unsigned v = 0;
		for (int k = 0; k < 4; k++) {
			char ch = cursor[5 + 4 * i + k];
			const char *at = ch == '=' ? b64 : strchr(b64, ch);
			if (!at || !ch)
				return -1;
			v = v << 6 | (unsigned)(at - b64);
		}
		raw[3 * i] = (unsigned char)(v >> 16), raw[3 * i + 1] = (unsigned char)(v >> 8),
		        raw[3 * i + 2] = (unsigned char)v;
	}
	if (raw[0] != 0xfb || raw[1] != 0xff || raw[2] != 0xbf)
		return -1;
	*offset = (long)raw[3] << 24 | (long)raw[4] << 16 | (long)raw[5] << 8 | raw[6];
	return 0;
}

/* Which group_by[] fields the request asked for. */
struct grouping {
	int project, line_item, api_key;
};

static enum MHD_Result read_group_by(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct grouping *g = cls;
	if (value && (!strcmp(key, "group_by[]") || !strcmp(key, "group_by"))) {
		g->project |= !strcmp(value, "project_id");
		g->line_item |= !strcmp(value, "line_item");
		g->api_key |= !strcmp(value, "api_key_id");
	}
	return MHD_YES;
}

/* A result's value of a grouping field: its own, or (for project_id) the
 * project of the key, when grouped; null when not. */
static json_t *grouped_value(const json_t *result, const char *field, int grouped)
{
	if (!grouped)
		return json_null();
	const json_t *v = json_object_get(result, field);
	if (json_is_string(v))
		return json_incref((json_t *)v);
	return !strcmp(field, "project_id") ? json_string(fake.project_id) : json_null();
}

/* A bucket's results regrouped as the request asked: results with the same
 * grouping values are summed (sessions, amounts, quantities). */
static json_t *regroup(const json_t *results, const struct grouping *g, int costs)
{
	json_t *out = json_array(), *by_key = json_object();
	size_t i;
	const json_t *result;
	json_array_foreach (results, i, result) {
		json_t *project = grouped_value(result, "project_id", g->project);
		json_t *line = grouped_value(result, "line_item", g->line_item);
		json_t *key_id = grouped_value(result, "api_key_id", g->api_key);
		char *key = xasprintf("%s|%s|%s", json_string_value(project) ? json_string_value(project) : "",
		                      json_string_value(line) ? json_string_value(line) : "",
		                      json_string_value(key_id) ? json_string_value(key_id) : "");
		json_t *sum = json_object_get(by_key, key);
		if (!sum) {
			if (costs)
				sum = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "object", "organization.costs.result",
				                "line_item", json_incref(line), "project_id", json_incref(project),
				                "api_key_id", json_incref(key_id), "quantity", json_null(),
				                "quantity_unit",
				                g->line_item && json_object_get(result, "quantity_unit")
				                    ? json_incref(json_object_get(result, "quantity_unit"))
				                    : json_null());
			else
				sum = json_pack("{s:s, s:i, s:o}", "object",
				                "organization.usage.code_interpreter_sessions.result", "num_sessions",
				                0, "project_id", json_incref(project));
			json_object_set_new(by_key, key, sum);
			json_array_append(out, sum);
		}
		if (costs) {
			const json_t *amount = json_object_get(result, "amount");
			const json_t *value = json_object_get(amount, "value"),
			             *quantity = json_object_get(result, "quantity");
			if (json_is_number(value)) {
				json_t *have = json_object_get(sum, "amount");
				double total =
				    json_number_value(json_object_get(have, "value")) + json_number_value(value);
				const json_t *currency = json_object_get(amount, "currency");
				json_object_set_new(sum, "amount",
				                    json_pack("{s:f, s:O}", "value", total, "currency",
				                              currency ? currency : json_string("usd")));
			}
			if (g->line_item && json_is_number(quantity))
				json_object_set_new(sum, "quantity",
				                    json_real(json_number_value(json_object_get(sum, "quantity")) +
				                              json_number_value(quantity)));
		} else {
			json_object_set_new(sum, "num_sessions",
			                    json_integer(json_integer_value(json_object_get(sum, "num_sessions")) +
			                                 json_integer_value(json_object_get(result, "num_sessions"))));
		}
		free(key);
		json_decref(project);
		json_decref(line);
		json_decref(key_id);
	}
	json_decref(by_key);
	return out;
}

/* A page of buckets: start_time (required), end_time, limit, page cursor,
 * group_by; stuck: the cursor is ignored and the same next_page repeats. */
static void buckets_reply(struct reply *r, struct MHD_Connection *c, const json_t *all, long default_limit,
                          long max_limit, int costs, int stuck)
{
	const char *start_s = arg(c, "start_time"), *end_s = arg(c, "end_time"), *limit_s = arg(c, "limit");
	const char *page = stuck ? NULL : arg(c, "page");
	if (!start_s) {
		error_reply(r, 400, "invalid_request_error", "missing_required_parameter",
		            "Missing required parameter: 'start_time'.");
		return;
	}
	long start = strtol(start_s, NULL, 10), end = end_s ? strtol(end_s, NULL, 10) : 1L << 40;
	long limit = limit_s ? strtol(limit_s, NULL, 10) : default_limit, skip = 0;
	if (limit < 1 || limit > max_limit) {
		error_reply(r, 400, "invalid_request_error", NULL, "Invalid 'limit': must be between 1 and %ld.",
		            max_limit);
		return;
	}
	if (page && parse_cursor(page, &skip)) {
		error_reply(r, 400, "invalid_request_error", NULL, "Invalid 'page': '%s' is not a page cursor.", page);
		return;
	}
	struct grouping g = {0};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, read_group_by, &g);
	limit = page_limit(limit);
	json_t *data = json_array();
	long seen = 0;
	size_t i;
	const json_t *bucket;
	int more = 0;
	json_array_foreach (all, i, bucket) {
		long t = (long)json_integer_value(json_object_get(bucket, "start_time"));
		if (t < start || t >= end)
			continue;
		if (seen++ < skip)
			continue;
		if ((long)json_array_size(data) == limit) {
			more = 1;
			break;
		}
		json_array_append_new(data, json_pack("{s:s, s:O, s:O, s:o}", "object", "bucket", "start_time",
		                                      json_object_get(bucket, "start_time"), "end_time",
		                                      json_object_get(bucket, "end_time"), "results",
		                                      regroup(json_object_get(bucket, "results"), &g, costs)));
	}
	more |= stuck;
	json_reply(r, json_pack("{s:s, s:o, s:b, s:o}", "object", "page", "data", data, "has_more", more, "next_page",
	                        more ? page_cursor(skip + limit) : json_null()));
}

static long fake_now(void)
{
	return fake.clock ? fake.clock : (long)time(NULL);
}

/* Retrieving a container, or touching its files, refreshes a live one. */
static json_t *touch(const char *id)
{
	size_t i;
	json_t *c;
	json_array_foreach (fake.containers, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "id")), id))
			continue;
		const char *status = json_string_value(json_object_get(c, "status"));
		if (status && strcmp(status, "expired") && strcmp(status, "deleted")) {
			json_object_set_new(c, "last_active_at", json_integer(fake_now()));
			if (fake.log) {
				fprintf(fake.log, "TOUCH %s status=%s\n", id, status);
				fflush(fake.log);
			}
		}
		return c;
	}
	return NULL;
}

/* Another response than id (the wrong-id fault), or NULL. */
static json_t *other_response(const char *id)
{
	const char *key;
	json_t *value;
	json_object_foreach (fake.responses, key, value)
		if (strcmp(key, id))
			return value;
	return NULL;
}

static void route(struct reply *r, struct MHD_Connection *c, const char *url, int admin, const char *fault)
{
	const char *p = url;
	int stuck = fault && !strcmp(fault, "stuck");
	if (!strncmp(p, "/v1", 3))
		p += 3;
	if ((strncmp(p, "/organization/", 14) == 0) != admin) {
		error_reply(
		    r, 403, "invalid_request_error", "insufficient_permissions",
		    admin ? "Admin API keys cannot be used for non-administration endpoints."
		          : "You have insufficient permissions for this operation. Missing scopes: api.usage.read.");
		return;
	}
	char id[512];
	json_t *none = json_array();
	if (!strcmp(p, "/containers")) {
		list_reply(r, c, fake.containers, fake.container_at, 1, stuck);
	} else if (sscanf(p, "/containers/%511[^/]/files", id) == 1 && strstr(p, "/files")) {
		if (!touch(id))
			error_reply(r, 404, "invalid_request_error", NULL, "No container found with id '%s'.", id);
		else
			list_reply(r, c, json_object_get(fake.files, id) ? json_object_get(fake.files, id) : none, NULL,
			           1, stuck);
	} else if (sscanf(p, "/containers/%511[^/]", id) == 1) {
		json_t *found = touch(id);
		if (found)
			json_reply(r, json_incref(found));
		else
			error_reply(r, 404, "invalid_request_error", NULL, "No container found with id '%s'.", id);
	} else if (sscanf(p, "/responses/%511[^/]/input_items", id) == 1 && strstr(p, "/input_items")) {
		json_t *items = json_object_get(fake.items, id);
		if (!json_object_get(fake.responses, id))
			error_reply(r, 404, "invalid_request_error", NULL, "Response with id '%s' not found.", id);
		else
			list_reply(r, c, items ? items : none, NULL, 1, stuck);
	} else if (sscanf(p, "/responses/%511[^/]", id) == 1) {
		json_t *found = json_object_get(fake.responses, id);
		if (found && fault && !strcmp(fault, "wrong-id") && other_response(id))
			found = other_response(id);
		if (found)
			json_reply(r, json_incref(found));
		else
			error_reply(r, 404, "invalid_request_error", NULL, "Response with id '%s' not found.", id);
	} else if (sscanf(p, "/conversations/%511[^/]/items", id) == 1 && strstr(p, "/items")) {
		json_t *items = json_object_get(fake.items, id);
		if (!items)
			error_reply(r, 404, "invalid_request_error", NULL, "Conversation with id '%s' not found.", id);
		else
			list_reply(r, c, items, NULL, 1, stuck);
	} else if (!strcmp(p, "/organization/usage/code_interpreter_sessions")) {
		buckets_reply(r, c, fake.usage, 7, 31, 0, stuck);
	} else if (!strcmp(p, "/organization/costs")) {
		buckets_reply(r, c, fake.costs, 7, 180, 1, stuck);
	} else if (!strcmp(p, "/organization/projects")) {
		list_reply(r, c, fake.projects, NULL, 0, stuck);
	} else if (sscanf(p, "/organization/projects/%511[^/]/api_keys", id) == 1 && strstr(p, "/api_keys")) {
		json_t *keys = json_object_get(fake.project_keys, id);
		if (!keys)
			error_reply(r, 404, "invalid_request_error", NULL, "No project found with id '%s'.", id);
		else
			list_reply(r, c, keys, NULL, 0, stuck);
	} else {
		error_reply(r, 404, "invalid_request_error", NULL, "Invalid URL (GET %s)", url);
	}
	json_decref(none);
}

/* ---- creating: POST /responses, /conversations, /containers ------------- */

/* A new ID of the API's shape: PREFIX_ and 48 hex digits, unique in this run. */
static void new_id(char *out, size_t size, const char *prefix)
{
	static unsigned long made;
	snprintf(out, size, "%s_%08lx%040lu", prefix, (unsigned long)fake_now(), ++made);
}

static json_t *new_container(const char *name, const char *memory)
{
	char id[96];
	long now = fake_now();
	new_id(id, sizeof id, "cntr");
	json_t *c =
	    json_pack("{s:s, s:s, s:s, s:I, s:s, s:{s:s, s:i}, s:I, s:s}", "id", id, "object", "container", "name",
	              name, "created_at", (json_int_t)now, "status", "running", "expires_after", "anchor",
	              "last_active_at", "minutes", 20, "last_active_at", (json_int_t)now, "memory_limit", memory);
	json_object_set_new(fake.container_at, id, json_integer((json_int_t)json_array_size(fake.containers)));
	json_array_append(fake.containers, c); /* the newest: the list stays in created_at order */
	return c;
}

/* The text a request's input holds: a string, or the text parts of its
 * messages, joined. Caller frees. */
static char *input_text(const json_t *input)
{
	struct buf b = {0};
	size_t i, j;
	const json_t *item, *part;
	if (json_is_string(input))
		buf_puts(&b, json_string_value(input));
	json_array_foreach (input, i, item) {
		const json_t *content = json_object_get(item, "content");
		if (json_is_string(content))
			buf_printf(&b, "%s\n", json_string_value(content));
		json_array_foreach (content, j, part)
			if (json_is_string(json_object_get(part, "text")))
				buf_printf(&b, "%s\n", json_string_value(json_object_get(part, "text")));
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* The input as the items the API keeps (input items, conversation items). */
static json_t *input_items(const json_t *input, const char *text)
{
	char id[96];
	new_id(id, sizeof id, "msg");
	if (json_is_array(input) && json_array_size(input) && json_object_get(json_array_get(input, 0), "id"))
		return json_incref((json_t *)input);
	return json_pack("[{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}]", "id", id, "type", "message", "status", "completed",
	                 "role", "user", "content", "type", "input_text", "text", text);
}

/* The container a tool runs in: a new one when it asks for an automatic
 * container (code interpreter "auto", Hosted Shell "container_auto"), the one
 * it names, or NULL (*shell set for a shell tool). */
static json_t *tool_container(const json_t *tools, int *shell, int *asked)
{
	size_t i;
	const json_t *tool;
	*asked = 0;
	json_array_foreach (tools, i, tool) {
		const char *type = json_string_value(json_object_get(tool, "type"));
		const json_t *where = NULL;
		if (type && !strcmp(type, "code_interpreter"))
			where = json_object_get(tool, "container"), *shell = 0;
		else if (type && !strcmp(type, "shell"))
			where = json_object_get(tool, "environment"), *shell = 1;
		if (!where)
			continue;
		*asked = 1;
		const char *kind = json_string_value(json_object_get(where, "type"));
		const char *named = json_is_string(where) ? json_string_value(where)
		                                          : json_string_value(json_object_get(where, "container_id"));
		if (kind && (!strcmp(kind, "auto") || !strcmp(kind, "container_auto"))) {
			const char *memory = json_string_value(json_object_get(where, "memory_limit"));
			json_t *c =
			    new_container(*shell ? "shell-auto" : "code-interpreter-auto", memory ? memory : "1g");
			json_decref(c); /* held by fake.containers */
			return c;
		}
		if (named)
			return touch(named);
	}
	return NULL;
}

/* POST /responses: the model runs code when the input asks it to "run"
 * something; otherwise it only answers, and an automatic container is
 * created all the same (the seeds' orphan). */
static json_t *create_response(struct reply *r, const json_t *body)
{
	const json_t *input = json_object_get(body, "input");
	const json_t *tools = json_object_get(body, "tools");
	const char *previous = json_string_value(json_object_get(body, "previous_response_id"));
	const json_t *conv_given = json_object_get(body, "conversation");
	const char *conv = json_is_string(conv_given) ? json_string_value(conv_given)
	                                              : json_string_value(json_object_get(conv_given, "id"));
	if (!json_is_string(json_object_get(body, "model"))) {
		error_reply(r, 400, "invalid_request_error", "missing_required_parameter",
		            "Missing required parameter: 'model'.");
		return NULL;
	}
	if (previous && !json_object_get(fake.responses, previous)) {
		error_reply(r, 400, "invalid_request_error", "previous_response_not_found",
		            "Previous response with id '%s' not found.", previous);
		return NULL;
	}
	if (conv && !json_object_get(fake.items, conv)) {
		error_reply(r, 404, "invalid_request_error", NULL, "Conversation with id '%s' not found.", conv);
		return NULL;
	}
	char id[96], msg[96];
	long now = fake_now();
	new_id(id, sizeof id, "resp");
	new_id(msg, sizeof msg, "msg");
	char *text = input_text(input);
	int shell = 0, asked = 0;
	json_t *container = tool_container(tools, &shell, &asked);
	json_t *output = json_array();
	char *lower = xstrdup(text);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (container && strstr(lower, "run")) {
		const char *cid = json_string_value(json_object_get(container, "id"));
		json_array_append_new(output, synthetic_call(shell, now, (long)fake.request_counter, cid));
		json_object_set_new(container, "last_active_at", json_integer(now));
	}
	free(lower);
	json_array_append_new(output, json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:[], s:[]}]}", "id", msg, "type",
	                                        "message", "status", "completed", "role", "assistant", "content",
	                                        "type", "output_text", "text", "done", "annotations", "logprobs"));
	json_t *resp =
	    synthetic_response(id, now, output, tools ? json_incref((json_t *)tools) : json_array(), previous, conv);
	json_object_set_new(resp, "created_at", json_integer(now));
	json_object_set_new(resp, "completed_at", json_integer(now));
	json_object_set_new(resp, "model", json_incref(json_object_get(body, "model")));
	json_t *items = input_items(input, text);
	free(text);
	json_object_set(fake.items, id, items);
	if (conv) {
		append_to(fake.items, conv, items);
		append_to(fake.items, conv, output);
	}
	json_decref(items);
	json_object_set(fake.responses, id, resp);
	return resp;
}

static void create_conversation(struct reply *r, const json_t *body)
{
	char id[96];
	new_id(id, sizeof id, "conv");
	const json_t *items = json_object_get(body, "items");
	json_object_set_new(fake.items, id, json_is_array(items) ? json_deep_copy(items) : json_array());
	const json_t *metadata = json_object_get(body, "metadata");
	json_reply(r, json_pack("{s:s, s:s, s:O, s:I}", "id", id, "object", "conversation", "metadata",
	                        json_is_object(metadata) ? metadata : json_object(), "created_at",
	                        (json_int_t)fake_now()));
}

static void create_container(struct reply *r, const json_t *body)
{
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *memory = json_string_value(json_object_get(body, "memory_limit"));
	if (!name) {
		error_reply(r, 400, "invalid_request_error", "missing_required_parameter",
		            "Missing required parameter: 'name'.");
		return;
	}
	json_reply(r, new_container(name, memory ? memory : "1g"));
}

/* A streamed response: the official events, one per call of the reader,
 * --stream-delay-ms apart, ending with response.completed. */
struct event_stream {
	json_t *events; /* array of [name, data] */
	size_t next;
	char *pending; /* the current event's text */
	size_t pending_len, pending_sent;
};

static json_t *event(json_t *events, const char *type, json_t *data)
{
	json_object_set_new(data, "type", json_string(type));
	json_object_set_new(data, "sequence_number", json_integer((json_int_t)json_array_size(events)));
	json_array_append_new(events, json_pack("[s, o]", type, data));
	return data;
}

static struct event_stream *stream_of(const json_t *resp)
{
	struct event_stream *s = xcalloc(1, sizeof *s);
	s->events = json_array();
	json_t *early = json_deep_copy(resp);
	json_object_set_new(early, "status", json_string("in_progress"));
	json_object_set_new(early, "completed_at", json_null());
	json_object_set_new(early, "output", json_array());
	event(s->events, "response.created", json_pack("{s:O}", "response", early));
	event(s->events, "response.in_progress", json_pack("{s:o}", "response", early));
	size_t i;
	const json_t *item;
	json_array_foreach (json_object_get(resp, "output"), i, item) {
		event(s->events, "response.output_item.added",
		      json_pack("{s:I, s:O}", "output_index", (json_int_t)i, "item", item));
		const char *type = json_string_value(json_object_get(item, "type"));
		if (type && !strcmp(type, "message"))
			event(s->events, "response.output_text.delta",
			      json_pack("{s:O, s:I, s:i, s:s, s:[]}", "item_id", json_object_get(item, "id"),
			                "output_index", (json_int_t)i, "content_index", 0, "delta", "done",
			                "logprobs"));
		event(s->events, "response.output_item.done",
		      json_pack("{s:I, s:O}", "output_index", (json_int_t)i, "item", item));
	}
	event(s->events, "response.completed", json_pack("{s:O}", "response", resp));
	return s;
}

static ssize_t send_events(void *cls, uint64_t pos, char *out, size_t max)
{
	struct event_stream *s = cls;
	if (s->pending_sent == s->pending_len) {
		free(s->pending);
		s->pending = NULL;
		if (s->next == json_array_size(s->events))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (s->next > 0 && fake.stream_delay_ms > 0)
			usleep((useconds_t)fake.stream_delay_ms * 1000);
		json_t *e = json_array_get(s->events, s->next++);
		char *data = json_dumps(json_array_get(e, 1), JSON_COMPACT);
		s->pending = xasprintf("event: %s\ndata: %s\n\n", json_string_value(json_array_get(e, 0)), data);
		free(data);
		s->pending_len = strlen(s->pending);
		s->pending_sent = 0;
	}
	size_t n = s->pending_len - s->pending_sent < max ? s->pending_len - s->pending_sent : max;
	memcpy(out, s->pending + s->pending_sent, n);
	s->pending_sent += n;
	return (ssize_t)n;
}

static void free_events(void *cls)
{
	struct event_stream *s = cls;
	json_decref(s->events);
	free(s->pending);
	free(s);
}

/* The POST routes; *stream is set for a streamed response. */
static void route_post(struct reply *r, const char *url, const char *upload, size_t len, struct event_stream **stream)
{
	const char *p = !strncmp(url, "/v1", 3) ? url + 3 : url;
	json_error_t error;
	json_t *body = len ? json_loadb(upload, len, 0, &error) : json_object();
	if (!json_is_object(body)) {
		error_reply(r, 400, "invalid_request_error", NULL,
		            "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
		            "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
	} else if (!strcmp(p, "/responses")) {
		json_t *resp = create_response(r, body);
		if (resp && json_is_true(json_object_get(body, "stream")))
			*stream = stream_of(resp);
		else if (resp)
			json_reply(r, json_incref(resp));
		json_decref(resp);
	} else if (!strcmp(p, "/conversations")) {
		create_conversation(r, body);
	} else if (!strcmp(p, "/containers")) {
		create_container(r, body);
	} else {
		error_reply(r, 404, "invalid_request_error", NULL, "Invalid URL (POST %s)", url);
	}
	json_decref(body);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", key, value ? value : "");
	return MHD_YES;
}

struct body_state {
	char *body;
	size_t len, sent, cut;
	int stall;
};

static ssize_t send_partial(void *cls, uint64_t pos, char *out, size_t max)
{
	struct body_state *s = cls;
	if (pos >= s->cut) {
		if (s->stall)
			sleep(10);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = s->cut - (size_t)pos < max ? s->cut - (size_t)pos : max;
	memcpy(out, s->body + pos, n);
	return (ssize_t)n;
}

static void free_partial(void *cls)
{
	struct body_state *s = cls;
	free(s->body);
	free(s);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
	if (!*state) { /* first call: headers only */
		*state = xcalloc(1, sizeof(struct buf));
		return MHD_YES;
	}
	struct buf *upload_body = *state;
	if (*upload_size) {
		buf_append(upload_body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	const char *project = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "OpenAI-Project");
	const char *org = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "OpenAI-Organization");
	struct buf query = {0};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &query);
	char *target = xasprintf("%s%s%s", url, query.len ? "?" : "", query.len ? query.data : "");
	buf_free(&query);

	const char *who = "none";
	int admin = 0;
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		if (!strcmp(auth + 7, fake.api_key))
			who = "project";
		else if (!strcmp(auth + 7, fake.admin_key))
			who = "admin", admin = 1;
		else
			who = "wrong";
	}
	struct reply r = {0};
	struct event_stream *events = NULL;
	const char *fault = NULL;
	pthread_mutex_lock(&fake.lock);
	unsigned long n = ++fake.request_counter;
	for (int i = 0; i < fake.fault_count; i++) {
		struct fault *f = &fake.faults[i];
		if (f->remaining && strstr(target, f->match)) {
			if (f->remaining > 0)
				f->remaining--;
			fault = f->kind;
			break;
		}
	}
	if (fake.log) {
		fprintf(fake.log, "%s %s key=%s project=%s org=%s%s%s\n", method, target, who, project ? project : "-",
		        org ? org : "-", fault ? " fault=" : "", fault ? fault : "");
		fflush(fake.log);
	}
	if (strcmp(method, "GET") && strcmp(method, "POST"))
		error_reply(&r, 405, "invalid_request_error", NULL, "Method %s not allowed.", method);
	else if (!strcmp(who, "none") || !strcmp(who, "wrong"))
		error_reply(&r, 401, "invalid_request_error", "invalid_api_key",
		            "Incorrect API key provided: %s. You can find your API key at "
		            "https://platform.openai.com/account/api-keys.",
		            fake.echo_auth && auth ? auth : "sk-...redacted");
	else if (fault && !strncmp(fault, "429", 3))
		error_reply(&r, 429, "requests", "rate_limit_exceeded", "Rate limit reached for requests."),
		    r.retry_after = strcmp(fault, "429ms") ? "1" : NULL,
		    r.retry_after_ms = strcmp(fault, "429ms") ? NULL : "50";
	else if (fault && !strncmp(fault, "retry-", 6))
		error_reply(&r, 429, "requests", "rate_limit_exceeded", "Rate limit reached for requests."),
		    r.retry_after = !strcmp(fault, "retry-day")    ? "86400"
		                    : !strcmp(fault, "retry-huge") ? "99999999999999999"
		                                                   : NULL,
		    r.retry_after_ms = !strcmp(fault, "retry-ms-huge") ? "99999999999999999999" : NULL;
	else if (fault && (!strcmp(fault, "500") || !strcmp(fault, "502") || !strcmp(fault, "503")))
		error_reply(&r, atoi(fault), "server_error", NULL, "The server had an error processing your request.");
	else if (!strcmp(method, "POST") && admin)
		error_reply(&r, 403, "invalid_request_error", "insufficient_permissions",
		            "Admin API keys cannot be used for non-administration endpoints.");
	else if (!strcmp(method, "POST"))
		route_post(&r, url, upload_body->data, upload_body->len, &events);
	else
		route(&r, c, url, admin, fault);
	if (fault && !strcmp(fault, "echo-key") && r.status == 200)
		echo_in_page(&r, auth);
	if (fault && !strcmp(fault, "echo-key-header"))
		r.request_id = xasprintf("req_%s", auth ? auth : "");
	if (fault && (!strcmp(fault, "echo-escaped") || !strcmp(fault, "echo-long")))
		echo_in_error(&r, fault, auth);
	if (fault && !strcmp(fault, "gzip-bomb")) {
		free(r.body);
		r.status = 200;
		r.body = gzip_bomb(&r.body_len);
		r.encoding = "gzip";
	}
	if (fault && fake.echo_auth && auth && r.status >= 400) {
		free(r.body);
		error_reply(&r, r.status, "invalid_request_error", NULL, "Bad request with header Authorization: %s",
		            auth);
	}
	pthread_mutex_unlock(&fake.lock);
	free(target);

	if (fake.latency_ms > 0)
		usleep((useconds_t)fake.latency_ms * 1000);
	if (fault && !strcmp(fault, "delay"))
		sleep(1);
	if (fault && !strcmp(fault, "reset")) {
		free(r.body);
		return MHD_NO; /* the connection is closed without a reply */
	}
	if (fault && !strcmp(fault, "malformed")) {
		free(r.body);
		r.status = 200;
		r.body = xstrdup("{\"object\": \"list\", \"data\": [{\"id\": \"cntr_");
	}
	struct MHD_Response *resp;
	size_t len = r.body_len ? r.body_len : r.body ? strlen(r.body) : 0;
	if (events) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, send_events, events, free_events);
		r.status = 200;
	} else if (fault && (!strcmp(fault, "endless") || !strcmp(fault, "huge") || !strcmp(fault, "trickle"))) {
		struct stream_state *st = xcalloc(1, sizeof *st);
		st->kind = fault;
		st->size = (uint64_t)1 << 30;
		free(r.body);
		r.status = 200;
		resp = MHD_create_response_from_callback(!strcmp(fault, "huge") ? st->size : MHD_SIZE_UNKNOWN, 65536,
		                                         send_stream, st, free);
	} else if (fault && (!strcmp(fault, "truncate") || !strcmp(fault, "stall"))) {
		struct body_state *s = xcalloc(1, sizeof *s);
		s->body = r.body;
		s->len = len;
		s->cut = len / 2;
		s->stall = !strcmp(fault, "stall");
		resp = MHD_create_response_from_callback(len, 4096, send_partial, s, free_partial);
	} else {
		resp = MHD_create_response_from_buffer(len, r.body, MHD_RESPMEM_MUST_FREE);
	}
	char request_id[48];
	snprintf(request_id, sizeof request_id, "req_%016lx", n);
	MHD_add_response_header(resp, "Content-Type", events ? "text/event-stream; charset=utf-8" : "application/json");
	MHD_add_response_header(resp, "x-request-id", r.request_id ? r.request_id : request_id);
	MHD_add_response_header(resp, "openai-version", "2020-10-01");
	free(r.request_id);
	if (r.encoding)
		MHD_add_response_header(resp, "Content-Encoding", r.encoding);
	if (r.retry_after)
		MHD_add_response_header(resp, "Retry-After", r.retry_after);
	if (r.retry_after_ms)
		MHD_add_response_header(resp, "retry-after-ms", r.retry_after_ms);
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)r.status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* Small replies in two writes (headers, body) would wait on the client's
 * delayed ACK under Nagle's algorithm: 40 ms a request. Real API front ends
 * do not; neither does this one. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	int one = 1;
	if (info)
		setsockopt(info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code)
{
	if (*state) {
		buf_free(*state);
		free(*state);
		*state = NULL;
	}
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {{"port", required_argument, NULL, 'p'},
	                                        {"port-file", required_argument, NULL, 'P'},
	                                        {"fixture", required_argument, NULL, 'f'},
	                                        {"synthetic", required_argument, NULL, 's'},
	                                        {"seed", required_argument, NULL, 'S'},
	                                        {"latency-ms", required_argument, NULL, 'l'},
	                                        {"fault", required_argument, NULL, 'F'},
	                                        {"log", required_argument, NULL, 'L'},
	                                        {"api-key", required_argument, NULL, 'k'},
	                                        {"admin-key", required_argument, NULL, 'K'},
	                                        {"project-id", required_argument, NULL, 'j'},
	                                        {"page-size", required_argument, NULL, 'z'},
	                                        {"echo-auth", no_argument, NULL, 'e'},
	                                        {"dump", required_argument, NULL, 'd'},
	                                        {"stream-delay-ms", required_argument, NULL, 'D'},
	                                        {"clock", required_argument, NULL, 'C'},
	                                        {NULL, 0, NULL, 0}};
	unsigned port = 0;
	const char *port_file = NULL, *synthetic = NULL, *dump_dir = NULL;
	unsigned long long seed = 1;
	int c;

	fake.containers = json_array();
	fake.responses = json_object();
	fake.items = json_object();
	fake.files = json_object();
	fake.usage = json_array();
	fake.costs = json_array();
	fake.projects = json_array();
	fake.project_keys = json_object();
	char **fixtures = xcalloc((size_t)argc + 1, sizeof *fixtures);
	int nfixtures = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			port = (unsigned)atoi(optarg);
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'f':
			fixtures[nfixtures++] = optarg;
			break;
		case 's':
			synthetic = optarg;
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'l':
			fake.latency_ms = atol(optarg);
			break;
		case 'F': {
			char *spec = xstrdup(optarg), *kind = strchr(spec, ':');
			if (!kind || fake.fault_count == 64) {
				fprintf(stderr, "fake_api: --fault MATCH:KIND[:COUNT]\n");
				return 2;
			}
			*kind++ = '\0';
			char *count = strchr(kind, ':');
			if (count)
				*count++ = '\0';
			int n = count ? atoi(count) : 1;
			fake.faults[fake.fault_count++] = (struct fault){spec, kind, n == 0 ? -1 : n};
			break;
		}
		case 'L':
			fake.log = fopen(optarg, "a");
			break;
		case 'k':
			fake.api_key = optarg;
			break;
		case 'K':
			fake.admin_key = optarg;
			break;
		case 'j':
			fake.project_id = optarg;
			break;
		case 'z':
			fake.page_size = atol(optarg);
			break;
		case 'e':
			fake.echo_auth = 1;
			break;
		case 'd':
			dump_dir = optarg;
			break;
		case 'D':
			fake.stream_delay_ms = atol(optarg);
			break;
		case 'C':
			fake.clock = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	for (int i = 0; i < nfixtures; i++)
		load_fixture(fixtures[i]);
	free(fixtures);
	if (synthetic) {
		long nc = 0, nr = 0, nv = 0;
		sscanf(synthetic, "%ld:%ld:%ld", &nc, &nr, &nv);
		if (dump_dir && nfixtures == 0) {
			generate_into(dump_dir, nc, nr, nv, seed);
			return 0;
		}
		struct sink into_tables = {0};
		generate(&into_tables, nc, nr, nv, seed);
	}
	sort_containers();
	default_projects();
	if (dump_dir) {
		dump(dump_dir);
		return 0;
	}
	struct sockaddr_in loopback = {
	    .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct MHD_Daemon *d =
	    MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, port, NULL, NULL, handle,
	                     NULL, MHD_OPTION_SOCK_ADDR, &loopback, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
	                     MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "fake_api: cannot listen on port %u\n", port);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (port_file) {
		char *tmp = xasprintf("%s.tmp", port_file);
		FILE *f = fopen(tmp, "w");
		fprintf(f, "%u\n", info->port);
		fclose(f);
		rename(tmp, port_file);
		free(tmp);
	} else {
		printf("%u\n", info->port);
		fflush(stdout);
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	if (fake.fault_count) /* stalled connections would hold MHD_stop_daemon for their sleep */
		_exit(0);
	MHD_stop_daemon(d);
	if (fake.log)
		fclose(fake.log);
	json_decref(fake.containers);
	json_decref(fake.container_at);
	json_decref(fake.responses);
	json_decref(fake.items);
	json_decref(fake.files);
	json_decref(fake.usage);
	json_decref(fake.costs);
	json_decref(fake.projects);
	json_decref(fake.project_keys);
	return 0;
}
