/* The last error: set once, at the place that failed, as one lowercase line
 * ("cannot open fixtures/x.json: No such file or directory"), and passed up
 * untouched; main() prints it behind "cntraudit: ". Functions that fail
 * return a negative value (error_set returns -1 for that purpose).
 * Never put a secret in a message. */
#ifndef CNTRAUDIT_ERROR_H
#define CNTRAUDIT_ERROR_H

int error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The current message, or "unknown error" when none was set. Borrowed. */
const char *error_message(void);
void error_clear(void);
/* Prints "cntraudit: MESSAGE" on stderr and clears the error. */
void error_print(void);

#endif
