package io.cairn.cli.bench;

import java.nio.file.Path;

/**
 * A directory under test: its label in the table, the directory given, and the scratch directory
 * inside it that this run works in (and removes at the end).
 */
record Target(String label, Path dir, Path scratch) {
}
