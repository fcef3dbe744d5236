/** Sniffing whether bytes are text, to keep binary blobs off a terminal. */

/** Bytes inspected, as git's buffer_is_binary does. */
const SNIFF = 8000;

/** Reports whether `data` looks binary: a NUL byte within its first 8000 bytes (git's heuristic). */
export function looksBinary(data: Uint8Array): boolean {
  return data.subarray(0, SNIFF).includes(0);
}
