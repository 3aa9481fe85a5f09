/**
 * The cluster as an operator sees it: status, datanodes, decommissioning, fsck and metadata
 * backups ({@link io.cairn.master.cluster.ClusterAdmin}).
 */
package io.cairn.master.cluster;
