/* The attach socket: a unix stream socket; every client gets the container's raw output
 * (stdout and stderr interleaved, or the pty's bytes) from the moment it connects, and what
 * a client sends goes to the container's stdin. A client that cannot keep up is dropped. */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <stddef.h>

#include "monitor.h"

/* Listen on --attach-socket (replacing a stale socket). 0 or -1 with errno. */
int attach_setup(struct monitor *m);
void attach_accept(struct monitor *m);
/* Read from client i into the stdin buffer (only called when that buffer is empty). */
void attach_on_client(struct monitor *m, int i);
void attach_broadcast(struct monitor *m, const char *data, size_t len);
/* Close clients and the listener, and remove the socket file. */
void attach_close(struct monitor *m);

#endif
