package io.emporium.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Heap in use right after a full GC, and resident set size, of one JVM: another process (through
 * {@code jcmd} and {@code jstat} from the JDK, so it must run as the same user) or this one.
 * Blocking: call it on a worker.
 */
record MemoryReading(long heapUsedBytes, long rssBytes) {
  // survivor, eden and old generation in use (KiB); jstat names them the same for Serial, Parallel
  // and G1
  private static final Set<String> HEAP_USED = Set.of("S0U", "S1U", "EU", "OU");

  static MemoryReading ofProcess(long pid) {
    String id = Long.toString(pid);
    // twice: what the first collection's cleaners and reference handlers let go is gone after the
    // second
    run("jcmd", id, "GC.run");
    run("jcmd", id, "GC.run");
    List<String> gc = run("jstat", "-gc", id);
    String[] names = gc.get(0).trim().split("\\s+");
    String[] values = gc.get(gc.size() - 1).trim().split("\\s+");
    double kib = 0;
    for (int i = 0; i < names.length && i < values.length; i++) {
      if (HEAP_USED.contains(names[i])) {
        kib += Double.parseDouble(values[i]);
      }
    }
    return new MemoryReading((long) (kib * 1024), rss(Path.of("/proc", id, "status")));
  }

  static MemoryReading ofThisJvm() {
    System.gc();
    System.gc();
    return new MemoryReading(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
        rss(Path.of("/proc/self/status")));
  }

  /** The growth from {@code before} to this reading, per connection, in KiB: heap, then RSS. */
  String perConnection(MemoryReading before, int connections) {
    return String.format(
        "heap %+.1f KiB, RSS %+.1f KiB",
        (heapUsedBytes - before.heapUsedBytes) / 1024.0 / connections,
        (rssBytes - before.rssBytes) / 1024.0 / connections);
  }

  @Override
  public String toString() {
    return String.format(
        "heap after GC %6.1f MiB  RSS %6.1f MiB", heapUsedBytes / 1048576.0, rssBytes / 1048576.0);
  }

  private static long rss(Path status) {
    try {
      return Files.readAllLines(status).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no VmRSS in " + status));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + status + ": " + e.getMessage(), e);
    }
  }

  private static List<String> run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> out =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed: " + String.join(" / ", out));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
    }
  }
}
