/** The shared Jackson mapper, configured once for every process. */
package io.cairn.common.json;
