/* --stdin-path / --stdout-path / --stderr-path: stdio a client such as containerd's ctr
 * hands over as named FIFOs it created (for stdout/stderr also a regular file: containerd's
 * file:// log URI). They come on top of the log and attach, never instead of them.
 *
 * Output is best effort so a stalled or vanished reader never blocks the container: bytes
 * that do not fit into the FIFO are dropped (EAGAIN), and a FIFO whose reader has gone
 * (EPIPE) or a file that fails is given up. The stdin FIFO is opened read-write so it never
 * reports EOF when a writer closes; the end of input comes as `close-stdin` on --control. */
#ifndef BERTH_FIFO_IO_H
#define BERTH_FIFO_IO_H

#include <stddef.h>

#include "monitor.h"

/* Open the given paths. NULL on success, else the path that failed (errno set). */
const char *fifo_io_open(struct monitor *m);
/* Copy container output of stream s to its path (with a terminal everything is stdout). */
void fifo_io_write(struct monitor *m, enum stream s, const char *data, size_t len);
void fifo_io_close(struct monitor *m);

#endif
