/* The container's stdio: pipes, or a pty master received over the console socket. */
#ifndef BERTH_STDIO_H
#define BERTH_STDIO_H

#include <limits.h>

#include "monitor.h"

/* What `runtime create` gets as stdio, and what it needs for a terminal. */
struct child_stdio {
	int in, out, err;     /* the runtime's (and, without a terminal, the container's) fds */
	int capture;	      /* our read end of out/err: the runtime's error message */
	int console_listen;   /* listening console socket with --terminal, else -1 */
	char console_dir[64]; /* mkdtemp directory holding it */
	char console_path[96];
};

/* Create pipes (or the console socket); fills m->out_fd/err_fd/in_fd for pipes. Dies. */
void stdio_setup(struct monitor *m, struct child_stdio *cs);
/* After a successful create: close the container's ends, receive the pty master.
 * Returns 0 or -1 with a reason in why. */
int stdio_after_create(struct monitor *m, struct child_stdio *cs, char *why, size_t cap);
/* Close everything stdio_setup opened that is still open on the child side. */
void stdio_cleanup(struct child_stdio *cs);
/* A pipe for the runtime's own output: p[0] ours (non-blocking), p[1] its. Dies. */
void stdio_capture_pipe(int p[2]);
/* Read what is readable on the stream's fd: broadcast to attach clients and feed the log.
 * Closes the fd (sets it to -1) at EOF or on a hang-up. */
void stdio_on_readable(struct monitor *m, enum stream s);
/* Push pending stdin bytes to the container; drops them when the container closed stdin. */
void stdio_flush_stdin(struct monitor *m);
/* The attach client sent EOF: with --stdin-once, close (pipe) or send ^D (pty). */
void stdio_close_stdin(struct monitor *m);

#endif
