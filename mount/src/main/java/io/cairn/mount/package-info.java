/**
 * {@code cairn mount}: the entry point the CLI calls ({@link io.cairn.mount.MountMain}), the checks
 * made before mounting, the FUSE options, and the wiring of one mount's parts.
 */
package io.cairn.mount;
