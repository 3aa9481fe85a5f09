/**
 * The datanode's HTTP API (/api/v1/chunks, /api/v1/sync and /api/v1/status behind chunk tokens,
 * /healthz open) as route groups of the shared server layer ({@code io.cairn.server}), which maps
 * errors and bounds bodies.
 */
package io.cairn.datanode.http;
