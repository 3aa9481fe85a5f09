/** Error codes shared by every process and the exception that carries one. */
package io.cairn.common.error;
