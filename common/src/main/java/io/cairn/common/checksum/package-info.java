/**
 * CRC32C, the one checksum Cairn puts on chunks: of bytes in memory, and of a stream or channel
 * read block by block (with an optional pacing callback). Every CRC32C in Cairn is computed here.
 */
package io.cairn.common.checksum;
