/**
 * Fixtures every module's tests share: {@link io.cairn.testing.ManualClock} (time a test moves),
 * {@link io.cairn.testing.Eventually} (waiting on a real condition, with a deadline),
 * {@link io.cairn.testing.TcpProxy} (a link a test can cut) and {@link io.cairn.testing.Threads}.
 */
package io.cairn.testing;
