#include "xattr.h"

#include "args.h"
#include "errors.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>

/* Another process may grow the value between the size query and the read (ERANGE). */
#define XATTR_READ_ATTEMPTS 8

/*
 * Reads a whole value or name list: asks for the size, then reads, retrying on ERANGE.
 * name NULL lists names. On success *out is malloc'd (NULL when the length is 0).
 */
static ssize_t read_sized(const char *path, const char *name, char **out)
{
	*out = NULL;
	for (int attempt = 0; attempt < XATTR_READ_ATTEMPTS; attempt++) {
		ssize_t size = name ? lgetxattr(path, name, NULL, 0) : llistxattr(path, NULL, 0);
		if (size <= 0)
			return size;
		char *buf = malloc((size_t)size);
		if (!buf) {
			errno = ENOMEM;
			return -1;
		}
		ssize_t n = name ? lgetxattr(path, name, buf, (size_t)size)
				 : llistxattr(path, buf, (size_t)size);
		if (n >= 0) {
			*out = buf;
			return n;
		}
		free(buf);
		if (errno != ERANGE)
			return -1;
	}
	errno = ERANGE;
	return -1;
}

napi_value native_lsetxattr(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *name = NULL;
	void *value = NULL;
	size_t len = 0;
	uint32_t flags;

	if (!args_get(env, info, 4, argv) || !arg_string(env, argv[0], "path", &path) ||
	    !arg_string(env, argv[1], "name", &name) ||
	    !arg_bytes(env, argv[2], "value", &value, &len) ||
	    !arg_uint32(env, argv[3], "flags", true, 0, &flags))
		return NULL;
	if (lsetxattr(path, name, value, len, (int)flags) < 0)
		return throw_errno(env, errno, "lsetxattr", path);
	return NULL;
}

napi_value native_lgetxattr(napi_env env, napi_callback_info info)
{
	napi_value argv[2], result;
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *name = NULL;
	_cleanup_free_ char *value = NULL;

	if (!args_get(env, info, 2, argv) || !arg_string(env, argv[0], "path", &path) ||
	    !arg_string(env, argv[1], "name", &name))
		return NULL;
	ssize_t n = read_sized(path, name, &value);
	if (n < 0 && errno == ENODATA)
		return NULL; /* absent: undefined, the common case for opaque markers */
	if (n < 0)
		return throw_errno(env, errno, "lgetxattr", path);
	if (!napi_ok_or_throw(env, napi_create_buffer_copy(env, (size_t)n, value ? value : "", NULL,
							   &result)))
		return NULL;
	return result;
}

napi_value native_llistxattr(napi_env env, napi_callback_info info)
{
	napi_value argv[1], result, item;
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *names = NULL;
	uint32_t count = 0;

	if (!args_get(env, info, 1, argv) || !arg_string(env, argv[0], "path", &path))
		return NULL;
	ssize_t n = read_sized(path, NULL, &names);
	if (n < 0)
		return throw_errno(env, errno, "llistxattr", path);
	if (!napi_ok_or_throw(env, napi_create_array(env, &result)))
		return NULL;
	/* The list is "name\0name\0…"; the kernel always ends it with a NUL. */
	for (ssize_t off = 0; off < n; count++) {
		size_t len = strnlen(names + off, (size_t)(n - off));
		if (!napi_ok_or_throw(env, napi_create_string_utf8(env, names + off, len, &item)) ||
		    !napi_ok_or_throw(env, napi_set_element(env, result, count, item)))
			return NULL;
		off += (ssize_t)len + 1;
	}
	return result;
}

napi_value native_lremovexattr(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *name = NULL;

	if (!args_get(env, info, 2, argv) || !arg_string(env, argv[0], "path", &path) ||
	    !arg_string(env, argv[1], "name", &name))
		return NULL;
	if (lremovexattr(path, name) < 0)
		return throw_errno(env, errno, "lremovexattr", path);
	return NULL;
}
