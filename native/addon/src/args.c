#include "args.h"

#include "errors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool args_get(napi_env env, napi_callback_info info, size_t n, napi_value *argv)
{
	size_t argc = n;
	/* N-API fills missing arguments with undefined up to argc. */
	return napi_ok_or_throw(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
}

static bool is_type(napi_env env, napi_value v, napi_valuetype want, bool *yes)
{
	napi_valuetype t;
	if (!napi_ok_or_throw(env, napi_typeof(env, v, &t)))
		return false;
	*yes = t == want;
	return true;
}

bool arg_string(napi_env env, napi_value v, const char *what, char **out)
{
	size_t len = 0;
	bool ok;

	*out = NULL;
	if (!is_type(env, v, napi_string, &ok))
		return false;
	if (!ok) {
		throw_arg_error(env, what, "a string");
		return false;
	}
	if (!napi_ok_or_throw(env, napi_get_value_string_utf8(env, v, NULL, 0, &len)))
		return false;
	char *buf = malloc(len + 1);
	if (!buf) {
		throw_errno(env, ENOMEM, "malloc", NULL);
		return false;
	}
	if (!napi_ok_or_throw(env, napi_get_value_string_utf8(env, v, buf, len + 1, &len))) {
		free(buf);
		return false;
	}
	if (strlen(buf) != len) {
		free(buf);
		throw_arg_error(env, what, "a string without null bytes");
		return false;
	}
	*out = buf;
	return true;
}

bool arg_string_or_null(napi_env env, napi_value v, const char *what, char **out)
{
	napi_valuetype t;

	*out = NULL;
	if (!napi_ok_or_throw(env, napi_typeof(env, v, &t)))
		return false;
	if (t == napi_null || t == napi_undefined)
		return true;
	return arg_string(env, v, what, out);
}

bool arg_uint32(napi_env env, napi_value v, const char *what, bool optional, uint32_t dflt,
		uint32_t *out)
{
	napi_valuetype t;

	if (!napi_ok_or_throw(env, napi_typeof(env, v, &t)))
		return false;
	if (optional && t == napi_undefined) {
		*out = dflt;
		return true;
	}
	if (t != napi_number) {
		throw_arg_error(env, what, "a number");
		return false;
	}
	return napi_ok_or_throw(env, napi_get_value_uint32(env, v, out));
}

bool arg_bytes(napi_env env, napi_value v, const char *what, void **data, size_t *len)
{
	napi_typedarray_type type = napi_int8_array;
	bool is_array = false;

	if (!napi_ok_or_throw(env, napi_is_typedarray(env, v, &is_array)))
		return false;
	if (is_array &&
	    !napi_ok_or_throw(env, napi_get_typedarray_info(env, v, &type, len, data, NULL, NULL)))
		return false;
	if (!is_array || type != napi_uint8_array) {
		throw_arg_error(env, what, "a Buffer or Uint8Array");
		return false;
	}
	return true;
}
