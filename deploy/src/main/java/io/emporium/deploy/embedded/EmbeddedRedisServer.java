package io.emporium.deploy.embedded;

import java.io.IOException;
import redis.embedded.RedisServer;

/** A real Redis server process started from the JVM; it is a cache, so it keeps nothing on disk. */
public final class EmbeddedRedisServer implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedisServer(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static EmbeddedRedisServer start(int port) throws IOException {
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("maxmemory 128mb")
        .onShutdownForceStop(true)
        .build();
    server.start();
    return new EmbeddedRedisServer(server, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
