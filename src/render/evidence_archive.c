#include "evidence_archive.h"

#include "error.h"
#include "output_file.h"
#include "xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed(struct archive *a, const char *archive)
{
	return error_set("evidence: cannot write %s: %s", archive, archive_error_string(a));
}

/* One entry: a folder (data NULL) or a file's bytes. */
static int add(struct archive *a, const char *name, const char *data, size_t len, int64_t now)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, data ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, data ? 0600 : 0700);
	archive_entry_set_size(e, data ? (la_int64_t)len : 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, (time_t)now, 0);
	int rc = archive_write_header(a, e) == ARCHIVE_OK &&
	                 (!data || len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len)
	             ? 0
	             : -1;
	archive_entry_free(e);
	return rc;
}

/* A file of the pack, whole, into memory (owned). */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		error_set("evidence: cannot read %s: %s", path, strerror(fd < 0 ? errno : EINVAL));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *data = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		error_set("evidence: cannot read %s: it changed while archived", path);
		free(data);
		return NULL;
	}
	*len = got;
	return data;
}

int evidence_archive(const char *dir, const char *top, char *const *paths, size_t count, const char *archive,
                     int64_t now)
{
	struct output_file out;
	struct stat st;
	int is_new = stat(archive, &st) != 0; /* a new archive is private like the pack (0600) */
	if (output_file_open(&out, archive))
		return -1;
	struct archive *a = archive_write_new();
	char *root = xasprintf("%s/", top);
	int rc = -1;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) < ARCHIVE_WARN ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_FILE(a, out.fp) != ARCHIVE_OK || add(a, root, NULL, 0, now)) {
		failed(a, archive);
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		size_t len = 0;
		int folder = paths[i][0] && paths[i][strlen(paths[i]) - 1] == '/';
		char *name = xasprintf("%s/%s", top, paths[i]);
		char *file = xasprintf("%s/%s", dir, paths[i]);
		char *data = folder ? NULL : slurp(file, &len);
		int bad = folder ? add(a, name, NULL, 0, now) : !data || add(a, name, data, len, now);
		if (bad && (folder || data)) /* else slurp said why */
			failed(a, archive);
		free(file);
		free(data);
		free(name);
		if (bad)
			goto done;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		failed(a, archive);
		goto done;
	}
	rc = 0;
done:
	archive_write_free(a);
	free(root);
	if (rc)
		output_file_abort(&out);
	else
		rc = output_file_commit(&out);
	if (!rc && is_new)
		chmod(archive, 0600);
	return rc;
}
