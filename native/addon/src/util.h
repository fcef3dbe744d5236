/*
 * Small helpers shared by every file of the addon.
 */
#ifndef BERTH_NATIVE_UTIL_H
#define BERTH_NATIVE_UTIL_H

/* Frees *(void **)p; used through _cleanup_free_ so that every return path frees. */
void cleanup_freep(void *p);

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))

#endif
