/**
 * The datanode's data directory on disk: its identity files (node-id, cluster-id) and the chunk
 * files themselves, written through a temp file, checked, synced and renamed into place, each next
 * to a sidecar with its size and CRC32C so that it can be checked again later. {@link
 * io.cairn.datanode.store.ChunkStore} is the public face; each job behind it has its own class.
 */
package io.cairn.datanode.store;
