/**
 * The mount's Prometheus metrics ({@code --metrics-port}): FUSE calls, remote calls, caches, dirty
 * memory and uploads, and the JVM, in a registry of the mount's own, served at {@code /metrics}.
 */
package io.cairn.mount.metrics;
