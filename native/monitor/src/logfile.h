/* The container log in docker's json-file format, with max-size / max-file rotation:
 *   {"log":"hello\n","stream":"stdout","time":"2026-01-02T03:04:05.123456789Z"}
 * A line longer than 16 KiB, or a last line without "\n", is written without the "\n". */
#ifndef BERTH_LOGFILE_H
#define BERTH_LOGFILE_H

#include <stddef.h>

#include "monitor.h"

/* Open (append) --log-file, if given; without it everything here does nothing.
 * 0 or -1 with errno. */
int logfile_open(struct monitor *m);
/* Feed output bytes of a stream; complete lines are written at once. */
void logfile_feed(struct monitor *m, enum stream s, const char *data, size_t len);
/* Write what is buffered for the stream as a partial line. */
void logfile_flush_partial(struct monitor *m, enum stream s);
void logfile_close(struct monitor *m);

#endif
