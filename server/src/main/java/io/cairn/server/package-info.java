/**
 * The HTTP layer the master and the datanodes share: route groups behind guards, bounded bodies,
 * the wire-version check, and the one mapping from exceptions to JSON error replies.
 */
package io.cairn.server;
