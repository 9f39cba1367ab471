/* cntraudit raw [ID...]: stored API objects exactly as they were received
 * (the database keeps them packed: sql/commands/raw.sql unpacks them). */
#include "cli.h"

#include "error.h"
#include "rows.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>

static const char raw_usage[] =
    "usage: cntraudit raw [ID...]\n\n"
    "Prints stored API objects byte for byte as they were received, each followed by a\n"
    "newline: the ones with the IDs given (containers, responses, conversations, items,\n"
    "container files, delete markers, projects, project API keys), or every stored object.\n"
    "The database keeps them compressed; this is how to read them.\n";

/* Prints every row of one query; 0, or -1 with the error set. *printed
 * counts the objects. */
static int print_rows(struct store *store, const char *part, const char *id, size_t *printed)
{
	struct store_rows *rows;
	struct store_param param = {":id", id};
	if (store_rows_open(store, part, id ? &param : NULL, id ? 1 : 0, "raw", &rows))
		return -1;
	int rc;
	while ((rc = store_rows_next(rows)) == 1) {
		size_t len;
		const char *text = store_rows_text(rows, 0, &len);
		if (fwrite(text, 1, len, stdout) != len || putchar('\n') == EOF) {
			rc = error_set("cannot write the objects: standard output failed");
			break;
		}
		++*printed;
	}
	store_rows_close(rows);
	return rc;
}

enum outcome cmd_raw(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (c != 'h')
			return usage_bad_option("raw", argc, argv, optopt, c == ':');
		fputs(raw_usage, stdout);
		return OUTCOME_OK;
	}
	struct store *store = NULL;
	if (store_open(global->db_path, STORE_EXISTING, &store))
		return OUTCOME_FAILED;
	size_t printed = 0, missing = 0;
	int rc = 0;
	if (optind == argc)
		rc = print_rows(store, "sql/commands/raw.sql#every", NULL, &printed);
	for (int i = optind; i < argc && !rc; i++) {
		size_t before = printed;
		rc = print_rows(store, "sql/commands/raw.sql#by_id", argv[i], &printed);
		if (!rc && printed == before) {
			fprintf(stderr, "cntraudit: no stored object has the ID '%.200s'\n", argv[i]);
			missing++;
		}
	}
	if (!rc && fflush(stdout))
		rc = error_set("cannot write the objects: standard output failed");
	store_free(store);
	if (rc)
		return OUTCOME_FAILED;
	if (!missing)
		return OUTCOME_OK;
	if (printed)
		return OUTCOME_PARTIAL;
	error_set("raw: none of the %zu ID%s given is stored", missing, missing == 1 ? "" : "s");
	return OUTCOME_FAILED;
}
