/**
 * The client library: typed calls to the master, chunk transfers to datanodes, the owner of a file's
 * new chunks from allocation to commit ({@code FileChunks}), paged chunk lists, streaming upload and download.
 */
package io.cairn.common.client;
