/**
 * Open files: the handle table, each open inode's write buffers and background chunk uploads (through
 * the client library's {@code FileChunks}), its cached chunk layout, and the mount-wide bound on dirty
 * memory.
 */
package io.cairn.mount.file;
