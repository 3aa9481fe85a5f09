/** Datanodes in processes of their own: killed with SIGKILL and restarted, and traced with strace. */
package io.cairn.datanode.crash;
