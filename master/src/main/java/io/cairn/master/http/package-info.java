/**
 * The master's HTTP API (/api/v1) as route groups of the shared server layer: namespace, chunk
 * lists, membership, bad replicas, administration.
 */
package io.cairn.master.http;
