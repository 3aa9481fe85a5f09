/** Sizes and durations as people write them on the command line. */
package io.cairn.common.units;
