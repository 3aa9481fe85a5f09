/**
 * The datanode's HTTP API (/api/v1/chunks, /api/v1/status) on Javalin, and the one place where
 * exceptions become JSON error bodies.
 */
package io.cairn.datanode.http;
