/* Small helpers shared by every file: fatal errors, fd plumbing, timestamps. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define RFC3339_LEN 48

/* Print "berth-monitor: <msg>" on stderr and exit(1). Only before the sync pipe is set up. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same with ": strerror(errno)" appended. */
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* write() everything, retrying on EINTR and short writes; -1 on error. */
int write_all(int fd, const void *buf, size_t len);
/* Read what is available now from a non-blocking fd, up to cap-1 bytes, NUL-terminated. */
size_t read_available(int fd, char *buf, size_t cap);
int set_nonblock(int fd, bool on);
int set_cloexec(int fd, bool on);
/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long mono_ms(void);
/* "2026-01-02T03:04:05.123456789Z" (UTC, nine fraction digits). */
void format_rfc3339(char out[RFC3339_LEN], const struct timespec *ts);
/* Write data to path via "<path>.tmp" + rename(2). 0 or -1 with errno. */
int write_file_atomic(const char *path, const char *data, size_t len);

#endif
