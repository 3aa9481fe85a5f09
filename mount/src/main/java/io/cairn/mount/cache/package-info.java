/**
 * The mount's read cache: whole chunks by chunk id (chunks are immutable, so an entry never goes
 * stale), a small LRU bounded by count, with background read-ahead.
 */
package io.cairn.mount.cache;
