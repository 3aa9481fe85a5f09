/**
 * Tests of {@code cairn mount} through the kernel: this module's MountMain in a child JVM, mounted
 * on a temp directory over a {@link io.cairn.it.MiniCluster}, driven by the commands people run.
 */
package io.cairn.it.mount;
