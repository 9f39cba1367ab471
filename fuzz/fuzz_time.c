/* Fuzz target: TIME values, fixed-offset zones and money amounts: every
 * string the command line turns into a number. Round trips must hold. */
#include "error.h"
#include "fuzz.h"
#include "money.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int64_t t, back, micros;
	char out[TIMESTAMP_MAX], money[MONEY_MAX];
	memcpy(s, data, size);
	s[size] = '\0';
	if (!timestamp_parse(s, &t)) {
		timestamp_zone_set("UTC");
		timestamp_format(t, out);
		if (timestamp_parse(out, &back) || back != t)
			abort(); /* what we print must read back as the same instant */
	}
	if (s[0] == '+' || s[0] == '-' || s[0] == 'Z' || s[0] == 'U')
		(void)timestamp_zone_set(s); /* offsets only: names would consult tzdata */
	timestamp_zone_set("UTC");
	if (!money_parse(s, &micros)) {
		int64_t again;
		money_format(micros, money);
		if (money_parse(money, &again) || again != micros)
			abort();
	}
	(void)money_parse_rounded(s, &micros);
	error_clear();
	free(s);
	return 0;
}
