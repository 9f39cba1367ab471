/* The dashboard's cost export, a CSV file: one row per day and line item
 * (and project, when the export has it). Accepted columns, by header name,
 * case-insensitive (the first present wins):
 *   day:       date, day, start_time, bucket_start     (YYYY-MM-DD, ISO 8601, Unix seconds)
 *   amount:    amount_usd, cost_usd, amount, cost, amount (usd), cost (usd)   (dollars)
 *   line item: line_item, line item, description, name
 *   project:   project_id, project                     (optional)
 *   currency:  currency                                (optional; only usd)
 *   quantity:  quantity, quantity_unit                 (optional)
 * Rows land in the costs table like Costs API results, keyed by day,
 * project and line item; raw keeps the row as a JSON object of its columns. */
#include "decode.h"
#include "decode_fields.h"

#include "error.h"
#include "money.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *column(const struct csv_record *header, const struct csv_record *row, const char *const *names)
{
	for (; *names; names++) {
		int i = csv_record_find(header, *names);
		if (i >= 0 && (size_t)i < row->count)
			return row->fields[i];
	}
	return NULL;
}

int decode_cost_export_row(const struct decode_context *ctx, const struct csv_record *header,
                           const struct csv_record *row, struct decode_counts *counts)
{
	static const char *const day_names[] = {"date", "day", "start_time", "bucket_start", NULL};
	static const char *const amount_names[] = {"amount_usd",   "cost_usd",   "amount", "cost",
	                                           "amount (usd)", "cost (usd)", NULL};
	static const char *const item_names[] = {"line_item", "line item", "description", "name", NULL};
	static const char *const project_names[] = {"project_id", "project", NULL};
	static const char *const currency_names[] = {"currency", NULL};
	static const char *const quantity_names[] = {"quantity", NULL};
	static const char *const unit_names[] = {"quantity_unit", NULL};
	const char *day = column(header, row, day_names), *amount = column(header, row, amount_names);
	const char *item = column(header, row, item_names), *project = column(header, row, project_names);
	const char *currency = column(header, row, currency_names);
	const char *quantity = column(header, row, quantity_names), *unit = column(header, row, unit_names);
	int64_t start, micros;
	double q = 0;

	if (!day || !amount || !item)
		return error_set("cost export: needs a date, an amount and a line_item column");
	if (timestamp_parse(day, &start))
		return error_set("cost export: date: %s", error_message());
	start -= ((start % 86400) + 86400) % 86400;
	if (money_parse_rounded(amount, &micros))
		return error_set("cost export: amount: %s", error_message());
	if (currency && *currency && strcasecmp(currency, "usd"))
		return error_set("cost export: currency '%.20s' is not usd", currency);
	if (quantity && *quantity) {
		char *end;
		q = strtod(quantity, &end);
		if (*end)
			return error_set("cost export: quantity '%.40s' is not a number", quantity);
	}
	json_t *raw_object = json_object();
	json_object_set_new(raw_object, "object", json_string("cost_export_row"));
	for (size_t i = 0; i < header->count && i < row->count; i++) {
		json_t *v = json_string(row->fields[i]);
		json_object_set_new(raw_object, header->fields[i], v ? v : json_null());
	}
	char *raw = json_raw(raw_object);
	json_decref(raw_object);
	int64_t end = start + 86400;
	struct cost_row r = {.bucket_start = start,
	                     .bucket_end = &end,
	                     .project_id = project ? project : "",
	                     .line_item = item,
	                     .api_key_id = "",
	                     .amount_micros = &micros,
	                     .currency = "usd",
	                     .quantity = quantity && *quantity ? &q : NULL,
	                     .quantity_unit = unit && *unit ? unit : NULL,
	                     .raw = raw};
	int rc = decode_count(counts, store_upsert_cost(ctx->store, &r));
	free(raw);
	counts->objects++;
	return rc;
}
