/**
 * Who may call whom: secret files kept as ssh keeps keys (mode 0600, a looser one refused), bearer
 * tokens and their hashes, the per-datanode key derived from the cluster key, and the signature a
 * datanode puts on every request it sends a master.
 */
package io.cairn.common.security;
