/** Test fixtures: a fake master on a real socket, hand-written HTTP, waiting for other threads. */
package io.cairn.datanode.testing;
