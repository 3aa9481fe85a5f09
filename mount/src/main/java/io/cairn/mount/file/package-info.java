/**
 * Open files: the handle table, each open inode's write buffers and background chunk uploads, its
 * cached chunk layout, and the mount-wide bound on dirty memory.
 */
package io.cairn.mount.file;
