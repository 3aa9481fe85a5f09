/**
 * The FUSE adapter: kernel file calls become metadata calls to the master and chunk transfers to
 * datanodes, with per-file write buffers, a read cache and an attribute cache.
 */
package io.cairn.mount;
