#include "audit.h"
#include "cli.h"
#include "error.h"
#include "log.h"
#include "store.h"

#include <stddef.h>

void cli_store_facts(const char *db_path)
{
	struct store *store = NULL;
	if (store_open(db_path, STORE_CREATE, &store) || audit_store_facts(store))
		log_warn("the audit's facts are not stored, reports will audit in memory: %s", error_message());
	store_free(store);
}
