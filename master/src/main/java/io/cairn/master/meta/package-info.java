/**
 * Where the namespace is stored: the {@code MetadataStore} and {@code MetaTx} interfaces (and the
 * contract they state), one JDBC implementation over a small {@code Dialect} (SQLite now), the schema.
 */
package io.cairn.master.meta;
