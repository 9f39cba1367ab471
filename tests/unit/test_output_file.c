/* Output files: a regular file is replaced whole with its own mode, a new one
 * gets the umask's, a FIFO or a device is written in place and kept, and
 * neither a failed report nor a signal leaves a temporary file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/cntraudit-output-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static char *in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void expect_text(const char *path, const char *want)
{
	char got[256] = {0};
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = 0;
	assert_string_equal(got, want);
}

/* How many names in the folder hold ".tmp." (temporary files left behind). */
static int temporaries(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void test_replaces_keeping_mode(void **state)
{
	(void)state;
	char *path = strdup(in_dir("report.csv"));
	put(path, "old\n", 0640);
	struct output_file o;
	assert_int_equal(output_file_open(&o, path), 0);
	fputs("new\n", o.fp);
	expect_text(path, "old\n"); /* untouched until the commit */
	assert_int_equal(output_file_commit(&o), 0);
	expect_text(path, "new\n");
	assert_int_equal(mode_of(path) & 0777, 0640);
	assert_int_equal(temporaries(), 0);
	free(path);
}

static void test_new_file_takes_umask(void **state)
{
	(void)state;
	char *path = strdup(in_dir("new.csv"));
	mode_t old = umask(077);
	struct output_file o;
	int rc = output_file_open(&o, path);
	umask(old);
	assert_int_equal(rc, 0);
	fputs("x\n", o.fp);
	assert_int_equal(output_file_commit(&o), 0);
	assert_int_equal(mode_of(path) & 0777, 0600);
	unlink(path);
	old = umask(022);
	rc = output_file_open(&o, path);
	umask(old);
	assert_int_equal(rc, 0);
	assert_int_equal(output_file_commit(&o), 0);
	assert_int_equal(mode_of(path) & 0777, 0644);
	free(path);
}

static void test_abort_keeps_old(void **state)
{
	(void)state;
	char *path = strdup(in_dir("kept.csv"));
	put(path, "old\n", 0644);
	struct output_file o;
	assert_int_equal(output_file_open(&o, path), 0);
	fputs("half a rep", o.fp);
	output_file_abort(&o);
	expect_text(path, "old\n");
	assert_int_equal(temporaries(), 0);
	free(path);
}

/* A symlink to a regular file: the file it names is replaced, the link kept. */
static void test_symlink_to_file(void **state)
{
	(void)state;
	char *target = strdup(in_dir("target.csv")), *link = strdup(in_dir("link.csv"));
	put(target, "old\n", 0600);
	assert_int_equal(symlink(target, link), 0);
	struct output_file o;
	assert_int_equal(output_file_open(&o, link), 0);
	fputs("new\n", o.fp);
	assert_int_equal(output_file_commit(&o), 0);
	assert_true(S_ISLNK(mode_of(link)));
	expect_text(target, "new\n");
	assert_int_equal(mode_of(target) & 0777, 0600);
	free(target);
	free(link);
}

static void test_fifo_in_place(void **state)
{
	(void)state;
	char *fifo = strdup(in_dir("pipe"));
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the open does not block */
	assert_true(rd >= 0);
	struct output_file o;
	assert_int_equal(output_file_open(&o, fifo), 0);
	fputs("through\n", o.fp);
	assert_int_equal(output_file_commit(&o), 0);
	char got[32] = {0};
	assert_int_equal(read(rd, got, sizeof got - 1), 8);
	assert_string_equal(got, "through\n");
	close(rd);
	assert_true(S_ISFIFO(mode_of(fifo)));
	assert_int_equal(temporaries(), 0);
	free(fifo);
}

/* /dev/full through a symlink: the write fails, the error says why, and
 * neither the link nor the device is replaced. */
static void test_device_in_place(void **state)
{
	(void)state;
	char *link = strdup(in_dir("full"));
	assert_int_equal(symlink("/dev/full", link), 0);
	struct output_file o;
	assert_int_equal(output_file_open(&o, link), 0);
	fputs("nowhere\n", o.fp);
	assert_int_equal(output_file_commit(&o), -1);
	assert_true(S_ISLNK(mode_of(link)));
	assert_true(S_ISCHR(mode_of("/dev/full")));
	free(link);
}

/* A signal while the report is written removes the temporary file, keeps the
 * old one, and still ends the process by that signal. */
static void test_signal_removes_temporary(void **state)
{
	(void)state;
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		char *path = strdup(in_dir("signalled.csv"));
		put(path, "old\n", 0644);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct output_file o;
			if (output_file_open(&o, path))
				_exit(10);
			fputs("partial", o.fp);
			fflush(o.fp);
			raise(sigs[i]);
			_exit(11); /* not reached: the signal ends the process */
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sigs[i]);
		assert_int_equal(temporaries(), 0);
		expect_text(path, "old\n");
		free(path);
	}
}

static void test_directory_refused(void **state)
{
	(void)state;
	struct output_file o;
	assert_int_equal(output_file_open(&o, dir), -1);
	assert_int_equal(output_file_open(&o, in_dir("missing/x.csv")), -1);
	assert_int_equal(temporaries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replaces_keeping_mode),
	    cmocka_unit_test(test_new_file_takes_umask),
	    cmocka_unit_test(test_abort_keeps_old),
	    cmocka_unit_test(test_symlink_to_file),
	    cmocka_unit_test(test_fifo_in_place),
	    cmocka_unit_test(test_device_in_place),
	    cmocka_unit_test(test_signal_removes_temporary),
	    cmocka_unit_test(test_directory_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
