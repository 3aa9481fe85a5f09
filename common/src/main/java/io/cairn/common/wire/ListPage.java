package io.cairn.common.wire;

import java.util.List;

/** One page of a directory listing, in name order; {@code next} is the cursor of the next page or null. */
public record ListPage(List<DirEntry> entries, String next) {
}
