/**
 * Locks that hold across mounts: POSIX record locks and flock locks, kept in the metadata store per
 * inode and owned by a mount's session, which the mount renews and which releases its locks when it
 * lapses.
 */
package io.cairn.master.locks;
