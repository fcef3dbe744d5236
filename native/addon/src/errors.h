/*
 * Turning failures into pending JS exceptions. Every function returns NULL, so a
 * callback can end with `return throw_errno(...)`, which JS sees as a throw.
 */
#ifndef BERTH_NATIVE_ERRORS_H
#define BERTH_NATIVE_ERRORS_H

#include <node_api.h>
#include <stdbool.h>

/*
 * Throws an Error shaped like Node's system errors: message "<syscall> <path>: <strerror>",
 * .code the errno name ("EPERM"), .errno the positive errno value, .syscall, and .path
 * (omitted when path is NULL).
 */
napi_value throw_errno(napi_env env, int errnum, const char *syscall, const char *path);

/* Throws a TypeError with code ERR_INVALID_ARG_TYPE: "<what> must be <expected>". */
napi_value throw_arg_error(napi_env env, const char *what, const char *expected);

/*
 * Returns true if status is napi_ok. Otherwise makes sure an exception is pending
 * (N-API may fail without throwing) and returns false.
 */
bool napi_ok_or_throw(napi_env env, napi_status status);

#endif
