package io.emporium.deploy.embedded;

import java.io.IOException;

/**
 * Ends an embedded server's process when this JVM dies, even by SIGKILL: a small shell blocks
 * reading a pipe from this JVM, and the pipe's end-of-file (the kernel closes it with the JVM)
 * makes it signal the server, then kill it if it is still there after a grace period.
 */
final class ChildWatchdog implements AutoCloseable {
  private static final String SCRIPT =
      """
      read _
      kill -"$2" "$1" 2>/dev/null || exit 0
      i=0
      while [ "$i" -lt "$3" ] && kill -0 "$1" 2>/dev/null; do sleep 1; i=$((i+1)); done
      kill -KILL "$1" 2>/dev/null
      exit 0""";

  private final Process shell;

  private ChildWatchdog(Process shell) {
    this.shell = shell;
  }

  /**
   * Watches {@code pid}: on this JVM's death it gets {@code signal}, then SIGKILL after {@code
   * graceSeconds}.
   */
  static ChildWatchdog watch(long pid, String signal, int graceSeconds) throws IOException {
    Process shell =
        new ProcessBuilder(
                "sh",
                "-c",
                SCRIPT,
                "emporium-watchdog",
                Long.toString(pid),
                signal,
                Integer.toString(graceSeconds))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    return new ChildWatchdog(shell);
  }

  /**
   * Stands the watchdog down once the server was stopped on purpose (its pid may be reused later).
   */
  @Override
  public void close() {
    shell.destroyForcibly();
  }
}
