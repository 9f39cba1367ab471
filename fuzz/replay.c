/* Replays inputs through a fuzz target without libFuzzer: each argument is
 * a file, or a folder whose files are all replayed. ctest runs it over each
 * target's seed corpus and kept crashers (fuzz/corpus, fuzz/regressions)
 * under the sanitizers of the normal build. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
	size_t n = fread(data, 1, size > 0 ? (size_t)size : 0, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0, replayed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st))
			continue; /* a target may have no regressions yet */
		if (!S_ISDIR(st.st_mode)) {
			failures += replay_file(argv[i]);
			replayed++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			failures += replay_file(path);
			replayed++;
		}
		if (d)
			closedir(d);
	}
	printf("replayed %d inputs\n", replayed);
	return failures || replayed == 0;
}
