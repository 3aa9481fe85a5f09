/**
 * {@code cairn bench}: the same workloads on several directories in one run, interleaved step by
 * step, with a ratio for each compared directory. It measures any directory: a Cairn mount, a
 * local disk, bindfs, NFS, another cluster's mount.
 */
package io.cairn.cli.bench;
