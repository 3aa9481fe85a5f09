/** Test fixtures of the datanode: a fake master on a real socket, hand-written HTTP. */
package io.cairn.datanode.testing;
