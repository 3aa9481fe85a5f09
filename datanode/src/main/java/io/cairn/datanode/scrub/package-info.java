/**
 * The background scrubber: re-reads every stored chunk slowly, checks it against the size and
 * CRC32C recorded when it was stored, and reports the ones that fail to the master.
 */
package io.cairn.datanode.scrub;
