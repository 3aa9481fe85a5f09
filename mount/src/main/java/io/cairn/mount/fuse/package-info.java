/**
 * The kernel edge: the jnr-fuse adapter that turns each FUSE callback into namespace and open-file
 * calls, and the translations it needs (errno mapping, stat and statfs filling, times, open flags).
 */
package io.cairn.mount.fuse;
