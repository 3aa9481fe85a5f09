/** The JSON records of Cairn's HTTP API (/api/v1): what the master and datanodes accept and return. */
package io.cairn.common.wire;
