/* Allocation wrappers that abort on out-of-memory, so no other code carries
 * OOM branches; a growable byte buffer; small string helpers. Every *_free
 * accepts NULL. */
#ifndef CNTRAUDIT_XALLOC_H
#define CNTRAUDIT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Says so on stderr and aborts: for allocations made by a library. */
void out_of_memory(size_t size) __attribute__((noreturn));
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Nonzero when s ends with suffix. */
int str_ends_with(const char *s, const char *suffix);

/* A growable byte buffer; data is always NUL-terminated once anything was
 * appended. The buffer owns data; buf_free releases it. */
struct buf {
	char *data; /* NULL until the first append */
	size_t len; /* bytes used, excluding the terminating NUL */
	size_t cap; /* bytes allocated */
};

void buf_append(struct buf *b, const char *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
/* Hands the contents to the caller (never NULL) and leaves b empty. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);

#endif
