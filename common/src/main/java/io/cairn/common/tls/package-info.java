/**
 * TLS as a client sees it: which certificate authorities it trusts for https:// servers, and the
 * one-line explanation of a handshake that failed.
 */
package io.cairn.common.tls;
