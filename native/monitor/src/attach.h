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
 * output. A client is dropped when its socket fails or is closed (POLLHUP/POLLERR, EPIPE,
 * ECONNRESET).
 *
 * Output is lossless with back-pressure, as with docker attach: what does not fit into a
 * client's socket buffer waits in its pending buffer (pending.h), and while it does the
 * monitor reads no more output, so the container blocks on its pipe until the slowest
 * client has caught up. After the container has exited, the drain phase bounds the wait
 * (loop.h). */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "monitor.h"

#define ATTACH_STREAM_EXIT 3

/* Listen on --attach-socket (replacing a stale socket). 0 or -1 with errno. */
int attach_setup(struct monitor *m);
void attach_accept(struct monitor *m);
/* Client i is ready (revents from poll): send its pending output, read its input, or notice
 * it has gone. The loop polls a client for input only while the stdin buffer is empty, for
 * POLLOUT while it has pending output, and otherwise (input ended) only for hang-ups. */
void attach_on_client(struct monitor *m, int i, short revents);
/* Some client has pending output: the loop must not read more. */
bool attach_pending(const struct monitor *m);
/* Send a chunk (at most READ_CHUNK) of stream s to every client as one frame; what does not
 * fit stays pending. A client that still has pending output misses the chunk (only in the
 * salvage after the drain deadline, see stdio.h). */
void attach_broadcast(struct monitor *m, enum stream s, const char *data, size_t len);
/* Send exit_fields (see exit.h) as the last frame to every client unless NULL, after the
 * client's pending output, close the clients and the listener, and remove the socket file. */
void attach_close(struct monitor *m, const char *exit_fields);

#endif
