/**
 * Leases on chunks a writer allocated and has not committed yet: granted with the allocation,
 * renewed by the writer, checked by the commit and by the orphan collector.
 */
package io.cairn.master.lease;
