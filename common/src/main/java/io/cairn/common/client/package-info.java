/** The client library: typed calls to the master, chunk transfers to datanodes, streaming upload and download. */
package io.cairn.common.client;
