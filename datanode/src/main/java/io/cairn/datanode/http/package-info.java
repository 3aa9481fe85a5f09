/**
 * The datanode's HTTP API (/api/v1/chunks, /api/v1/sync and /api/v1/status behind chunk tokens,
 * /healthz open) as route groups of the shared server layer ({@code io.cairn.server}), which maps
 * errors and bounds bodies. A GET with a Range header is a ranged read checked block by block.
 */
package io.cairn.datanode.http;
