package org.daisyjava.worker;

import java.nio.file.Path;
import org.daisyjava.core.BlockCode;

/**
 * Makes the {@link BlockCheck} a task's {@code check:} names. Checks run in the scheduler's process
 * (the launcher asks them before handing a block out), not in workers.
 */
public final class BlockChecks {
  private BlockChecks() {}

  /**
   * The check {@code check} describes:
   *
   * <ul>
   *   <li>{@code class: FQCN}: an instance of that class (no-argument constructor), which must
   *       implement {@link BlockCheck};
   *   <li>{@code command: CMD}: {@code /bin/sh -c CMD} with the block's {@code DAISY_*} environment
   *       (no {@code DAISY_ATTEMPT} or {@code DAISY_WORKER_ID}: no worker is involved); exit code 0
   *       means done, any other not done. Its stdout is discarded, its stderr passed through;
   *   <li>{@code stream: CMD}: one long-running {@code /bin/sh -c CMD} asked about each block on
   *       its stdin (the stream line format) that answers {@code {"block_id":N,"done":true}} or
   *       {@code false} ({@link StreamCheck}; in Python {@code daisy_stream.serve_check});
   *   <li>{@code builtin: touched} with option {@code dir}: done iff {@code dir/<task>/<block_id>}
   *       exists, the marker builtin {@code touch} leaves.
   * </ul>
   *
   * @param runDir the run directory, for {@code DAISY_RUN_DIR}; may be null
   * @param loader where {@code class:} checks are looked up; null means this library's loader
   * @throws IllegalArgumentException if the check cannot be made (unknown kind or builtin, missing
   *     option, class not found or of the wrong type); the message says which
   */
  public static BlockCheck create(BlockCode check, Path runDir, ClassLoader loader) {
    if (check == null) {
      throw new IllegalArgumentException("check must not be null");
    }
    return switch (check.kind()) {
      case CLASS -> UserClasses.instantiate(check.value(), BlockCheck.class,
          loader != null ? loader : BlockChecks.class.getClassLoader(), "check");
      case COMMAND -> new CommandCheck(check.value(), runDir);
      case BUILTIN -> {
        if (!check.value().equals("touched")) {
          throw new IllegalArgumentException(
              "check: unknown builtin '" + check.value() + "' (known: touched)");
        }
        yield new TouchedCheck(DoneMarker.dirOption(check));
      }
      case STREAM -> new StreamCheck(check.value(), runDir);
    };
  }
}
