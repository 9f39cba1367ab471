#define _GNU_SOURCE /* syncfs */
#include "evidence.h"

#include "error.h"
#include "evidence_archive.h"
#include "evidence_request.h"
#include "evidence_summary.h"
#include "money.h"
#include "render.h"
#include "rows.h"
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

/* The pack's folders, parents first. */
static const char *const folders[] = {"raw", "raw/containers", "raw/responses", "raw/usage", "raw/costs", NULL};

/* A file of the pack: its path relative to the folder, its size and
 * SHA-256 (taken from the bytes as they are written, never read back), and
 * what its MANIFEST.json entry says of it beyond its bytes (a JSON object's
 * text, or NULL). */
struct pack_file {
	char *path, *about;
	json_int_t bytes;
	char sha256[SHA256_HEX];
};

struct pack {
	const struct evidence_options *o;
	struct store *store;
	struct pack_file *files; /* in writing order */
	size_t count, cap;
};

static char *in_pack(const struct pack *p, const char *relative)
{
	return xasprintf("%s/%s", p->o->dir, relative);
}

/* Lists a file just written, with its size and SHA-256. */
static void list_file(struct pack *p, const char *relative, const char *about, json_int_t bytes,
                      const char sha256[SHA256_HEX])
{
	struct pack_file f = {.bytes = bytes};
	memcpy(f.sha256, sha256, SHA256_HEX);
	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->files = xrealloc(p->files, p->cap * sizeof *p->files);
	}
	f.path = xstrdup(relative);
	f.about = about ? xstrdup(about) : NULL;
	p->files[p->count++] = f;
}

/* A file of the pack being written: a stream that hashes its bytes as they
 * go (never read back). Made durable with the rest of the pack by
 * sync_pack at the end: one sync for the whole folder, none per file. */
struct pack_output {
	FILE *fp;
	char sha256[SHA256_HEX];
	size_t bytes;
};

/* Creates relative, new and never through a symlink (the folder was
 * emptied of its own files). 0, or -1 with the error set. */
static int output_open(const struct pack *p, const char *relative, struct pack_output *o)
{
	char *path = in_pack(p, relative);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	o->fp = NULL;
	if (fd < 0) {
		error_set("cannot write %s: %s", path, strerror(errno));
	} else {
		fchmod(fd, 0600);
		o->fp = sha256_stream(fd, o->sha256, &o->bytes);
	}
	free(path);
	return o->fp ? 0 : -1;
}

/* Closes it and, when rc is 0 and every byte was written, lists it. rc, or
 * -1 with the error set. */
static int output_close(struct pack *p, const char *relative, struct pack_output *o, int rc, const char *about)
{
	if (fclose(o->fp) && rc == 0)
		rc = error_set("cannot write %s/%s: %s", p->o->dir, relative, strerror(errno));
	if (rc == 0)
		list_file(p, relative, about, (json_int_t)o->bytes, o->sha256);
	return rc;
}

static int write_file(struct pack *p, const char *relative, const void *data, size_t len, const char *about)
{
	struct pack_output o;
	if (output_open(p, relative, &o))
		return -1;
	fwrite(data, 1, len, o.fp); /* a failed write fails the close */
	return output_close(p, relative, &o, 0, about);
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
	char **out = xcalloc(json_array_size(files) + 3, sizeof *out);
	size_t n = 0, i;
	const json_t *file;
	out[n++] = xstrdup("MANIFEST.json");
	out[n++] = xstrdup("SHA256SUMS");
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

/* One report as a CSV file of the pack, hashed as it is rendered; only
 * keeps one classification. */
static int report(struct pack *p, const char *relative, const char *query, const char *only)
{
	struct render_meta meta = {
	    .report = relative, .now = p->o->now, .since = p->o->since, .until = p->o->until, .zone = "UTC"};
	struct store_param param = {":only", only};
	struct store_rows *rows;
	struct pack_output o;
	if (store_rows_open(p->store, query, &param, only ? 1 : 0, "report", &rows))
		return -1;
	int rc = output_open(p, relative, &o);
	if (rc == 0)
		rc = output_close(p, relative, &o, render_report(o.fp, RENDER_CSV, rows, &meta), NULL);
	store_rows_close(rows);
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

/* Writes column 1 (raw, byte for byte) of each row of the pack's query
 * part as folder/<name>.json, name from column 0, column 2 what its
 * manifest entry says of it. */
static int raw_objects(struct pack *p, const char *folder, const char *part)
{
	struct store_rows *rows;
	char ref[64];
	int rc;
	snprintf(ref, sizeof ref, "sql/evidence/pack.sql#%s", part);
	if (store_rows_open(p->store, ref, NULL, 0, "the evidence's raw objects", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		size_t len;
		const char *raw = store_rows_text(rows, 1, &len);
		char *name = safe_name(store_rows_text(rows, 0, NULL));
		char *relative = xasprintf("%s/%s.json", folder, name);
		rc = write_file(p, relative, raw, len, store_rows_text(rows, 2, NULL));
		free(relative);
		free(name);
		if (rc)
			break;
	}
	store_rows_close(rows);
	return rc ? -1 : 0;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(((const struct pack_file *)a)->path, ((const struct pack_file *)b)->path);
}

/* SHA256SUMS: every other file, as sha256sum -c reads it. Written last. */
static int sums(struct pack *p)
{
	struct buf b = {0};
	qsort(p->files, p->count, sizeof *p->files, compare_paths);
	for (size_t i = 0; i < p->count; i++)
		buf_printf(&b, "%s  %s\n", p->files[i].sha256, p->files[i].path);
	int rc = write_file(p, "SHA256SUMS", b.data, b.len, NULL);
	buf_free(&b);
	return rc;
}

static int manifest(struct pack *p, const struct evidence_figures *f)
{
	char now[TIMESTAMP_MAX], since[TIMESTAMP_MAX], until[TIMESTAMP_MAX];
	timestamp_format(p->o->now, now);
	json_t *m = json_object();
	json_object_set_new(m, "tool", json_string("cntraudit " CNTRAUDIT_VERSION));
	json_object_set_new(m, "manifest_version", json_integer(1));
	json_object_set_new(m, "audit_now", json_string(now));
	json_object_set_new(m, "organization", p->o->organization ? json_string(p->o->organization) : json_null());
	if (p->o->since)
		timestamp_format(*p->o->since, since);
	if (p->o->until)
		timestamp_format(*p->o->until, until);
	json_object_set_new(m, "window",
	                    json_pack("{s:o, s:o}", "since", p->o->since ? json_string(since) : json_null(), "until",
	                              p->o->until ? json_string(until) : json_null()));
	char by_count[16], by_cost[16];
	snprintf(by_count, sizeof by_count, "%.2f", money_percent(f->judged, f->containers));
	snprintf(by_cost, sizeof by_cost, "%.2f", money_percent(f->judged_cost, f->total_cost));
	json_object_set_new(m, "coverage",
	                    json_pack("{s:I, s:I, s:s, s:s, s:I, s:I}", "containers", (json_int_t)f->containers,
	                              "judged", (json_int_t)f->judged, "by_count_percent", by_count, "by_cost_percent",
	                              by_cost, "responses_collected", (json_int_t)f->responses, "responses_not_found",
	                              (json_int_t)f->not_found));
	json_object_set_new(m, "price_tables", json_loads(f->price_tables_json, 0, NULL));
	json_object_set_new(m, "key_fingerprints", json_loads(f->keys_json, 0, NULL));
	json_object_set_new(m, "files", json_array());
	/* The files, one entry at a time into the text of the rest (whose
	 * empty list ends it): a tree of every entry took 1 GB at 600,000. */
	static const char empty_end[] = "[]\n}";
	char *head = json_dumps(m, JSON_INDENT(2));
	json_decref(m);
	size_t n = head ? strlen(head) : 0;
	if (n < sizeof empty_end - 1 || strcmp(head + n - (sizeof empty_end - 1), empty_end)) {
		free(head);
		return error_set(
		    "evidence: cannot build MANIFEST.json (out of memory, or jansson wrote an unexpected layout)");
	}
	struct buf b = {0};
	buf_append(&b, head, n - (sizeof empty_end - 1));
	free(head);
	buf_puts(&b, "[");
	qsort(p->files, p->count, sizeof *p->files, compare_paths);
	for (size_t i = 0; i < p->count; i++) {
		json_t *entry = json_pack("{s:s, s:I, s:s}", "path", p->files[i].path, "bytes", p->files[i].bytes,
		                          "sha256", p->files[i].sha256);
		json_t *about = p->files[i].about ? json_loads(p->files[i].about, 0, NULL) : NULL;
		if (about)
			json_object_update(entry, about);
		json_decref(about);
		char *text = json_dumps(entry, JSON_INDENT(2));
		json_decref(entry);
		buf_puts(&b, i ? ",\n    " : "\n    ");
		for (const char *c = text; *c; c++) /* two levels deeper: the list in the manifest */
			if (*c == '\n')
				buf_puts(&b, "\n    ");
			else
				buf_putc(&b, *c);
		free(text);
	}
	buf_puts(&b, p->count ? "\n  ]\n}\n" : "]\n}\n");
	int rc = write_file(p, "MANIFEST.json", b.data, b.len, NULL);
	buf_free(&b);
	return rc;
}

/* --archive: every file of the pack under a top folder named as the pack's. */
static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether path (not yet created) would land inside the pack's folder: the
 * archive would then be a stranger file in the next pack it writes. */
static int inside_pack(const struct pack *p, const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	const char *parent = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
	char *where = realpath(parent, NULL), *pack = realpath(p->o->dir, NULL);
	size_t n = pack ? strlen(pack) : 0;
	int inside = where && pack && !strncmp(where, pack, n) && (where[n] == '\0' || where[n] == '/');
	free(where);
	free(pack);
	free(copy);
	return inside;
}

static int archive_pack(struct pack *p)
{
	if (inside_pack(p, p->o->archive))
		return error_set("evidence: --archive %s is inside the pack's folder %s: put it beside it",
		                 p->o->archive, p->o->dir);
	size_t n_folders = 0, count = 0;
	while (folders[n_folders])
		n_folders++;
	char **paths = xcalloc(p->count + n_folders, sizeof *paths);
	for (size_t i = 0; i < n_folders; i++)
		paths[count++] = xasprintf("%s/", folders[i]);
	for (size_t i = 0; i < p->count; i++)
		paths[count++] = xstrdup(p->files[i].path);
	qsort(paths, count, sizeof *paths, compare_strings);
	char *dir = xstrdup(p->o->dir);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	const char *slash = strrchr(dir, '/');
	const char *top = slash && slash[1] ? slash + 1 : dir;
	if (!strcmp(top, ".") || !strcmp(top, "..") || !strcmp(top, "/"))
		top = "evidence";
	int rc = evidence_archive(p->o->dir, top, paths, count, p->o->archive, p->o->now);
	free(dir);
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* Everything the pack wrote, files and folders, on the disk before the
 * command returns: syncfs on the pack's file system, once. */
static int sync_pack(const struct pack *p)
{
	int fd = open(p->o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd)) {
		error_set("evidence: cannot sync %s: %s", p->o->dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int evidence_write(struct store *store, const struct evidence_options *o)
{
	struct pack p = {.o = o, .store = store};
	struct evidence_figures f = {0};
	struct buf summary = {0}, request = {0};
	int rc = -1;
	if (prepare_folder(&p) || report(&p, "orphans.csv", "reports/containers.sql", "orphan") ||
	    report(&p, "containers.csv", "reports/containers.sql", NULL) ||
	    report(&p, "threads.csv", "reports/threads.sql", NULL) ||
	    report(&p, "reconcile.csv", "reports/reconcile.sql", NULL) ||
	    raw_objects(&p, "raw/containers", "raw_containers") || raw_objects(&p, "raw/responses", "raw_responses") ||
	    raw_objects(&p, "raw/usage", "raw_usage") || raw_objects(&p, "raw/costs", "raw_costs") ||
	    evidence_figures_read(store, &f) || evidence_summary(store, &f, o->now, &summary) ||
	    write_file(&p, "SUMMARY.txt", summary.data, summary.len, NULL) ||
	    evidence_request(store, &f, o, &request) ||
	    write_file(&p, "REQUEST.txt", request.data, request.len, NULL) || manifest(&p, &f) || sums(&p) ||
	    sync_pack(&p) || (o->archive && archive_pack(&p)))
		goto done;
	rc = 0;
done:
	evidence_figures_free(&f);
	buf_free(&summary);
	buf_free(&request);
	for (size_t i = 0; i < p.count; i++) {
		free(p.files[i].path);
		free(p.files[i].about);
	}
	free(p.files);
	return rc;
}
