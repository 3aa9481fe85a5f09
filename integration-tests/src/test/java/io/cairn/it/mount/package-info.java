/**
 * Tests of {@code cairn mount} through the kernel: {@link io.cairn.it.mount.Mounted} runs the real
 * command ({@code bin/cairn mount}) as a child process on a temp directory, over a
 * {@link io.cairn.it.MiniCluster} or a {@link io.cairn.it.ProcessCluster}, driven by the commands
 * people run; {@code DemoIT} checks {@code cairn demo}.
 */
package io.cairn.it.mount;
