/** The background scrubber: re-reads chunks slowly and reports the ones that fail their checksum. */
package io.cairn.datanode.scrub;
