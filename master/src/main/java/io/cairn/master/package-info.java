/** The master process: its configuration and the server that ties the namespace, placement and membership together. */
package io.cairn.master;
