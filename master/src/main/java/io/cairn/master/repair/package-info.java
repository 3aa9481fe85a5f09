/** Keeping data safe after failures: safe mode, the repair planner and loop, and fsck. */
package io.cairn.master.repair;
