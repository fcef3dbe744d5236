#include "pending.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pending_write(struct pending *p, int fd, const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	ssize_t n;
	do
		n = writev(fd, iov, iovcnt);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN)
		return -1;
	size_t done = n < 0 ? 0 : (size_t)n;
	if (done == total)
		return 0;
	if (total - done > PENDING_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Lazily: a sink that keeps up never needs one, and the monitor's size is what berth
	 * costs per container. */
	if (!p->buf && !(p->buf = malloc(PENDING_MAX)))
		return -1;
	p->off = p->len = 0;
	for (int i = 0; i < iovcnt; i++) {
		size_t l = iov[i].iov_len;
		if (done >= l) {
			done -= l;
			continue;
		}
		memcpy(p->buf + p->len, (const char *)iov[i].iov_base + done, l - done);
		p->len += l - done;
		done = 0;
	}
	return 1;
}

int pending_flush(struct pending *p, int fd)
{
	while (p->off < p->len) {
		ssize_t n = write(fd, p->buf + p->off, p->len - p->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0)
			return -1;
		p->off += (size_t)n;
	}
	p->off = p->len = 0;
	return 0;
}

void pending_free(struct pending *p)
{
	free(p->buf);
	*p = (struct pending){0};
}
