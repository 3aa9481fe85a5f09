/**
 * The datanode's side of cluster membership: register with the master, report every chunk, then
 * heartbeat and carry out the work the replies hand back (deletes, copies).
 */
package io.cairn.datanode.membership;
