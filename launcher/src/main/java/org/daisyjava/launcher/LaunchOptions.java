package org.daisyjava.launcher;

import java.nio.file.Path;

/**
 * What the user asked for on the {@code daisy-launch} command line; null fields were not given
 * and fall back to the config.
 */
public record LaunchOptions(
    Path config,
    String backend,
    boolean resume,
    boolean dryRun,
    Path runDir,
    String ssh,
    boolean quiet) {}
