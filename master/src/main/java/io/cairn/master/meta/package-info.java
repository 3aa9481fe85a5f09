/** Where the namespace is stored: the metadata store interface, its SQLite implementation and schema. */
package io.cairn.master.meta;
