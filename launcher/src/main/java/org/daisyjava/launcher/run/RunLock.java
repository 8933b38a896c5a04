package org.daisyjava.launcher.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.daisyjava.launcher.ExitCode;

/**
 * {@code run_dir/lock}: one launcher per run directory. The owner of this file's format.
 *
 * <p>The lock is an exclusive {@link FileChannel#tryLock()} on the file, held from before the
 * launcher writes anything into the run directory until it exits. The operating system releases
 * it when the process dies, however it dies, so a launcher that was killed never blocks the next
 * one; that is what makes a stale lock recognisable: the lock can be taken, but the file still
 * holds the dead holder's record.
 *
 * <p>The file's text is one line, {@code daisy-launch pid PID on host HOST since INSTANT}, the
 * holder's record, written after the lock is taken and emptied (through the same channel) just
 * before a clean release. It only feeds messages: a second launcher names the holder, and a new
 * holder that finds a record left behind says that it replaced a stale one. Nothing decides on
 * its content. The file itself is never deleted: deleting a lock file lets a process that opened
 * the old file lock it while another creates and locks a new one, so two would hold "the" lock.
 *
 * <p>Two rules of POSIX record locks (which the JDK uses on Linux) shape this class. A process
 * loses every lock it holds on a file when it closes <em>any</em> descriptor of that file, so the
 * holder never opens the file a second time (the record is written and read through the locking
 * channel only; the checks of {@link #stillInPlace} use {@code stat}, which opens nothing). And
 * locks belong to processes, not channels, so two launches in one JVM (tests, the library API)
 * are told apart by {@link #HELD_HERE} before the file is opened.
 *
 * <p>Network file systems: {@code fcntl} locks over NFS go through the lock manager (NFSv3) or
 * the protocol itself (v4) and are usually honoured, but a client mounted with {@code nolock}
 * grants every lock locally, and then two launchers on different hosts could both run. The
 * record is the fallback there: whoever looks at the file sees who else claims the directory.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RunLock.class.getName());
  /** Lock files held by launches of this JVM (normalized absolute paths). */
  private static final Set<String> HELD_HERE = ConcurrentHashMap.newKeySet();
  /** A record longer than this is not ours; only its start is quoted. */
  private static final int MAX_RECORD = 512;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object fileKey;
  /** The record a holder that died left behind, or null. */
  private final String staleRecord;
  private boolean released;

  private RunLock(Path file, FileChannel channel, FileLock lock, Object fileKey, String staleRecord) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
    this.staleRecord = staleRecord;
  }

  /**
   * Logs (once the run's log file is attached, so it lands in daisy-launch.log too) that a stale
   * record was replaced, if one was.
   */
  public void logTakeOver() {
    if (staleRecord != null) {
      LOG.warning("replaced a stale holder record in " + file + " ('" + staleRecord + "'): that"
          + " launcher ended without releasing the run directory (killed, or its machine went"
          + " down); the operating system had already released its lock");
    }
  }

  /**
   * Takes the lock on {@code file} (created if missing; its directory must exist), or throws
   * exit-code-2 naming the holder.
   */
  static RunLock acquire(Path file, Path runDir) throws LaunchException {
    String key = file.toAbsolutePath().normalize().toString();
    if (!HELD_HERE.add(key)) {
      throw inUse(runDir, "another launch in this process (pid " + ProcessHandle.current().pid() + ")");
    }
    FileChannel channel = null;
    boolean held = false;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this JVM holds it through a channel we do not know of
      }
      if (lock == null) {
        String holder = readRecord(channel);
        throw inUse(runDir, holder.isEmpty()
            ? "another daisy-launch that has not written its record yet" : holder);
      }
      String stale = readRecord(channel);
      writeRecord(channel, record());
      Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      RunLock runLock = new RunLock(file, channel, lock, fileKey, stale.isEmpty() ? null : stale);
      held = true; // the channel belongs to runLock now
      return runLock;
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot lock run directory " + runDir + " ("
          + file + "): " + LaunchException.describe(e), e);
    } finally {
      if (!held) {
        HELD_HERE.remove(key);
        if (channel != null) {
          try {
            channel.close(); // also releases a lock taken before a failed record write
          } catch (IOException e) {
            // nothing more to release
          }
        }
      }
    }
  }

  /**
   * Refuses (exit code 2, naming the holder) if a launcher holds the lock on {@code file} right
   * now; changes nothing (a missing file is not created). Lets a second launcher say "in use"
   * rather than whatever the live run's files make it conclude. A launcher that takes the lock
   * during this probe's instant finds it held and refuses too, so a race errs on the safe side.
   */
  static void refuseIfHeld(Path file, Path runDir) throws LaunchException {
    if (HELD_HERE.contains(file.toAbsolutePath().normalize().toString())) {
      // opening and closing the file here would drop this process's own lock (see class doc)
      throw inUse(runDir, "another launch in this process (pid " + ProcessHandle.current().pid() + ")");
    }
    if (!Files.isRegularFile(file)) {
      return;
    }
    String holder = null;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true); // shared: a read-only channel
      if (probe == null) {
        holder = readRecord(channel);
      } else {
        probe.release();
      }
    } catch (OverlappingFileLockException e) {
      holder = "another launch in this process";
    } catch (IOException e) {
      return; // cannot probe (e.g. no read permission): acquire() will say what is wrong
    }
    if (holder != null) {
      throw inUse(runDir, holder.isEmpty() ? "another daisy-launch that has not written its record yet" : holder);
    }
  }

  private static LaunchException inUse(Path runDir, String holder) {
    return new LaunchException(ExitCode.USAGE, "run dir " + runDir + " is in use by " + holder
        + "; wait for it to end (or stop it) before starting or resuming this run");
  }

  /** This process's record: {@code daisy-launch pid 1234 on host h since 2026-…Z}. */
  private static String record() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "an unknown host";
    }
    return "daisy-launch pid " + ProcessHandle.current().pid() + " on host " + host + " since "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  /** The record in the file, cut to one printable line. */
  private static String readRecord(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(MAX_RECORD);
    while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
      // read until full or end of file
    }
    String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c); // someone else's bytes: keep the message one line
    }
    return out.toString();
  }

  private static void writeRecord(FileChannel channel, String text) throws IOException {
    channel.truncate(0);
    ByteBuffer buf = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf, buf.position());
    }
    channel.force(false);
  }

  /**
   * True while {@code run_dir/lock} is still the file this lock holds. False once the run
   * directory was deleted, moved away or replaced: the launcher no longer owns the place its
   * files go to, and anything it writes there lands in an orphaned directory or fails.
   */
  public boolean stillInPlace() {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return Objects.equals(a.fileKey(), fileKey);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true; // cannot tell (e.g. a slow NFS hiccup); the next check may
    }
  }

  public Path file() {
    return file;
  }

  /** Empties the record (a clean end leaves no stale record) and releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      if (stillInPlace()) {
        channel.truncate(0);
        channel.force(false);
      }
    } catch (IOException e) {
      LOG.warning("cannot clear the holder record in " + file + ": " + LaunchException.describe(e)
          + " (the next launcher will call it stale)");
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warning("closing " + file + " failed: " + LaunchException.describe(e));
    }
    HELD_HERE.remove(file.toAbsolutePath().normalize().toString());
  }
}
