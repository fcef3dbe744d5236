/* Reaping (the monitor is a subreaper) and the exit record:
 *   {"pid":P,"exit_status":N,"exited_at":"2026-01-02T03:04:05.123456789Z"[,"signal":S]}
 * The exit file holds it as one line, written to <file>.tmp and renamed; the sync pipe's
 * "exited" message and the attach socket's last frame carry the same fields.
 * exit_status is 128+S when killed by S. */
#ifndef BERTH_EXIT_H
#define BERTH_EXIT_H

#include <stddef.h>

#include "monitor.h"

#define EXIT_FIELDS_MAX 160

/* waitpid(-1, WNOHANG) until nothing is left; records the init process's status. */
void exit_reap(struct monitor *m);
/* The record's fields without the braces: "pid":P,"exit_status":N,... (after an exit). */
void exit_fields(const struct monitor *m, char buf[EXIT_FIELDS_MAX]);
/* Write the exit file and report "exited" on the sync pipe. 0 or -1 with errno. */
int exit_write(struct monitor *m, const char *fields);

#endif
