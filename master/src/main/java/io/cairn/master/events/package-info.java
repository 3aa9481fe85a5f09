/**
 * What happened to the cluster (datanodes coming, dying, returning, filling up, draining; repair;
 * corruption; safe mode), kept in the metadata store with a bounded size and served to clients.
 */
package io.cairn.master.events;
