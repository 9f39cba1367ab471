#include "fuzz.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char folder[] = "/tmp/cntraudit-fuzz-XXXXXX";
static struct store *store;
static char path[512];

static void cleanup(void)
{
	char db[600];
	store_free(store);
	for (const char *suffix = ""; suffix; suffix = !*suffix ? "-wal" : !strcmp(suffix, "-wal") ? "-shm" : NULL) {
		snprintf(db, sizeof db, "%s/fuzz.db%s", folder, suffix);
		unlink(db);
	}
	if (path[0])
		unlink(path);
	rmdir(folder);
}

static void init(void)
{
	static int done;
	if (done)
		return;
	if (!mkdtemp(folder))
		abort(); /* no scratch folder: nothing can be fuzzed */
	done = 1;
	atexit(cleanup);
}

struct store *fuzz_store(void)
{
	char db[600];
	init();
	if (!store) {
		snprintf(db, sizeof db, "%s/fuzz.db", folder);
		if (store_open(db, STORE_CREATE, &store))
			abort(); /* a fresh scratch database must open */
		sqlite3_exec(store_db(store), "PRAGMA synchronous = OFF", NULL, NULL,
		             NULL); /* speed: a scratch database */
	}
	error_clear();
	return store;
}

const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	init();
	if (path[0])
		unlink(path);
	snprintf(path, sizeof path, "%s/input%s", folder, suffix);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}
