/** The namespace rules (paths, directories, links, rename, attributes) and files' chunk lists. */
package io.cairn.master.namespace;
