/* Signals become bytes on a pipe the event loop polls (the self-pipe trick).
 * The handlers only set flags and write one byte: async-signal-safe, errno kept. */
#ifndef BERTH_SELF_PIPE_H
#define BERTH_SELF_PIPE_H

#include <stdbool.h>

/* Create the pipe and install handlers for SIGCHLD, SIGTERM, SIGINT, SIGHUP; ignore SIGPIPE.
 * Returns the read end (non-blocking, close-on-exec); dies on failure. */
int self_pipe_setup(void);
#define SELF_PIPE_CHLD 1 /* SIGCHLD */
#define SELF_PIPE_TERM 2 /* SIGTERM or SIGINT */

/* Drain the pipe; returns the SELF_PIPE_* bits of what arrived since the last call. */
int self_pipe_drain(int rd);
/* Restore default dispositions (in a forked child before exec). Async-signal-safe. */
void self_pipe_reset_child(void);

#endif
