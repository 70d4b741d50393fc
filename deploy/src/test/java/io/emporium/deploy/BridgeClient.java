package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A browser's side of the SockJS event-bus bridge, over its raw WebSocket transport ({@code
 * /eventbus/websocket}): sends frames, pings as vertx-eventbus.js does, and keeps every frame it
 * receives.
 */
final class BridgeClient implements AutoCloseable {
  private static final Vertx VERTX = Vertx.vertx();
  private static final WebSocketClient CLIENT = VERTX.createWebSocketClient();
  private final WebSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final Map<JsonObject, Instant> arrivals = new IdentityHashMap<>();
  private final long pinger;
  private boolean closed;

  private BridgeClient(WebSocket socket) {
    this.socket = socket;
    socket.handler(
        data -> {
          synchronized (frames) {
            JsonObject frame = new JsonObject(data.toString());
            frames.add(frame);
            arrivals.put(frame, Instant.now());
            frames.notifyAll();
          }
        });
    socket.closeHandler(
        v -> {
          synchronized (frames) {
            closed = true;
            frames.notifyAll();
          }
        });
    this.pinger =
        VERTX.setPeriodic(
            5_000, id -> socket.writeTextMessage(new JsonObject().put("type", "ping").encode()));
  }

  /** Connected to the test platform's edge. */
  static BridgeClient connect() {
    return connect(TestPlatform.config().appPort);
  }

  static BridgeClient connect(int port) {
    try {
      WebSocket ws =
          CLIENT
              .connect(
                  new WebSocketConnectOptions()
                      .setAllowOriginHeader(false)
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/eventbus/websocket"))
              .await(10, TimeUnit.SECONDS);
      return new BridgeClient(ws);
    } catch (Exception e) {
      throw new AssertionError("could not open the bridge on port " + port, e);
    }
  }

  void send(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  void register(String address, String accessToken) {
    send(
        new JsonObject()
            .put("type", "register")
            .put("address", address)
            .put("headers", new JsonObject().put("Authorization", "Bearer " + accessToken)));
  }

  void register(String address, String accessToken, long since) {
    send(
        new JsonObject()
            .put("type", "register")
            .put("address", address)
            .put(
                "headers",
                new JsonObject()
                    .put("Authorization", "Bearer " + accessToken)
                    .put("since", Long.toString(since))));
  }

  /**
   * Waits until the bridge delivers to this client on {@code address}: probes (messages without a
   * sequence number) are published on the platform's event bus until one arrives, so a registration
   * is known to be in place.
   */
  void awaitListening(String address) {
    String probe = UUID.randomUUID().toString();
    long timer =
        VERTX.setPeriodic(
            0,
            100,
            id ->
                TestPlatform.platform()
                    .vertx()
                    .eventBus()
                    .publish(address, new JsonObject().put("type", "probe").put("probe", probe)));
    try {
      awaitMessage(address, b -> probe.equals(b.getString("probe")));
    } finally {
      VERTX.cancelTimer(timer);
    }
  }

  /** The body of the first message on {@code address} that matches, waiting for it. */
  JsonObject awaitMessage(String address, Predicate<JsonObject> matches) {
    JsonObject frame =
        awaitFrame(
            f ->
                "rec".equals(f.getString("type"))
                    && address.equals(f.getString("address"))
                    && f.getValue("body") instanceof JsonObject b
                    && matches.test(b),
            "a message on " + address);
    return frame.getJsonObject("body");
  }

  /** The first error frame, waiting for it. */
  JsonObject awaitError() {
    return awaitFrame(f -> "err".equals(f.getString("type")), "an error frame");
  }

  /**
   * Proves this socket lost {@code address} within a second of {@code revokedAt}: its {@code
   * access_revoked} error frame came in time, and a message published on the address a second after
   * the revocation reaches the event bus and every {@code witness} (sockets still allowed to listen
   * there) but not this socket.
   */
  void assertCutOff(String address, Instant revokedAt, BridgeClient... witnesses) throws Exception {
    JsonObject error =
        awaitFrame(
            f -> "err".equals(f.getString("type")) && address.equals(f.getString("address")),
            "an error frame on " + address);
    Instant errorSeen;
    synchronized (frames) {
      errorSeen = arrivals.get(error);
    }
    assertThat(error.getString("body")).isEqualTo("access_revoked");
    assertThat(Duration.between(revokedAt, errorSeen))
        .as("from the revocation to the error frame")
        .isLessThan(Duration.ofSeconds(1));

    String tag = UUID.randomUUID().toString();
    Promise<Void> published = Promise.promise();
    MessageConsumer<JsonObject> onBus =
        TestPlatform.platform()
            .vertx()
            .eventBus()
            .consumer(
                address,
                m -> {
                  if (m.body() != null && tag.equals(m.body().getString("late"))) {
                    published.tryComplete();
                  }
                });
    onBus.completion().await(10, TimeUnit.SECONDS);
    try {
      Thread.sleep(
          Math.max(0, Duration.between(Instant.now(), revokedAt.plusSeconds(1)).toMillis()));
      TestPlatform.platform()
          .vertx()
          .eventBus()
          .publish(address, new JsonObject().put("type", "late").put("late", tag));
      published.future().await(10, TimeUnit.SECONDS);
      for (BridgeClient witness : witnesses) {
        witness.awaitMessage(address, b -> tag.equals(b.getString("late")));
      }
      // the bridge delivers in a few milliseconds: well past that, what has not come will not come
      Thread.sleep(500);
      assertThat(messages(address))
          .as("messages on " + address + " after the revocation")
          .noneMatch(b -> tag.equals(b.getString("late")));
    } finally {
      onBus.unregister().await(10, TimeUnit.SECONDS);
    }
  }

  /** Whether the bridge closed this socket, waiting up to {@code patience} for it to. */
  boolean awaitClosed(Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    synchronized (frames) {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return true;
    }
  }

  /** Bodies of the messages (not probes) received on {@code address} so far, in order. */
  List<JsonObject> messages(String address) {
    synchronized (frames) {
      return frames.stream()
          .filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
          .map(f -> f.getJsonObject("body"))
          .filter(b -> !"probe".equals(b.getString("type")))
          .toList();
    }
  }

  List<JsonObject> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  private JsonObject awaitFrame(Predicate<JsonObject> wanted, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonObject f : frames) {
          if (wanted.test(f)) {
            return f;
          }
        }
        long left = deadline - System.nanoTime();
        assertThat(left).as("waited 30 s for " + what + "; received " + frames).isPositive();
        try {
          frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  @Override
  public void close() {
    VERTX.cancelTimer(pinger);
    socket.close();
  }
}
