/**
 * The datanode's HTTP API (/api/v1/chunks, /api/v1/sync, /api/v1/status) as route groups of the
 * shared server layer ({@code io.cairn.server}), which maps errors and bounds bodies.
 */
package io.cairn.datanode.http;
