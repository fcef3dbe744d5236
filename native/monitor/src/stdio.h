/* The container's stdio: pipes, or a pty master received over the console socket. */
#ifndef BERTH_STDIO_H
#define BERTH_STDIO_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "monitor.h"

/* What `runtime create` / `runtime exec` gets as stdio, and what it needs for a terminal. */
struct child_stdio {
	int in, out, err;     /* the runtime's (and, without a terminal, the container's) fds */
	int capture;	      /* our read end of out/err: the runtime's error message */
	int console_listen;   /* listening console socket with --terminal, else -1 */
	char console_dir[64]; /* mkdtemp directory holding it */
	char console_path[96];
};

/* Create pipes (or the console socket); fills m->out_fd/err_fd/in_fd for pipes. Dies. */
void stdio_setup(struct monitor *m, struct child_stdio *cs);
/* After a successful create/exec: close the container's ends, receive the pty master and
 * apply a resize / close-stdin that came before it. Returns 0 or -1 with a reason in why. */
int stdio_after_launch(struct monitor *m, struct child_stdio *cs, char *why, size_t cap);
/* Close everything stdio_setup opened that is still open on the child side. */
void stdio_cleanup(struct child_stdio *cs);
/* A pipe for the runtime's own output: p[0] ours (non-blocking), p[1] its. Dies. */
void stdio_capture_pipe(int p[2]);
/* Read what is readable on the stream's fd: send it to attach clients, the stdout/stderr
 * paths and the log. Closes the fd (sets it to -1) at EOF or on a hang-up. Stops as soon
 * as a sink has pending output (stdio_output_blocked). */
void stdio_on_readable(struct monitor *m, enum stream s);
/* Some sink (attach client, FIFO with a reader) has output it has not taken yet. Until it
 * has, the monitor reads no more output: the container blocks on its pipe (back-pressure;
 * the log is written synchronously and never holds anything back). */
bool stdio_output_blocked(const struct monitor *m);
/* The drain phase has run out (loop.h): read what is left in the pipes now (bounded, as
 * orphans may keep writing) for the log and the sinks that keep up; a sink still busy
 * with an earlier frame misses it. */
void stdio_salvage(struct monitor *m);
/* One read(2) from an input source (attach client, stdin FIFO) into the stdin buffer, which
 * must be empty, and push it on; input is dropped when the container has no stdin.
 * Returns read's result (errno kept): >0 bytes, 0 at EOF, -1 (EAGAIN: nothing yet). */
ssize_t stdio_read_input(struct monitor *m, int fd);
/* Push pending stdin bytes to the container; drops them when the container closed stdin. */
void stdio_flush_stdin(struct monitor *m);
/* End the container's input: close the stdin pipe, or send VEOF (^D) through the pty.
 *
 * While a --wait-start exec waits for "start", a stdin pipe exists already (input queues in
 * it); a pty does not, so input is held in the stdin buffer (one read; the loop then stops
 * reading the sources) and a ^D from close-stdin queues behind it. Both go out once the pty
 * master arrives, in that order. */
void stdio_close_stdin(struct monitor *m);
/* Set the terminal size (TIOCSWINSZ on the pty master); nothing without a terminal.
 * Remembered, and applied when the pty master arrives if there is none yet. */
void stdio_resize(struct monitor *m, unsigned short cols, unsigned short rows);

#endif
