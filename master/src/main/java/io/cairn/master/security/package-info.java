/**
 * Who may call the master: the cluster key and the first admin token in the data directory, the
 * token store, the guards every route group runs, and the enrollment of datanodes.
 */
package io.cairn.master.security;
