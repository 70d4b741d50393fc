package io.emporium.deploy.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real Redis server process started from the JVM; it is a cache, so it keeps nothing on disk. If
 * the process dies, it is started again on the same port (every second until it is back), so
 * clients reconnect to the same URL.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);

  private final int port;
  private Process process;
  private ChildWatchdog watchdog;
  private boolean closed;

  private EmbeddedRedisServer(int port) {
    this.port = port;
  }

  public static EmbeddedRedisServer start(int port) throws IOException {
    EmbeddedRedisServer server = new EmbeddedRedisServer(port);
    synchronized (server) {
      server.launch();
    }
    return server;
  }

  private void launch() throws IOException {
    List<String> command =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no")
            .setting("maxmemory 128mb")
            .buildCommandArgs();
    Process started =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    ChildWatchdog guard = null;
    try {
      guard = ChildWatchdog.watch(started.pid(), "TERM", 5);
      awaitPong(started, port);
    } catch (IOException | RuntimeException e) {
      started.destroyForcibly();
      if (guard != null) {
        guard.close();
      }
      throw e;
    }
    process = started;
    watchdog = guard;
    var unused =
        started
            .onExit()
            .thenRun(
                () -> {
                  Thread restarter =
                      new Thread(() -> restartAfter(started), "embedded-redis-restart");
                  restarter.setDaemon(true);
                  restarter.start();
                });
  }

  /** The server died on its own: start it again until it is back, unless it is being closed. */
  private void restartAfter(Process exited) {
    synchronized (this) {
      if (closed || exited != process) {
        return;
      }
      LOG.warn(
          "embedded Redis (pid {}) exited with status {}; starting it again on port {}",
          exited.pid(),
          exited.exitValue(),
          port);
      watchdog.close();
    }
    for (int attempt = 1; ; attempt++) {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          launch();
          LOG.info("embedded Redis is back at {}", url());
          return;
        } catch (IOException e) {
          LOG.warn("embedded Redis did not start again (attempt {}): {}", attempt, e.getMessage());
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Ready once it answers PING; a process that exits first (its port taken) did not start. */
  private static void awaitPong(Process process, int port) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with status "
                + process.exitValue()
                + " (port "
                + port
                + " taken?)");
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
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
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
  public synchronized void close() throws IOException {
    closed = true;
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
