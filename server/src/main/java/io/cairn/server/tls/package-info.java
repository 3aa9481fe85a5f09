/**
 * TLS as a server sees it: its certificate and key from PEM files, the rule that plain HTTP is
 * served off loopback only when asked for, and the cluster CA that {@code cairn admin tls init} makes.
 */
package io.cairn.server.tls;
