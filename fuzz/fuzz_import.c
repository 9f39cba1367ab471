/* Fuzz target: import's path for outside data — splitting a file into JSON
 * documents (source_reader), kind detection and every decoder, storing into
 * a scratch database inside a savepoint that is rolled back; and the
 * splitter of long documents (json_split), which no parser has vetted. */
#include "decode.h"
#include "error.h"
#include "fuzz.h"
#include "json_span.h"
#include "source_reader.h"

static int on_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct decode_context *decode = ctx;
	struct decode_counts counts = {0};
	decode->text = text;
	decode->text_len = len;
	(void)decode_detect_kind(doc);
	if (store_savepoint(decode->store))
		return -1;
	(void)decode_document(decode, doc, &counts);
	store_savepoint_rollback(decode->store);
	error_clear();
	return 0;
}

static void on_malformed(void *ctx, size_t line, const char *why)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_context decode = {.store = fuzz_store(), .project_id = "fuzz", .parent_id = "conv_fuzz0000"};
	struct source_callbacks cb = {on_document, on_malformed, NULL, NULL};
	(void)source_read(fuzz_file(data, size, ".jsonl"), &cb, &decode);
	error_clear();
	/* The splitter for long documents (only over 16 MiB in an import), on
	 * every input: never outside the text, elements inside the array. */
	struct json_split split;
	struct json_span element;
	if (!json_split_begin(&split, (const char *)data, size))
		while (json_split_next(&split, &element) == 1)
			if (element.start < (const char *)data + split.open ||
			    element.start + element.len > (const char *)data + split.close)
				__builtin_trap();
	(void)json_span_values((const char *)data, size);
	return 0;
}
