/* Fuzz target: prices --import (all rows or none, overlap check). */
#include "error.h"
#include "fuzz.h"
#include "prices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t rows = 0;
	struct store *store = fuzz_store();
	(void)prices_import(store, fuzz_file(data, size, ".csv"), &rows);
	/* Keep the table as the migration made it, whatever was imported. */
	sqlite3_exec(store_db(store), "DELETE FROM prices WHERE version <> 'openai-2026-06-02'", NULL, NULL, NULL);
	error_clear();
	return 0;
}
