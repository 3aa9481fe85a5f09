/** Cluster membership: which datanodes exist, where they are, which are alive, and their reports. */
package io.cairn.master.membership;
