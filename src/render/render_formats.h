/* The three formats, which render_report dispatches to. Each reads rows to
 * the end. 0, or -1 with the error set. Internal to the stage. */
#ifndef CNTRAUDIT_RENDER_FORMATS_H
#define CNTRAUDIT_RENDER_FORMATS_H

#include "render.h"

int render_csv(FILE *out, struct store_rows *rows, const struct render_meta *meta);
int render_json(FILE *out, struct store_rows *rows, const struct render_meta *meta);
int render_text(FILE *out, struct store_rows *rows, const struct render_meta *meta);

#endif
