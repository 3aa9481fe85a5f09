package io.cairn.mount;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What {@code cairn mount} was asked for. */
public record MountSettings(Path mountPoint, String masterUrl, List<String> extraOptions, Duration attrTimeout,
                            Duration timeout, boolean debug) {
}
