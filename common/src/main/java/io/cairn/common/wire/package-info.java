/**
 * The JSON records of Cairn's HTTP API (/api/v1): what the master and datanodes accept and return,
 * and the {@link io.cairn.common.wire.Limits} on their sizes.
 */
package io.cairn.common.wire;
