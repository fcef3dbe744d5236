/* The control FIFO (--control): newline-terminated text commands from the caller.
 *   resize <cols> <rows>   set the terminal size (ignored without a terminal)
 *   close-stdin            end the container's input (close the pipe, or VEOF on a pty)
 *   start                  --wait-start only: launch the exec (once; later ones are ignored)
 * Anything else is ignored with one line on stderr. The FIFO is created by the monitor
 * (mode 0600, replacing a stale one) and opened read-write, so it never reports EOF:
 * writers may come and go. */
#ifndef BERTH_CONTROL_H
#define BERTH_CONTROL_H

#include "monitor.h"

/* mkfifo + open --control, if given. 0 or -1 with errno. */
int control_open(struct monitor *m);
/* Read and run what has arrived. "start" only sets m->start_asked: launching is main's. */
void control_on_readable(struct monitor *m);
/* Close and unlink the FIFO. */
void control_close(struct monitor *m);

#endif
