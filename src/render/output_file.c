#include "output_file.h"

#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file a signal must remove: a copy, since the handler may run
 * at any point and may only call async-signal-safe functions. */
static char pending_tmp[PATH_MAX];
static volatile sig_atomic_t pending;
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[sizeof cleanup_signals / sizeof cleanup_signals[0]];

static void on_signal(int sig)
{
	if (pending)
		unlink(pending_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard(const char *tmp)
{
	size_t n = strlen(tmp);
	if (n >= sizeof pending_tmp)
		return; /* realpath() never gives one this long; nothing to guard */
	memcpy(pending_tmp, tmp, n + 1);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaddset(&sa.sa_mask, cleanup_signals[i]);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaction(cleanup_signals[i], &sa, &saved[i]);
	pending = 1;
}

static void unguard(void)
{
	if (!pending)
		return;
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaction(cleanup_signals[i], &saved[i], NULL);
	pending = 0;
}

/* The real path path will name: its directory resolved (symlinks and all),
 * and the last component resolved too when it is a symlink to a regular file. */
static char *real_target(const char *path)
{
	char *real = realpath(path, NULL);
	if (real)
		return real; /* exists: every link followed */
	/* A new file: resolve the folder it goes in. */
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
	const char *base = slash ? slash + 1 : copy;
	if (slash)
		*slash = 0;
	char *real_dir = realpath(dir, NULL);
	char *out = real_dir ? xasprintf("%s/%s", strcmp(real_dir, "/") ? real_dir : "", base) : NULL;
	free(real_dir);
	free(copy);
	return out;
}

static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

int output_file_open(struct output_file *o, const char *path)
{
	*o = (struct output_file){.path = xstrdup(path)};
	struct stat st;
	int exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			error_set("cannot write %s: Is a directory", path);
			goto fail;
		}
		/* A FIFO, a terminal, a device: written as it is, never replaced. */
		int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
			error_set("cannot write %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		return 0;
	}
	o->final = real_target(path);
	if (!o->final) {
		error_set("cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	o->tmp = xasprintf("%s.tmp.XXXXXX", o->final);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		error_set("cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	guard(o->tmp);
	/* The replaced file's mode and owner, or what a new file would get. */
	if (exists) {
		/* Only root may give a file away; anyone else keeps it as theirs. */
		int kept = fchown(fd, st.st_uid, st.st_gid);
		(void)kept;
		fchmod(fd, st.st_mode & 0777);
	} else {
		fchmod(fd, new_file_mode());
	}
	if (!(o->fp = fdopen(fd, "w"))) {
		error_set("cannot write %s: %s", path, strerror(errno));
		close(fd);
		output_file_abort(o);
		return -1;
	}
	return 0;
fail:
	output_file_abort(o);
	return -1;
}

static void release(struct output_file *o)
{
	free(o->path);
	free(o->final);
	free(o->tmp);
	*o = (struct output_file){0};
}

int output_file_commit(struct output_file *o)
{
	int failed = fflush(o->fp) || ferror(o->fp);
	int saved_errno = errno;
	/* fsync fails with EINVAL on a FIFO or a terminal: nothing to sync there. */
	if (!failed && o->tmp && fsync(fileno(o->fp)))
		failed = 1, saved_errno = errno;
	if (fclose(o->fp) && !failed)
		failed = 1, saved_errno = errno;
	o->fp = NULL;
	if (!failed && o->tmp && rename(o->tmp, o->final))
		failed = 1, saved_errno = errno;
	if (failed) {
		error_set("cannot write %s: %s", o->path, strerror(saved_errno));
		output_file_abort(o);
		return -1;
	}
	unguard();
	release(o);
	return 0;
}

void output_file_abort(struct output_file *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	unguard();
	release(o);
}
