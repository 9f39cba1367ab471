/* A string interning table: each distinct string gets a small dense number
 * (a symbol), and the text lives in an arena owned by the table. The audit
 * engine turns every API ID into a symbol so joins become array lookups. */
#ifndef CNTRAUDIT_SYMTAB_H
#define CNTRAUDIT_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#define SYM_NONE UINT32_MAX

struct symtab;

/* expected: how many symbols to make room for (a hint; the table grows). */
struct symtab *symtab_new(size_t expected);
void symtab_free(struct symtab *t);
/* The symbol of s[0..len), added when new. */
uint32_t symtab_intern(struct symtab *t, const char *s, size_t len);
/* The NUL-terminated text of a symbol. */
const char *symtab_str(const struct symtab *t, uint32_t sym);
/* How many symbols exist: they are 0 .. count-1. */
uint32_t symtab_count(const struct symtab *t);

#endif
