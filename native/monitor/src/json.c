#include "json.h"

#include <string.h>

/* Length of a valid UTF-8 sequence starting at s (1-4), or 0 if invalid/truncated. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	unsigned min;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

int json_escape(json_sink sink, void *ctx, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t run = 0; /* bytes copied verbatim, flushed lazily */
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char tmp[8];
		size_t esc_len = 0;
		size_t adv = 1;
		if (c == '"') {
			esc = "\\\"";
			esc_len = 2;
		} else if (c == '\\') {
			esc = "\\\\";
			esc_len = 2;
		} else if (c == '\n') {
			esc = "\\n";
			esc_len = 2;
		} else if (c == '\r') {
			esc = "\\r";
			esc_len = 2;
		} else if (c == '\t') {
			esc = "\\t";
			esc_len = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[c >> 4];
			tmp[5] = hex[c & 15];
			esc = tmp;
			esc_len = 6;
		} else if (c >= 0x80) {
			adv = utf8_len(s + i, len - i);
			if (adv == 0) {
				esc = "\\ufffd";
				esc_len = 6;
				adv = 1;
			}
		}
		if (esc) {
			if (run && sink(ctx, src + i - run, run) < 0)
				return -1;
			run = 0;
			if (sink(ctx, esc, esc_len) < 0)
				return -1;
		} else {
			run += adv;
		}
		i += adv;
	}
	if (run && sink(ctx, src + len - run, run) < 0)
		return -1;
	return 0;
}

struct fixed {
	char *p;
	size_t len, cap;
};

static int fixed_sink(void *ctx, const char *s, size_t len)
{
	struct fixed *f = ctx;
	if (f->len + len + 1 > f->cap)
		return -1; /* truncate at a whole escape */
	memcpy(f->p + f->len, s, len);
	f->len += len;
	return 0;
}

size_t json_escape_buf(char *dst, size_t cap, const char *src, size_t len)
{
	struct fixed f = {dst, 0, cap};
	if (cap == 0)
		return 0;
	(void)json_escape(fixed_sink, &f, src, len);
	dst[f.len] = '\0';
	return f.len;
}
