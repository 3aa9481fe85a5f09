/**
 * The Cairn datanode: {@link io.cairn.datanode.DatanodeServer} ties the chunk store, its HTTP API and
 * the membership loop together; {@link io.cairn.datanode.DatanodeConfig} is its whole configuration.
 */
package io.cairn.datanode;
