/*
 * Reading JS arguments. Each getter returns false with a pending TypeError when
 * the argument has the wrong type, so callbacks chain them with && and return NULL.
 */
#ifndef BERTH_NATIVE_ARGS_H
#define BERTH_NATIVE_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills argv[0..n); arguments the caller did not pass read as undefined. */
bool args_get(napi_env env, napi_callback_info info, size_t n, napi_value *argv);

/*
 * Copies a string argument into a malloc'd, NUL-terminated buffer (*out, caller frees).
 * Strings with an embedded NUL are refused: the kernel would silently cut them.
 */
bool arg_string(napi_env env, napi_value v, const char *what, char **out);

/* Like arg_string, but null and undefined give *out = NULL. */
bool arg_string_or_null(napi_env env, napi_value v, const char *what, char **out);

/*
 * Reads a number as uint32 (out-of-range values wrap as with `>>> 0`, so flags
 * built with `|` that set bit 31 still work). undefined gives dflt when optional.
 */
bool arg_uint32(napi_env env, napi_value v, const char *what, bool optional, uint32_t dflt,
		uint32_t *out);

/* Points data and len at the bytes of a Buffer or Uint8Array (no copy). */
bool arg_bytes(napi_env env, napi_value v, const char *what, void **data, size_t *len);

#endif
