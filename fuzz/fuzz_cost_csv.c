/* Fuzz target: the dashboard cost export CSV (libcsv reader + decoder). */
#include "csv_read.h"
#include "decode.h"
#include "error.h"
#include "fuzz.h"

static int on_row(void *ctx, const struct csv_record *header, const struct csv_record *row)
{
	struct decode_context *decode = ctx;
	struct decode_counts counts = {0};
	if (store_savepoint(decode->store))
		return -1;
	(void)decode_cost_export_row(decode, header, row, &counts);
	store_savepoint_rollback(decode->store);
	error_clear();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_context decode = {.store = fuzz_store(), .project_id = "fuzz"};
	(void)csv_read_file(fuzz_file(data, size, ".csv"), on_row, &decode);
	error_clear();
	return 0;
}
