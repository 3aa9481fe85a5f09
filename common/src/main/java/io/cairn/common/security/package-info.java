/**
 * Who may call whom: secret files kept as ssh keeps keys (mode 0600, a looser one refused), bearer
 * tokens and their hashes, the per-datanode key derived from the cluster key, the signature a
 * datanode puts on every request it sends a master, and the chunk tokens a master mints for the
 * datanodes to check on their own; and the uid and groups a client says it acts as ({@link Caller}).
 */
package io.cairn.common.security;
