package io.emporium.deploy.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/** A real Redis server process started from the JVM; it is a cache, so it keeps nothing on disk. */
public final class EmbeddedRedisServer implements AutoCloseable {
  private final int port;
  private final Process process;
  private final ChildWatchdog watchdog;

  private EmbeddedRedisServer(int port, Process process, ChildWatchdog watchdog) {
    this.port = port;
    this.process = process;
    this.watchdog = watchdog;
  }

  public static EmbeddedRedisServer start(int port) throws IOException {
    List<String> command = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("maxmemory 128mb")
        .buildCommandArgs();
    Process process = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ChildWatchdog watchdog;
    try {
      watchdog = ChildWatchdog.watch(process.pid(), "TERM", 5);
      awaitPong(process, port);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return new EmbeddedRedisServer(port, process, watchdog);
  }

  /** Ready once it answers PING; a process that exits first (its port taken) did not start. */
  private static void awaitPong(Process process, int port) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with status " + process.exitValue() + " (port " + port + " taken?)");
      }
      if (pings(port)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while Redis started", e);
      }
    }
    throw new IOException("redis-server did not answer PING on port " + port + " within 15 s");
  }

  private static boolean pings(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watchdog.close();
    }
  }
}
