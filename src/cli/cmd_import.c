/* cntraudit import FILE...: API objects from JSON or JSONL files, offline,
 * through the same decoding as collect. Each document is stored whole or not
 * at all; a bad one is reported with its file and line and the rest goes on. */
#include "cli.h"

#include "decode.h"
#include "error.h"
#include "log.h"
#include "runs.h"
#include "source_reader.h"
#include "store.h"
#include "xalloc.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Documents per transaction: large enough to be fast, small enough that an
 * interrupted import keeps most of its work. */
#define DOCUMENTS_PER_COMMIT 1000

static const char import_usage[] =
    "usage: cntraudit import [--parent ID] FILE...   (- for stdin)\n\n"
    "Stores OpenAI API objects from JSON (one document, or an array of them) or JSON Lines:\n"
    "containers, container file lists, responses, conversation-item and response\n"
    "input-item list pages, conversations, code interpreter usage pages and costs pages,\n"
    "projects and project API key lists, delete markers;\n"
    "and the dashboard's cost export (a .csv file with date, amount and line_item columns).\n"
    "Each document is stored whole or not at all; re-importing changes nothing.\n\n"
    "  --parent ID   the conv_ or resp_ ID the item list pages belong to (the proj_ ID of\n"
    "                project API key pages); by default it is taken from the one conv_, resp_\n"
    "                or proj_ token in the file name shaped like a real ID (16 or more letters\n"
    "                and digits), if any\n";

struct import_state {
	struct store *store;
	struct decode_context decode;
	const char *path;
	size_t documents, failed, pending;
	size_t unreadable; /* files that could not be read at all */
	struct decode_counts counts;
	int64_t run_id;
	struct buf errors; /* the first error lines, for the runs record */
	size_t error_lines;
	int fatal;
	/* A long document read in parts (source_callbacks.page): stored as one. */
	int in_page, page_failed;
	struct decode_counts page_counts;
};

/* Real IDs carry about 50 letters and digits after their prefix; a token
 * in a file name needs 16 to be taken for one ("conv_items" is not). */
#define FILE_NAME_ID_MIN 16

/* The parent a file's name gives its item and API key pages: its conv_,
 * resp_ or proj_ token shaped like a real ID ("conv_68f0...items.json").
 * *candidates is how many different ones the name holds; NULL unless one.
 * Caller frees. */
static char *parent_from_path(const char *path, int *candidates)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *base = strrchr(path, '/');
	char *found = NULL;
	base = base ? base + 1 : path;
	*candidates = 0;
	for (const char *p = base; *p; p++) {
		if (strncmp(p, "conv_", 5) && strncmp(p, "resp_", 5) && strncmp(p, "proj_", 5))
			continue;
		size_t n = strspn(p + 5, alnum);
		if ((p > base && isalnum((unsigned char)p[-1])) || n < FILE_NAME_ID_MIN)
			continue;
		if (!found || strlen(found) != 5 + n || strncmp(found, p, 5 + n)) {
			(*candidates)++;
			free(found);
			found = xstrndup(p, 5 + n);
		}
		p += 4 + n;
	}
	if (*candidates != 1) {
		free(found);
		return NULL;
	}
	return found;
}

static void report_failure(struct import_state *s, size_t line, const char *why)
{
	fprintf(stderr, "cntraudit: %s:%zu: %s\n", s->path, line, why);
	if (s->error_lines++ < 20)
		buf_printf(&s->errors, "%s:%zu: %s\n", s->path, line, why);
	s->failed++;
}

/* Records how the import ended; the data transaction is already closed. */
static void finish_run(struct import_state *s, const char *status)
{
	struct run_counts counts = {.objects = s->counts.objects, .changed = s->counts.changed, .failed = s->failed};
	run_finish(s->store, s->run_id, status, &counts, s->errors.data);
	buf_free(&s->errors);
}

static void on_malformed(void *ctx, size_t line, const char *why)
{
	report_failure(ctx, line, why);
}

static void add_counts(struct decode_counts *to, const struct decode_counts *from)
{
	to->objects += from->objects;
	to->changed += from->changed;
	to->without_parent += from->without_parent;
}

/* A document is stored: counted, and committed with its batch. */
static int document_stored(struct import_state *s)
{
	s->documents++;
	if (++s->pending >= DOCUMENTS_PER_COMMIT) {
		s->pending = 0;
		if (store_commit(s->store)) {
			s->fatal = 1;
			return -1;
		}
	}
	return 0;
}

/* Stores one document (a JSON document, a part of a long one, or a row of a
 * cost export CSV): all of it or, reported with its line, none of it
 * (decode_whole). */
static int import_document(struct import_state *s, size_t line, const json_t *doc, const struct csv_record *header,
                           const struct csv_record *row)
{
	struct decode_counts counts = {0};
	if (s->in_page && s->page_failed)
		return 0; /* a part of this document was refused: so is the rest */
	int rc = store_begin(s->store) ? -1 : decode_whole(&s->decode, doc, header, row, &counts);
	if (rc < 0) {
		char *why = xstrdup(error_message());
		error_set("line %zu: %s", line, why);
		free(why);
		s->fatal = 1;
		return -1;
	}
	if (rc > 0) {
		report_failure(s, line, error_message());
		error_clear();
		s->page_failed = s->in_page;
		return 0;
	}
	add_counts(s->in_page ? &s->page_counts : &s->counts, &counts);
	return s->in_page ? 0 : document_stored(s);
}

/* A long document's parts go inside one more savepoint: the document is
 * stored when its last part is, or not at all. */
static int on_page(void *ctx, enum source_page event)
{
	struct import_state *s = ctx;
	if (event == SOURCE_PAGE_BEGIN) {
		s->in_page = 1;
		s->page_failed = 0;
		s->page_counts = (struct decode_counts){0};
		if (store_begin(s->store) || store_savepoint(s->store)) {
			s->fatal = 1;
			return -1;
		}
		return 0;
	}
	s->in_page = 0;
	if (event == SOURCE_PAGE_ABANDON || s->page_failed) {
		store_savepoint_rollback(s->store);
		return 0;
	}
	if (store_savepoint_release(s->store)) {
		s->fatal = 1;
		return -1;
	}
	add_counts(&s->counts, &s->page_counts);
	return document_stored(s);
}

static int on_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct import_state *s = ctx;
	s->decode.text = text;
	s->decode.text_len = len;
	return import_document(s, line, doc, NULL, NULL);
}

/* The input is silent (a pipe waiting on its writer): commit the batch so
 * far, so no other writer waits on it. */
static int on_idle(void *ctx)
{
	struct import_state *s = ctx;
	s->pending = 0;
	if (store_commit(s->store)) {
		s->fatal = 1;
		return -1;
	}
	return 0;
}

static int on_cost_row(void *ctx, const struct csv_record *header, const struct csv_record *row)
{
	struct import_state *s = ctx;
	s->decode.text = NULL;
	return import_document(s, row->number, NULL, header, row);
}

/* --parent, and where the files start in argv. OUTCOME_OK to go on (*help:
 * --help was answered), else the usage error. */
static enum outcome parse(int argc, char **argv, const char **parent, int *help)
{
	static const struct option options[] = {
	    {"parent", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strncmp(optarg, "conv_", 5) && strncmp(optarg, "resp_", 5) && strncmp(optarg, "proj_", 5))
				return usage_error("import", "--parent: '%s' is not a conv_, resp_ or proj_ ID",
				                   optarg);
			*parent = optarg;
			break;
		case 'h':
			fputs(import_usage, stdout);
			*help = 1;
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("import", argc, argv, optopt, c == ':');
		}
	}
	return optind < argc ? OUTCOME_OK : usage_error("import", "no FILE given");
}

/* Imports one file ("-": stdin). 0, or -1 when the store failed (fatal). */
static int import_file(struct import_state *s, const char *file, const char *parent)
{
	static const struct source_callbacks callbacks = {on_document, on_malformed, on_idle, on_page};
	int candidates = 0;
	char *guessed = parent ? NULL : parent_from_path(file, &candidates);
	s->path = strcmp(file, "-") ? file : "<stdin>";
	s->decode.parent_id = parent ? parent : guessed;
	s->counts.without_parent = 0;
	int rc = str_ends_with(file, ".csv") ? csv_read_file(file, on_cost_row, s) : source_read(file, &callbacks, s);
	free(guessed);
	if (s->fatal)
		return -1;
	if (s->counts.without_parent)
		log_warn("%s: %zu item%s stored with no conversation, response or project to belong to: the file "
		         "name holds %s; their container calls still count, but join no thread (give --parent ID)",
		         s->path, s->counts.without_parent, s->counts.without_parent == 1 ? "" : "s",
		         candidates ? "several different IDs" : "no conv_, resp_ or proj_ ID");
	if (rc) {
		if (s->error_lines++ < 20)
			buf_printf(&s->errors, "%s\n", error_message());
		error_print();
		s->unreadable++;
	}
	return 0;
}

/* The last line and the outcome of an import that ran to its end. */
static enum outcome outcome_of(const struct import_state *s)
{
	int errors = s->failed || s->unreadable;
	if (s->documents || !errors) /* else the error below says it all */
		log_notice("imported %zu object%s from %zu document%s (%zu row%s new or changed)%s", s->counts.objects,
		           s->counts.objects == 1 ? "" : "s", s->documents, s->documents == 1 ? "" : "s",
		           s->counts.changed, s->counts.changed == 1 ? "" : "s",
		           errors ? "; see the errors above" : "");
	if (!errors)
		return OUTCOME_OK;
	if (s->documents)
		return OUTCOME_PARTIAL;
	return error_set("import: nothing could be imported (%zu document%s failed, %zu file%s unreadable)", s->failed,
	                 s->failed == 1 ? "" : "s", s->unreadable, s->unreadable == 1 ? "" : "s"),
	       OUTCOME_FAILED;
}

enum outcome cmd_import(const struct global_options *global, int argc, char **argv)
{
	const char *parent = NULL;
	struct import_state s = {0};
	int help = 0;
	/* getopt permutes argv: the runs record keeps the arguments as given. */
	char **given = xcalloc((size_t)argc + 1, sizeof *given);
	memcpy(given, argv + 1, (size_t)(argc - 1) * sizeof *given);
	enum outcome outcome = parse(argc, argv, &parent, &help);
	if (outcome != OUTCOME_OK || help)
		goto done;
	outcome = OUTCOME_FAILED;
	if (store_open(global->db_path, STORE_CREATE, &s.store) ||
	    run_begin(s.store, "import", argc - 1, given, &s.run_id))
		goto done;
	s.decode.store = s.store;
	s.decode.project_id = global->project;
	const char *max_mb = getenv("CNTRAUDIT_MAX_DOCUMENT_MB");
	if (max_mb && strtol(max_mb, NULL, 10) > 0)
		source_read_set_max_document((size_t)strtol(max_mb, NULL, 10) << 20);
	int failed = 0;
	for (int i = optind; i < argc && !failed; i++)
		failed = import_file(&s, argv[i], parent);
	if (failed || store_commit(s.store)) {
		/* The database itself failed: keep what was committed, lose nothing else. */
		error_set("import stopped at %s: %s", s.path ? s.path : "the start", error_message());
		store_rollback(s.store);
		finish_run(&s, "failed");
		goto done;
	}
	finish_run(&s, s.failed || s.unreadable ? (s.documents ? "partial" : "failed") : "ok");
	outcome = outcome_of(&s);
	store_free(s.store);
	s.store = NULL;
	cli_store_facts(global->db_path);
done:
	store_free(s.store);
	free(given);
	return outcome;
}
