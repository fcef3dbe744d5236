/* --stdin-path / --stdout-path / --stderr-path: stdio a client such as containerd's ctr
 * hands over as named FIFOs it created (for stdout/stderr also a regular file: containerd's
 * file:// log URI). They come on top of the log and attach, never instead of them.
 *
 * A FIFO that had its reader when the monitor opened it (O_WRONLY succeeded) gets all output
 * with back-pressure, like an attach client (pending.h): what does not fit waits, and the
 * monitor reads no more output until the reader has taken it. A FIFO nobody read yet is
 * opened O_RDWR instead and stays best effort, since nobody may ever read it: bytes that do
 * not fit are dropped (EAGAIN). Either way a FIFO whose reader has gone (EPIPE) or a file
 * that fails is given up. The stdin FIFO is opened read-write so it never
 * reports EOF when a writer closes; the end of input comes as `close-stdin` on --control. */
#ifndef BERTH_FIFO_IO_H
#define BERTH_FIFO_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "monitor.h"

/* Open the given paths. NULL on success, else the path that failed (errno set). */
const char *fifo_io_open(struct monitor *m);
/* Copy container output of stream s to its path (with a terminal everything is stdout). */
void fifo_io_write(struct monitor *m, enum stream s, const char *data, size_t len);
/* The stream's FIFO has room (POLLOUT, or POLLERR once its reader is gone): send what is
 * pending. */
void fifo_io_on_writable(struct monitor *m, enum stream s);
/* Some FIFO has pending output: the loop must not read more. */
bool fifo_io_pending(const struct monitor *m);
/* Close them all; pending output gets one last non-blocking try. */
void fifo_io_close(struct monitor *m);

#endif
