/* parse_only FILE.jsonl: what jansson alone needs to parse a JSON Lines
 * file (each line parsed, then freed), the floor `cntraudit import` is
 * measured against. Prints the documents parsed on stderr. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	char *line = NULL;
	size_t cap = 0, documents = 0;
	ssize_t len;
	if (!f) {
		fprintf(stderr, "usage: parse_only FILE.jsonl\n");
		return 2;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *doc = json_loadb(line, (size_t)len, 0, NULL);
		documents += doc != NULL;
		json_decref(doc);
	}
	fprintf(stderr, "parse_only: %zu documents\n", documents);
	free(line);
	fclose(f);
	return 0;
}
