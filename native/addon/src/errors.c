/* strerrorname_np needs _GNU_SOURCE, which binding.gyp defines for every file. */
#include "errors.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool set_string(napi_env env, napi_value obj, const char *key, const char *value)
{
	napi_value v;
	return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok &&
	       napi_set_named_property(env, obj, key, v) == napi_ok;
}

static char *format_message(int errnum, const char *syscall, const char *path)
{
	const char *reason = strerror(errnum);
	const char *sep = path ? " " : "";
	const char *p = path ? path : "";
	int len = snprintf(NULL, 0, "%s%s%s: %s", syscall, sep, p, reason);
	char *msg = len < 0 ? NULL : malloc((size_t)len + 1);
	if (msg)
		snprintf(msg, (size_t)len + 1, "%s%s%s: %s", syscall, sep, p, reason);
	return msg;
}

napi_value throw_errno(napi_env env, int errnum, const char *syscall, const char *path)
{
	/* strerrorname_np (glibc >= 2.32) gives the symbolic name Node uses as .code. */
	const char *name = strerrorname_np(errnum);
	_cleanup_free_ char *msg = format_message(errnum, syscall, path);
	napi_value code, message, err, errno_value;

	if (!name)
		name = "EUNKNOWN";
	if (!msg) {
		napi_throw_error(env, name, syscall);
		return NULL;
	}
	if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok ||
	    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok ||
	    napi_create_error(env, code, message, &err) != napi_ok ||
	    napi_create_int32(env, errnum, &errno_value) != napi_ok ||
	    napi_set_named_property(env, err, "errno", errno_value) != napi_ok ||
	    !set_string(env, err, "syscall", syscall) ||
	    (path && !set_string(env, err, "path", path))) {
		/* Out of JS heap or similar: a plainer error is better than none. */
		napi_throw_error(env, name, msg);
		return NULL;
	}
	napi_throw(env, err);
	return NULL;
}

napi_value throw_arg_error(napi_env env, const char *what, const char *expected)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "%s must be %s", what, expected);
	napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
	return NULL;
}

bool napi_ok_or_throw(napi_env env, napi_status status)
{
	const napi_extended_error_info *info = NULL;
	bool pending = false;

	if (status == napi_ok)
		return true;
	/* NOTE: read the error info first: every later N-API call overwrites it. */
	napi_get_last_error_info(env, &info);
	const char *reason = info && info->error_message ? info->error_message : NULL;
	if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
		return false;
	napi_throw_error(env, "ERR_NAPI", reason ? reason : "N-API call failed");
	return false;
}
