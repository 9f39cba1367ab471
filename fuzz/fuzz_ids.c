/* Fuzz target: --scan over arbitrary text and the --from file formats. */
#include "error.h"
#include "fuzz.h"
#include "id_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct id_set responses = {0}, conversations = {0};
	id_sources_scan_text((const char *)data, size, &responses, &conversations);
	(void)id_sources_read_from(fuzz_file(data, size, ".txt"), &responses, &conversations);
	error_clear();
	id_set_free(&responses);
	id_set_free(&conversations);
	return 0;
}
