package org.daisyjava.worker;

import java.nio.file.Path;
import java.util.Map;
import org.daisyjava.core.Block;

/**
 * The {@code DAISY_*} environment variables that tell a {@code command}, {@code stream} or
 * {@code check} process which block and worker it serves (see the contract's table).
 */
final class DaisyEnvironment {
  private DaisyEnvironment() {}

  /** What a process needs to know about the worker: task, worker id, slot, run directory. */
  static void putWorker(Map<String, String> env, WorkerContext context) {
    env.put("DAISY_TASK", context.task());
    env.put("DAISY_WORKER_ID", Long.toString(context.workerId()));
    env.put("DAISY_SLOT", Integer.toString(context.slot()));
    putRunDir(env, context.runDir());
  }

  /** The run directory as an absolute path; nothing if it is unknown. */
  static void putRunDir(Map<String, String> env, Path runDir) {
    if (runDir != null) {
      env.put("DAISY_RUN_DIR", runDir.toAbsolutePath().toString());
    }
  }

  /** What a process needs to know about one block: its task, id and ROIs. */
  static void putBlock(Map<String, String> env, Block block) {
    env.put("DAISY_TASK", block.task());
    env.put("DAISY_BLOCK_ID", Long.toString(block.id()));
    env.put("DAISY_READ_OFFSET", block.readRoi().begin().toCsv());
    env.put("DAISY_READ_SHAPE", block.readRoi().shape().toCsv());
    env.put("DAISY_WRITE_OFFSET", block.writeRoi().begin().toCsv());
    env.put("DAISY_WRITE_SHAPE", block.writeRoi().shape().toCsv());
  }

  static void putAttempt(Map<String, String> env, int attempt) {
    env.put("DAISY_ATTEMPT", Integer.toString(attempt));
  }
}
