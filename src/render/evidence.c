#include "evidence.h"

#include "error.h"
#include "money.h"
#include "render.h"
#include "sha256.h"
#include "timestamp.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_ORPHANS 40 /* listed on SUMMARY.txt's one page; all are in orphans.csv */

/* The pack's folders, parents first. */
static const char *const folders[] = {"raw", "raw/containers", "raw/responses", "raw/usage", "raw/costs", NULL};

struct pack {
	const struct evidence_options *o;
	struct store *store;
	sqlite3 *db;
	char *query_error; /* the first figure that could not be read: the pack is not written */
	char **files;      /* paths relative to the folder, in writing order */
	size_t count, cap;
};

static char *in_pack(const struct pack *p, const char *relative)
{
	return xasprintf("%s/%s", p->o->dir, relative);
}

static void remember(struct pack *p, const char *relative)
{
	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->files = xrealloc(p->files, p->cap * sizeof *p->files);
	}
	p->files[p->count++] = xstrdup(relative);
}

static int write_file(struct pack *p, const char *relative, const void *data, size_t len)
{
	char *path = in_pack(p, relative);
	/* New, never through a symlink: the folder was emptied of its own files. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), rc = -1;
	if (fd < 0) {
		error_set("cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	fchmod(fd, 0600);
	const char *at = data;
	while (len > 0) {
		ssize_t n = write(fd, at, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error_set("cannot write %s: %s", path, strerror(errno));
			close(fd);
			goto done;
		}
		at += n;
		len -= (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		error_set("cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	remember(p, relative);
	rc = 0;
done:
	free(path);
	return rc;
}

static int is_folder_of_pack(const char *relative)
{
	for (int i = 0; folders[i]; i++)
		if (!strcmp(relative, folders[i]))
			return 1;
	return 0;
}

/* The files a previous pack in dir wrote, from its MANIFEST.json: a NULL-
 * terminated array (owned), or NULL with the error set. Only plain names
 * in the pack's own folders count. */
static char **previous_files(const char *dir)
{
	char *path = xasprintf("%s/MANIFEST.json", dir);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	json_t *manifest = NULL;
	struct stat st;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		manifest = json_loadfd(fd, 0, NULL);
	if (fd >= 0)
		close(fd);
	free(path);
	const json_t *files = json_object_get(manifest, "files");
	if (!json_is_array(files)) {
		json_decref(manifest);
		error_set("evidence: %s is not empty and holds no previous pack's MANIFEST.json: refusing to replace "
		          "anything in it",
		          dir);
		return NULL;
	}
	char **out = xcalloc(json_array_size(files) + 2, sizeof *out);
	size_t n = 0, i;
	const json_t *file;
	out[n++] = xstrdup("MANIFEST.json");
	json_array_foreach (files, i, file) {
		const char *relative = json_string_value(json_object_get(file, "path"));
		if (!relative || strstr(relative, "..") || relative[0] == '/')
			continue;
		const char *slash = strrchr(relative, '/');
		char *folder = slash ? xstrndup(relative, (size_t)(slash - relative)) : NULL;
		if (!folder || is_folder_of_pack(folder))
			out[n++] = xstrdup(relative);
		free(folder);
	}
	json_decref(manifest);
	return out;
}

static void free_list(char **list)
{
	for (char **s = list; s && *s; s++)
		free(*s);
	free(list);
}

static int listed(char *const *list, const char *relative)
{
	for (; *list; list++)
		if (!strcmp(*list, relative))
			return 1;
	return 0;
}

/* Whether every entry under dir/relative (no symlink followed) is a file the
 * previous pack wrote or one of its folders; else the error names the first
 * stranger. */
static int only_pack_files(const char *dir, const char *relative, char *const *files)
{
	char *path = relative ? xasprintf("%s/%s", dir, relative) : xstrdup(dir);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		rc = error_set("evidence: %s is not a folder of a previous pack (a symlink?): refusing to replace it",
		               path);
		free(path);
		return rc;
	}
	struct dirent *e;
	while (!rc && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *inner = relative ? xasprintf("%s/%s", relative, e->d_name) : xstrdup(e->d_name);
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			rc = error_set("evidence: cannot read %s/%s: %s", dir, inner, strerror(errno));
		else if (S_ISDIR(st.st_mode) && is_folder_of_pack(inner))
			rc = only_pack_files(dir, inner, files);
		else if (!S_ISREG(st.st_mode) || !listed(files, inner))
			rc = error_set(
			    "evidence: %s/%s was not written by the previous pack (its MANIFEST.json does not list "
			    "it%s): refusing to replace anything",
			    dir, inner, S_ISLNK(st.st_mode) ? "; it is a symlink" : "");
		free(inner);
	}
	closedir(d);
	free(path);
	return rc;
}

/* The folder must be new or empty, or --force with nothing in it but a
 * previous pack's files (as its MANIFEST.json lists them): those go, and
 * no symlink is ever followed. */
static int prepare_folder(struct pack *p)
{
	const char *dir = p->o->dir;
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return error_set("evidence: %s exists and is not a folder", dir);
		DIR *d = opendir(dir);
		struct dirent *e;
		int empty = 1;
		while (d && (e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = 0;
		if (d)
			closedir(d);
		if (!empty && !p->o->force)
			return error_set("evidence: %s is not empty (use --force to replace a previous pack in it)",
			                 dir);
		if (!empty) {
			char **files = previous_files(dir);
			if (!files || only_pack_files(dir, NULL, files)) {
				free_list(files);
				return -1;
			}
			for (char **f = files; *f; f++) {
				char *path = in_pack(p, *f);
				if (unlink(path) && errno != ENOENT) {
					error_set("evidence: cannot remove %s: %s", path, strerror(errno));
					free(path);
					free_list(files);
					return -1;
				}
				free(path);
			}
			free_list(files);
		}
	} else if (mkdir(dir, 0700)) {
		return error_set("evidence: cannot create %s: %s", dir, strerror(errno));
	}
	chmod(dir, 0700);
	for (int i = 0; folders[i]; i++) {
		char *folder = in_pack(p, folders[i]);
		int rc = mkdir(folder, 0700) && errno != EEXIST;
		if (!rc && (lstat(folder, &st) || !S_ISDIR(st.st_mode)))
			rc = 1, errno = ENOTDIR;
		if (!rc)
			chmod(folder, 0700);
		if (rc) {
			error_set("evidence: cannot create %s: %s", folder, strerror(errno));
			free(folder);
			return -1;
		}
		free(folder);
	}
	return 0;
}

static int report(struct pack *p, const char *relative, const char *query, const char *only)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(p->db, "UPDATE temp.audit_params SET only_classification = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return error_set("evidence: %s", sqlite3_errmsg(p->db));
	if (only)
		sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	struct render_meta meta = {
	    .report = relative, .now = p->o->now, .since = p->o->since, .until = p->o->until, .zone = "UTC"};
	char *path = in_pack(p, relative);
	int rc = render_query(p->store, query, NULL, 0, path, RENDER_CSV, &meta);
	if (!rc)
		chmod(path, 0600);
	free(path);
	if (!rc)
		remember(p, relative);
	return rc;
}

/* A file name from an API value: letters, digits, '.', '_' and '-' only. */
static char *safe_name(const char *s)
{
	struct buf b = {0};
	for (; *s && b.len < 120; s++)
		buf_putc(&b, (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		                     *s == '.' || *s == '-' || *s == '_'
		                 ? *s
		                 : '_');
	return buf_detach(&b);
}

/* Writes column 1 (raw, byte for byte) of each row as folder/<name>.json,
 * name from column 0. */
static int raw_objects(struct pack *p, const char *folder, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
		return error_set("evidence: %s", sqlite3_errmsg(p->db));
	int step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = safe_name((const char *)sqlite3_column_text(st, 0));
		char *relative = xasprintf("%s/%s.json", folder, name);
		rc = write_file(p, relative, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
		free(relative);
		free(name);
	}
	if (!rc && step != SQLITE_DONE)
		rc = error_set("evidence: %s", sqlite3_errmsg(p->db));
	sqlite3_finalize(st);
	return rc;
}

/* A figure that could not be read fails the pack (never a 0 in a refund
 * summary): the first such failure is kept for the error. */
static void query_failed(struct pack *p)
{
	if (!p->query_error)
		p->query_error = xstrdup(money_sql_message(sqlite3_errmsg(p->db)));
}

/* One row of numbers from a query (NULL reads as 0). */
static void numbers(struct pack *p, const char *sql, int64_t *out, int n)
{
	sqlite3_stmt *st = NULL;
	memset(out, 0, (size_t)n * sizeof *out);
	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
	else
		query_failed(p);
	sqlite3_finalize(st);
}

/* The text of the first column of the first row, or fallback when it is
 * NULL. Caller frees. */
static char *text(struct pack *p, const char *sql, const char *fallback)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			out = xstrdup((const char *)sqlite3_column_text(st, 0));
	} else {
		query_failed(p);
	}
	sqlite3_finalize(st);
	return out ? out : xstrdup(fallback);
}

static const char *usd(int64_t micros, char out[MONEY_MAX + 1])
{
	out[0] = '$';
	money_format(micros, out + 1);
	return out;
}

/* The coverage figures of the window: containers, judged, their estimated
 * costs, responses collected in the window, response IDs OpenAI answered 404
 * for. */
#define COVERAGE_SQL                                                                                                   \
	"SELECT count(*), coalesce(sum(classification <> 'outside_coverage'), 0),"                                     \
	" coalesce(sum(estimated_cost_usd), 0),"                                                                       \
	" coalesce(sum(iif(classification <> 'outside_coverage', estimated_cost_usd, 0)), 0),"                         \
	" (SELECT count(*) FROM audit_response r, audit_params p WHERE (p.since IS NULL OR r.created_at >= p.since)"   \
	"  AND (p.until IS NULL OR r.created_at < p.until)),"                                                          \
	" (SELECT count(*) FROM not_found WHERE kind = 'response') FROM audit_window"

static double share(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void coverage_text(struct pack *p, struct buf *b)
{
	int64_t v[6];
	numbers(p, COVERAGE_SQL, v, 6);
	buf_printf(b, "COVERAGE OF THIS WINDOW\n");
	if (v[0] > 0 && v[1] == 0) {
		buf_printf(b,
		           "  None of the %lld containers could be judged: no response was collected within 10\n"
		           "  minutes of their creation, so whether they ran code cannot be told. This pack\n"
		           "  accuses none of them.\n",
		           (long long)v[0]);
	} else {
		buf_printf(b,
		           "  %lld of %lld containers could be judged (%.1f%% by count, %.1f%% of their estimated\n"
		           "  cost): a response was collected within 10 minutes of their creation. The others are\n"
		           "  left out of the claim.\n",
		           (long long)v[1], (long long)v[0], share(v[1], v[0]), share(v[3], v[2]));
	}
	buf_printf(b,
	           "  %lld responses created in the window were collected; OpenAI answered 404 (deleted,\n"
	           "  past the 30-day retention, or another project's) for %lld response IDs we were given.\n\n",
	           (long long)v[4], (long long)v[5]);
}

static void summary_text(struct pack *p, struct buf *b)
{
	sqlite3 *db = p->db;
	char now[TIMESTAMP_MAX], a[MONEY_MAX + 1], c[MONEY_MAX + 1];
	int64_t k[10], billed[3];
	timestamp_format(p->o->now, now);
	/* containers, orphans, used, idle, outside, orphan cost, total cost, unpriced orphans */
	numbers(
	    p,
	    "SELECT count(*), coalesce(sum(classification = 'orphan'), 0), coalesce(sum(classification = 'used'), 0),"
	    " coalesce(sum(classification = 'idle'), 0), coalesce(sum(classification = 'outside_coverage'), 0),"
	    " coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0),"
	    " coalesce(sum(estimated_cost_usd), 0),"
	    " coalesce(sum(classification = 'orphan' AND unpriced), 0) FROM audit_window",
	    k, 8);
	numbers(p,
	        "SELECT (SELECT count(*) FROM audit_cost_window WHERE container_line),"
	        " (SELECT coalesce(sum(amount_micros), 0) FROM audit_cost_window WHERE container_line),"
	        " (SELECT coalesce(sum(num_sessions), -1) FROM audit_usage_window)",
	        billed, 3);
	char *first = text(p, "SELECT iso_time(min(created_at)) FROM audit_window", "-");
	char *last = text(p, "SELECT iso_time(max(created_at)) FROM audit_window", "-");
	char *projects = text(p,
	                      "SELECT group_concat(project_id, ', ') FROM (SELECT DISTINCT project_id FROM"
	                      " audit_window ORDER BY 1)",
	                      "none");
	char *keys = text(p,
	                  "SELECT group_concat(key_fingerprints, ', ') FROM (SELECT DISTINCT key_fingerprints FROM"
	                  " runs WHERE key_fingerprints <> '' ORDER BY 1)",
	                  "none recorded (the data was imported from files)");
	char *tables = text(p,
	                    "SELECT group_concat(v, ', ') FROM (SELECT DISTINCT price_version AS v FROM"
	                    " audit_window WHERE v IS NOT NULL ORDER BY 1)",
	                    "none");

	buf_printf(b, "EVIDENCE: OpenAI Code Interpreter containers billed without being used\n\n");
	buf_printf(b, "Prepared by cntraudit %s from the API objects in its database. Audit time: %s.\n",
	           CNTRAUDIT_VERSION, now);
	buf_printf(b, "Projects: %s. Keys used to collect (last 4 characters only): %s.\n", projects, keys);
	buf_printf(b, "Containers considered: created %s to %s (%lld containers).\n\n", first, last, (long long)k[0]);
	coverage_text(p, b);

	buf_printf(b, "WHAT WAS BILLED\n");
	if (billed[0] > 0 || billed[2] >= 0) {
		if (billed[0] > 0)
			buf_printf(b,
			           "  OpenAI's Costs API reports %s on code interpreter / container line items\n"
			           "  for these days.",
			           usd(billed[1], a));
		if (billed[2] >= 0)
			buf_printf(b, "%s OpenAI's Usage API counts %lld code interpreter sessions.",
			           billed[0] > 0 ? "" : " ", (long long)billed[2]);
		buf_printf(b, " Per day: reconcile.csv.\n\n");
	} else {
		buf_printf(b, "  No Costs or Usage API data was collected for this window; the charges below\n"
		              "  are estimates from OpenAI's published prices.\n\n");
	}

	buf_printf(b, "WHAT WAS USED\n");
	buf_printf(b,
	           "  %lld containers were created. %lld ran code (a code_interpreter_call or shell_call\n"
	           "  item names them); %lld were named or cited but ran no code; %lld ran no code and\n"
	           "  nothing refers to them; %lld could not be judged (no response collected within\n"
	           "  10 minutes of their creation: left out of the claim).\n\n",
	           (long long)k[0], (long long)k[2], (long long)k[3], (long long)k[1], (long long)k[4]);

	buf_printf(b, "THE CONTAINERS BILLED FOR NOTHING: %lld, estimated %s", (long long)k[1], usd(k[5], a));
	if (k[6] > 0)
		buf_printf(b, " (%.1f%% of %s estimated)", 100.0 * (double)k[5] / (double)k[6], usd(k[6], c));
	if (k[7])
		buf_printf(b, "; %lld unpriced, not in the total", (long long)k[7]);
	buf_printf(b, "\n");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT container_id, iso_time(created_at), estimated_cost_usd, attributed_response_id,"
	                       " attribution FROM audit_window WHERE classification = 'orphan'"
	                       " ORDER BY created_at, container_id",
	                       -1, &st, NULL) != SQLITE_OK) {
		query_failed(p);
	} else {
		int n = 0, step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n++ == 0)
				buf_printf(b, "  %-53s  %-20s  %10s  %s\n", "container", "created", "estimated",
				           "created while this response ran");
			if (n > SUMMARY_ORPHANS)
				continue;
			const char *cost = sqlite3_column_type(st, 2) == SQLITE_NULL
			                       ? "unpriced"
			                       : usd(sqlite3_column_int64(st, 2), a);
			const char *resp = (const char *)sqlite3_column_text(st, 3);
			buf_printf(b, "  %-53s  %-20s  %10s  %s (%s)\n", sqlite3_column_text(st, 0),
			           sqlite3_column_text(st, 1), cost, resp ? resp : "none found",
			           sqlite3_column_text(st, 4));
		}
		if (step != SQLITE_DONE)
			query_failed(p);
		if (n > SUMMARY_ORPHANS)
			buf_printf(b, "  ... and %d more: orphans.csv lists all of them.\n", n - SUMMARY_ORPHANS);
	}
	sqlite3_finalize(st);

	buf_printf(b, "\nWHY WE THINK THEY WERE NEVER USED\n"
	              "  We searched every response, response input item and conversation item collected\n"
	              "  for any trace of each container: a code_interpreter_call item with its\n"
	              "  container_id, a Hosted Shell shell_call item whose environment names it, a\n"
	              "  response naming it in its tools, or a container_file_citation of a file in it.\n"
	              "  These have none. Each was created while a response that asked for an automatic\n"
	              "  container (code interpreter \"container\": {\"type\": \"auto\"}, or a shell tool's\n"
	              "  \"environment\": {\"type\": \"container_auto\"}) was running (from its created_at - 5 s\n"
	              "  to its completed_at + 5 s), and that response ran nothing in a container: auto mode\n"
	              "  created a container the model never used, as reported on the OpenAI developer\n"
	              "  forum. \"unique\": exactly one such response was running; \"ambiguous:N\": N were,\n"
	              "  and the one created nearest the container is named; \"none\": no such response.\n");

	buf_printf(b, "\nPRICES (price table %s)\n", tables);
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT pricing_rule, tier, usd(unit_price_micros), count(*) FROM audit_window"
	        " WHERE classification = 'orphan' GROUP BY pricing_rule, tier, unpriced ORDER BY 1, 2, unpriced",
	        -1, &st, NULL) != SQLITE_OK) {
		query_failed(p);
	} else {
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const char *rule = (const char *)sqlite3_column_text(st, 0);
			buf_printf(b, "  %s, %s: %s%s per %s (%lld orphan%s)\n", rule, sqlite3_column_text(st, 1),
			           sqlite3_column_type(st, 2) == SQLITE_NULL ? "no price" : "$",
			           sqlite3_column_type(st, 2) == SQLITE_NULL ? ""
			                                                     : (const char *)sqlite3_column_text(st, 2),
			           !strcmp(rule, "per_container")     ? "container"
			           : !strcmp(rule, "per_session_20m") ? "20-minute session"
			                                              : "minute, 5-minute minimum",
			           (long long)sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 3) == 1 ? "" : "s");
		}
		if (step != SQLITE_DONE)
			query_failed(p);
	}
	sqlite3_finalize(st);

	buf_printf(b, "\nLIMITS OF THIS METHOD\n"
	              "  - Charges are estimates from OpenAI's published prices; only the Costs API is billing.\n"
	              "  - The API cannot list responses: we see only those we were given. A container used\n"
	              "    by a response we did not collect would look unused; containers with no collected\n"
	              "    response within 10 minutes are excluded from the claim, not accused.\n"
	              "  - Containers are tied to responses by time, not by an identifier: for a response\n"
	              "    that ran no code, the API never says which container auto mode created.\n");
	buf_printf(b, "\nFILES\n"
	              "  orphans.csv, containers.csv, threads.csv, reconcile.csv  the reports (CSV, RFC 4180)\n"
	              "  raw/  every API object cited, exactly as stored (JSON)\n"
	              "  MANIFEST.json  SHA-256 of every file. Check with:\n"
	              "    jq -r '.files[] | \"\\(.sha256)  \\(.path)\"' MANIFEST.json | sha256sum -c\n");
	free(first);
	free(last);
	free(projects);
	free(keys);
	free(tables);
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int manifest(struct pack *p)
{
	char now[TIMESTAMP_MAX], since[TIMESTAMP_MAX], until[TIMESTAMP_MAX];
	timestamp_format(p->o->now, now);
	json_t *m = json_object();
	json_object_set_new(m, "tool", json_string("cntraudit " CNTRAUDIT_VERSION));
	json_object_set_new(m, "manifest_version", json_integer(1));
	json_object_set_new(m, "audit_now", json_string(now));
	if (p->o->since)
		timestamp_format(*p->o->since, since);
	if (p->o->until)
		timestamp_format(*p->o->until, until);
	json_object_set_new(m, "window",
	                    json_pack("{s:o, s:o}", "since", p->o->since ? json_string(since) : json_null(), "until",
	                              p->o->until ? json_string(until) : json_null()));
	char *tables = text(p,
	                    "SELECT json_group_array(v) FROM (SELECT DISTINCT price_version AS v FROM"
	                    " audit_window WHERE v IS NOT NULL ORDER BY 1)",
	                    "[]");
	char *keys = text(p,
	                  "SELECT json_group_array(k) FROM (SELECT DISTINCT key_fingerprints AS k FROM runs"
	                  " WHERE k <> '' ORDER BY 1)",
	                  "[]");
	int64_t v[6];
	numbers(p, COVERAGE_SQL, v, 6);
	char by_count[16], by_cost[16];
	snprintf(by_count, sizeof by_count, "%.2f", share(v[1], v[0]));
	snprintf(by_cost, sizeof by_cost, "%.2f", share(v[3], v[2]));
	json_object_set_new(m, "coverage",
	                    json_pack("{s:I, s:I, s:s, s:s, s:I, s:I}", "containers", (json_int_t)v[0], "judged",
	                              (json_int_t)v[1], "by_count_percent", by_count, "by_cost_percent", by_cost,
	                              "responses_collected", (json_int_t)v[4], "responses_not_found",
	                              (json_int_t)v[5]));
	json_object_set_new(m, "price_tables", json_loads(tables, 0, NULL));
	json_object_set_new(m, "key_fingerprints", json_loads(keys, 0, NULL));
	free(tables);
	free(keys);
	qsort(p->files, p->count, sizeof *p->files, compare_paths);
	json_t *files = json_array();
	for (size_t i = 0; i < p->count; i++) {
		char hex[SHA256_HEX];
		char *path = in_pack(p, p->files[i]);
		struct stat st;
		int rc = sha256_file(path, hex) || stat(path, &st);
		free(path);
		if (rc) {
			json_decref(files);
			json_decref(m);
			return -1;
		}
		json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "path", p->files[i], "bytes",
		                                       (json_int_t)st.st_size, "sha256", hex));
	}
	json_object_set_new(m, "files", files);
	char *out = json_dumps(m, JSON_INDENT(2));
	json_decref(m);
	struct buf b = {0};
	buf_puts(&b, out);
	buf_putc(&b, '\n');
	free(out);
	int rc = write_file(p, "MANIFEST.json", b.data, b.len);
	buf_free(&b);
	return rc;
}

int evidence_write(struct store *store, const struct evidence_options *o)
{
	struct pack p = {.o = o, .store = store, .db = store_db(store)};
	struct buf summary = {0};
	int rc = -1;
	if (prepare_folder(&p) || report(&p, "orphans.csv", "reports/containers.sql", "orphan") ||
	    report(&p, "containers.csv", "reports/containers.sql", NULL) ||
	    report(&p, "threads.csv", "reports/threads.sql", NULL) ||
	    report(&p, "reconcile.csv", "reports/reconcile.sql", NULL) ||
	    raw_objects(&p, "raw/containers",
	                "SELECT c.id, c.raw FROM audit_window w JOIN containers c ON c.id = w.container_id"
	                " WHERE w.classification = 'orphan' ORDER BY c.id") ||
	    raw_objects(
	        &p, "raw/responses",
	        "SELECT DISTINCT r.id, r.raw FROM audit_window w JOIN responses r ON r.id = w.attributed_response_id"
	        " WHERE w.classification = 'orphan' ORDER BY r.id") ||
	    raw_objects(
	        &p, "raw/usage",
	        "SELECT date(bucket_start, 'unixepoch') || '_' || iif(project_id = '', 'all-projects', project_id),"
	        " raw FROM audit_usage_window ORDER BY 1") ||
	    raw_objects(
	        &p, "raw/costs",
	        "SELECT date(bucket_start, 'unixepoch') || '_' || iif(project_id = '', 'all-projects', project_id)"
	        " || '_' || line_item || iif(api_key_id = '', '', '_' || api_key_id), raw FROM audit_cost_window"
	        " WHERE container_line ORDER BY 1"))
		goto done;
	summary_text(&p, &summary);
	if (p.query_error) {
		error_set("evidence: cannot read the summary's figures: %s", p.query_error);
		goto done;
	}
	if (write_file(&p, "SUMMARY.txt", summary.data, summary.len) || manifest(&p))
		goto done;
	if (p.query_error) {
		error_set("evidence: cannot read the manifest's figures: %s", p.query_error);
		goto done;
	}
	rc = 0;
done:
	free(p.query_error);
	buf_free(&summary);
	for (size_t i = 0; i < p.count; i++)
		free(p.files[i]);
	free(p.files);
	return rc;
}
