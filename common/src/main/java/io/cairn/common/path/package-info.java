/** Rules for names, paths and ids that arrive from the wire. */
package io.cairn.common.path;
