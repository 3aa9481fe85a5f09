/** Where a new chunk's replicas go: round-robin over live datanodes with room. */
package io.cairn.master.placement;
