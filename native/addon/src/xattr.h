/*
 * Extended attributes, always through the l* calls: a symlink's own attributes
 * are read and written, never its target's (layers hold untrusted symlinks).
 */
#ifndef BERTH_NATIVE_XATTR_H
#define BERTH_NATIVE_XATTR_H

#include <node_api.h>

/* lsetxattr(path, name, value: Buffer | Uint8Array, flags = 0): void */
napi_value native_lsetxattr(napi_env env, napi_callback_info info);

/* lgetxattr(path, name): Buffer, or undefined when the attribute is absent (ENODATA). */
napi_value native_lgetxattr(napi_env env, napi_callback_info info);

/* llistxattr(path): string[] */
napi_value native_llistxattr(napi_env env, napi_callback_info info);

/* lremovexattr(path, name): void */
napi_value native_lremovexattr(napi_env env, napi_callback_info info);

#endif
