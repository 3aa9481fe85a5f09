/** The mount's side of locks across mounts: its session with the master, and the locks its processes hold. */
package io.cairn.mount.locks;
