/* Reaping (the monitor is a subreaper) and the exit file:
 *   {"pid":P,"exit_status":N,"exited_at":"2026-01-02T03:04:05.123456789Z"[,"signal":S]}
 * one line, written to <file>.tmp and renamed. exit_status is 128+S when killed by S. */
#ifndef BERTH_EXIT_H
#define BERTH_EXIT_H

#include "monitor.h"

/* waitpid(-1, WNOHANG) until nothing is left; records the init process's status. */
void exit_reap(struct monitor *m);
/* Write the exit file and report "exited" on the sync pipe. 0 or -1 with errno. */
int exit_write(struct monitor *m);

#endif
