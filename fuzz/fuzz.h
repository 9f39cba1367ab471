/* What the fuzz targets share: a scratch store that lives for the process,
 * and a scratch file holding the input (the parsers read files). */
#ifndef CNTRAUDIT_FUZZ_H
#define CNTRAUDIT_FUZZ_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* The process's scratch database (created on first use, removed at exit). */
struct store *fuzz_store(void);
/* Writes the input to the process's scratch file and returns its path. */
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
