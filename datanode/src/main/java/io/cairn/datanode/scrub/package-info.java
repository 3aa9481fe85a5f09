/**
 * The background scrubber: re-reads every stored chunk slowly, checks it against the size, CRC32C
 * and block sums recorded when it was stored, and reports the ones that fail, and the ones a read
 * found bad ({@link io.cairn.datanode.scrub.BadChunks}), to the master.
 */
package io.cairn.datanode.scrub;
