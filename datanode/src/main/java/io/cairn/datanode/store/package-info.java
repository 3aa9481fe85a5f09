/**
 * The datanode's data directory on disk: its identity files (node-id, cluster-id) and the chunk
 * files themselves, written through a temp file, checked, synced and renamed into place.
 */
package io.cairn.datanode.store;
