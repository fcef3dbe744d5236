/* Passing file descriptors over unix sockets (SCM_RIGHTS). Kept free of monitor state so
 * it can move to native/fdpass/ as the tiny shared library STYLE.md §4.13 asks for. */
#ifndef BERTH_FDPASS_H
#define BERTH_FDPASS_H

#include <stddef.h>

/* Send fd with a payload of len bytes (at least one byte is sent). 0 or -1 with errno. */
int send_fd(int sock, int fd, const void *data, size_t len);
/* Receive one fd (made close-on-exec); the payload goes to data (NUL-terminated, may be NULL).
 * Returns the fd or -1 with errno (EBADMSG when the message carried no fd). */
int recv_fd(int sock, char *data, size_t cap);

#endif
