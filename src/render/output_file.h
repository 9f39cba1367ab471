/* A report's output file. A regular file (or a name not yet taken) is written
 * to a temporary file beside its real path and renamed over it only when the
 * whole report is written, keeping the mode of the file it replaces (a new
 * file gets 0666 less the umask), so a failed or killed report leaves the old
 * file as it was and no temporary file behind. Anything else — a FIFO, a
 * device, /dev/stdout, or a symlink to one of them — is written in place and
 * never replaced. One output file is open at a time. */
#ifndef CNTRAUDIT_OUTPUT_FILE_H
#define CNTRAUDIT_OUTPUT_FILE_H

#include <stdio.h>

struct output_file {
	FILE *fp;    /* write here */
	char *path;  /* as the user gave it, for messages */
	char *final; /* the real path renamed over, or NULL when written in place */
	char *tmp;   /* the temporary file, or NULL when written in place */
};

/* Opens path for writing. While open, SIGINT, SIGTERM and SIGHUP remove the
 * temporary file before they end the process. 0, or -1 with the error set. */
int output_file_open(struct output_file *o, const char *path);
/* Flushes, syncs and (for a regular file) renames into place; closes in any
 * case. 0, or -1 with the error set and the old file untouched. */
int output_file_commit(struct output_file *o);
/* Closes and removes the temporary file, leaving the old file untouched. */
void output_file_abort(struct output_file *o);

#endif
