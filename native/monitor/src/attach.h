/* The attach socket: a unix stream socket serving any number (up to MAX_CLIENTS) of clients.
 *
 * Monitor → client: every chunk of container output from the moment the client is accepted,
 * as docker's stdcopy frames: an 8-byte header [stream, 0, 0, 0, length as u32 big-endian]
 * then length bytes; stream 1 = stdout, 2 = stderr (with a terminal always 1). Once the
 * container has exited and its output is drained, each client gets one last frame with
 * stream 3 whose payload is the exit record ({"pid":..,"exit_status":..,...}, no newline,
 * see exit.h), and is closed.
 *
 * Client → monitor: raw bytes for the container's stdin. A client's EOF (shutdown(SHUT_WR))
 * only ends its input (with --stdin-once it closes the container's stdin); it keeps getting
 * output. A client is dropped when its socket fails or is closed, or when it cannot keep up
 * (a frame does not fit into its socket buffer). */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <stddef.h>

#include "monitor.h"

#define ATTACH_STREAM_EXIT 3

/* Listen on --attach-socket (replacing a stale socket). 0 or -1 with errno. */
int attach_setup(struct monitor *m);
void attach_accept(struct monitor *m);
/* Client i is ready: read its input, or notice it has gone. The loop polls a client for
 * input only while the stdin buffer is empty, and one whose input has ended only for
 * hang-ups (events 0). */
void attach_on_client(struct monitor *m, int i);
/* Send a chunk of stream s to every client as one frame. */
void attach_broadcast(struct monitor *m, enum stream s, const char *data, size_t len);
/* Send exit_fields (see exit.h) as the last frame to every client unless NULL, close the
 * clients and the listener, and remove the socket file. */
void attach_close(struct monitor *m, const char *exit_fields);

#endif
