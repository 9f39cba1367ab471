/* Text for a terminal (render_text_cell.c): a cell or a line of words made
 * fit for an 80-column terminal. Internal to the stage. */
#ifndef CNTRAUDIT_RENDER_TEXT_CELL_H
#define CNTRAUDIT_RENDER_TEXT_CELL_H

#include "xalloc.h"

#include <stddef.h>
#include <stdio.h>

#define TEXT_COLUMNS 80

/* Characters (UTF-8 code points) in s. */
size_t text_width(const char *s);
/* s with control characters as spaces and, unless wide, every API ID
 * (cntr_..., resp_..., a lower-case prefix, '_' and 16 or more letters and
 * digits) shortened in the middle: cntr_690909a7…9d1c3e. Owned. */
char *text_display(const char *s, int wide);
/* s cut to width characters, the last one "…", when longer. Owned. */
char *text_cut(const char *s, size_t width);
/* s padded with spaces to width, on the left when right. */
void text_pad(FILE *out, const char *s, size_t width, int right);
/* words wrapped into lines of at most TEXT_COLUMNS characters, each after
 * indent spaces, into b. */
void text_wrap(struct buf *b, const char *words, int indent);

#endif
