/* JSON string escaping. Invalid UTF-8 becomes U+FFFD so every line stays valid JSON. */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H

#include <stddef.h>

/* Called with escaped output chunks; returns 0 or -1 to stop. */
typedef int (*json_sink)(void *ctx, const char *s, size_t len);

/* Escape src[0..len) (without quotes) into sink. Returns 0 or the sink's -1. */
int json_escape(json_sink sink, void *ctx, const char *src, size_t len);
/* Escape into a fixed buffer, truncating; always NUL-terminates. Returns bytes written. */
size_t json_escape_buf(char *dst, size_t cap, const char *src, size_t len);

#endif
