/* Back-pressure for output sinks (attach clients, --stdout-path/--stderr-path FIFOs with a
 * reader): what a non-blocking sink did not take of a frame or chunk is kept in its struct
 * pending (monitor.h) instead of being dropped. While any sink holds some, the loop stops
 * reading the container's output, so the container blocks on its pipe the way it does
 * under docker attach; one frame is therefore all a sink ever holds (PENDING_MAX).
 * Writes rely on SIGPIPE being ignored (self_pipe.h): a gone reader is EPIPE. */
#ifndef BERTH_PENDING_H
#define BERTH_PENDING_H

#include <stdbool.h>
#include <sys/uio.h>

#include "monitor.h"

static inline bool pending_has(const struct pending *p)
{
	return p->len > 0;
}

/* Write iov (at most PENDING_MAX bytes in all) to fd, which must have nothing pending.
 * 0: all written; 1: the rest is pending; -1 with errno: the sink failed (EPIPE,
 * ECONNRESET, ...; ENOMEM when no buffer could be had). */
int pending_write(struct pending *p, int fd, const struct iovec *iov, int iovcnt);
/* Write what is pending. 0: nothing left; 1: some is (EAGAIN); -1 with errno. */
int pending_flush(struct pending *p, int fd);
void pending_free(struct pending *p);

#endif
