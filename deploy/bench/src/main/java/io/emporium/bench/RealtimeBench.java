package io.emporium.bench;

import io.emporium.deploy.embedded.EmbeddedPostgresServer;
import io.emporium.edge.identity.AccessTokens;
import io.emporium.ordering.publish.OrderEvents;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderStatusChanged;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real-time benchmark against a running platform in embedded mode: many SockJS sockets (the raw
 * WebSocket transport at {@code /eventbus/websocket}), each registered for its own {@code
 * user.{id}.orders}, and order status changes fanned out to them at a fixed rate.
 *
 * <p>The users and their live sessions are seeded straight into {@code identity.users} and {@code
 * identity.sessions} (signing up thousands through REST would spend the run hashing passwords) and
 * their access tokens minted with the platform's {@code JWT_SECRET}. The status changes are {@code
 * OrderStatusChanged} events produced to {@code ordering.events} exactly as the outbox relay
 * produces them, round-robin over the sockets, so the delay measured is "event on Kafka → message
 * in the browser": realtime's consumer, its push store, the event bus, the bridge and the socket.
 * Ordering's outbox relay sits in front of that in production and is not included.
 *
 * <p>Memory: the platform's heap after a forced full GC and its RSS with no socket open (after a
 * small primer has warmed the path), with all sockets registered, and again once every socket has
 * had messages; the growth divided by the sockets is the cost of one connection. The load client
 * reports its own the same way.
 *
 * <p>Usage: {@code RealtimeBench <baseUrl> <postgres host:port> <kafka bootstrap> <platform pid>
 * [connections=10000] [rate=200] [seconds=60] [warmUpSeconds=10]}, with {@code JWT_SECRET} in the
 * environment. {@code BENCH_DEFLATE=false} stops offering per-message deflate (browsers offer it,
 * so it is on by default); {@code BENCH_SETTLE} (seconds, default 10) is the wait for registrations
 * after the last socket is open.
 */
public final class RealtimeBench {
  private static final String WEBSOCKET_PATH = "/eventbus/websocket";
  private static final int PRIMER_SOCKETS = 50;
  private static final int CONNECT_WINDOW = 100;
  private static final int SEED_CHUNK = 2_000;
  private static final long PING_EVERY_MS = 4_000;
  private static final long PING_TICK_MS = 250;
  private static final long SEND_TICK_MS = 5;
  private static final long PRIMER_TIMEOUT_MS = 60_000;
  private static final long DRAIN_QUIET_MS = 15_000;
  private static final long DRAIN_MAX_MS = 120_000;
  private static final long IDLE_PAUSE_MS = 5_000;
  private static final String PING = new JsonObject().put("type", "ping").encode();
  // no password hash matches this, so the seeded users can never sign in; they only hold sessions
  private static final String SEED_USERS =
      """
      INSERT INTO identity.users (id, email, password_hash, full_name, role, email_verified)
      SELECT id, 'realtime-bench-' || id || '@example.com', '!seeded-no-login', 'Realtime Bench', 'customer', true
      FROM unnest($1::uuid[]) AS id""";
  private static final String SEED_SESSIONS =
      "INSERT INTO identity.sessions (id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])";

  private enum Phase {
    PRIMER,
    WARM_UP,
    MEASURED
  }

  /** One browser tab: its user's socket, listening on that user's order address. */
  private static final class Listener {
    final UUID userId;
    final String address;
    final String registerFrame;
    WebSocket socket;
    boolean closing;
    long lastSeq;
    int received;

    Listener(UUID userId, String token) {
      this.userId = userId;
      this.address = "user." + userId + ".orders";
      this.registerFrame =
          new JsonObject()
              .put("type", "register")
              .put("address", address)
              .put("headers", new JsonObject().put("Authorization", "Bearer " + token))
              .encode();
    }
  }

  private final Vertx vertx;
  private final URI base;
  private final String postgres;
  private final String kafka;
  private final long platformPid;
  private final int connections;
  private final int rate;
  private final long measureNanos;
  private final long warmUpNanos;
  private final boolean deflate;
  private final long settleMillis;
  private final String jwtSecret;

  // Everything below is touched only on the one context run() starts on, so it needs no locking.
  private Context context;
  private WebSocketClient sockets;
  private KafkaProducer<String, Buffer> producer;
  private Listener[] listeners;
  private Listener[] primers;
  private final Map<String, Phase> outstanding = new HashMap<>();
  private final Map<Phase, Integer> sent = new EnumMap<>(Phase.class);
  private final Map<Phase, Integer> received = new EnumMap<>(Phase.class);
  private final Latencies measuredDelays = new Latencies();

  /** The longest delay received in each second of the measured window, by second. */
  private final Map<Integer, Long> slowestBySecond = new TreeMap<>();

  /** When the measured window began, by the machine's clock, to set its seconds beside logs. */
  private Instant measureFromWallClock;

  private final Latencies warmUpDelays = new Latencies();
  private final Map<String, Integer> errors = new TreeMap<>();
  private long seqGaps;
  private long duplicates;
  private long sentTotal;
  private long lastReceiveNanos;
  private long sendingStoppedNanos;
  private int receivedInWindow;
  private int connected;
  private int opened;
  private double connectSeconds;
  private double seedSeconds;
  private long measureFrom;
  private long measureUntil;
  private long cpuAtMeasureFrom;
  private long cpuAtMeasureUntil;
  private int pingCursor;
  private MemoryReading platformFirstIdle;
  private MemoryReading platformIdle;
  private MemoryReading platformRegistered;
  private MemoryReading platformAfterMessages;
  private MemoryReading clientIdle;
  private MemoryReading clientRegistered;
  private MemoryReading clientAfterMessages;

  public RealtimeBench(
      Vertx vertx,
      URI base,
      String postgres,
      String kafka,
      long platformPid,
      int connections,
      int rate,
      long seconds,
      long warmUpSeconds,
      boolean deflate,
      long settleSeconds,
      String jwtSecret) {
    this.vertx = vertx;
    this.base = base;
    this.postgres = postgres;
    this.kafka = kafka;
    this.platformPid = platformPid;
    this.connections = connections;
    this.rate = rate;
    this.measureNanos = TimeUnit.SECONDS.toNanos(seconds);
    this.warmUpNanos = TimeUnit.SECONDS.toNanos(warmUpSeconds);
    this.deflate = deflate;
    this.settleMillis = TimeUnit.SECONDS.toMillis(settleSeconds);
    this.jwtSecret = jwtSecret;
  }

  public static void main(String[] args) {
    String secret = System.getenv("JWT_SECRET");
    if (args.length < 4 || args.length > 8 || secret == null || secret.isBlank()) {
      System.err.println(
          "usage: JWT_SECRET=... RealtimeBench <baseUrl> <postgres host:port> <kafka bootstrap> <platform pid>"
              + " [connections=10000] [rate=200] [seconds=60] [warmUpSeconds=10]");
      System.exit(2);
    }
    String settle = System.getenv().getOrDefault("BENCH_SETTLE", "10");
    RealtimeBench bench =
        new RealtimeBench(
            Vertx.vertx(),
            URI.create(args[0]),
            args[1],
            args[2],
            Long.parseLong(args[3]),
            argument(args, 4, 10_000),
            argument(args, 5, 200),
            argument(args, 6, 60),
            argument(args, 7, 10),
            !"false".equalsIgnoreCase(System.getenv("BENCH_DEFLATE")),
            Long.parseLong(settle),
            secret);
    Promise<String> summary = Promise.promise();
    Context context = bench.vertx.getOrCreateContext();
    context.runOnContext(v -> bench.run(context).onComplete(summary));
    int exit = 0;
    try {
      System.out.println(summary.future().await());
    } catch (RuntimeException failed) {
      System.err.println(
          "realtime benchmark failed: "
              + failed.getMessage()
              + (failed.getCause() == null ? "" : ": " + failed.getCause().getMessage()));
      exit = 1;
    }
    bench.vertx.close().await();
    System.exit(exit);
  }

  private static int argument(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }

  /**
   * Seeds, primes, reads memory, connects everyone, reads memory, sends at the rate, drains, reads
   * memory; answers the summary.
   */
  public Future<String> run(Context context) {
    this.context = context;
    sockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(connections + PRIMER_SOCKETS)
                .setTryUsePerMessageCompression(deflate)
                .setConnectTimeout(30_000));
    for (Phase phase : Phase.values()) {
      sent.put(phase, 0);
      received.put(phase, 0);
    }
    long seedStart = System.nanoTime();
    return seed(connections + PRIMER_SOCKETS)
        .compose(
            all -> {
              seedSeconds = (System.nanoTime() - seedStart) / 1e9;
              primers = Arrays.copyOfRange(all, 0, PRIMER_SOCKETS);
              listeners = Arrays.copyOfRange(all, PRIMER_SOCKETS, all.length);
              System.out.printf(
                  "setup: %d users with live sessions seeded and their tokens minted in %.1f s%n",
                  all.length, seedSeconds);
              // the Kafka client's constructor does I/O set-up: on a worker
              return vertx.executeBlocking(this::createProducer, false);
            })
        .compose(
            p -> {
              producer = p;
              vertx.setPeriodic(PING_TICK_MS, t -> pingSome());
              return prime();
            })
        .compose(v -> vertx.timer(IDLE_PAUSE_MS))
        .compose(v -> readMemory())
        .compose(
            first -> {
              platformFirstIdle = first[0];
              return vertx.timer(IDLE_PAUSE_MS).compose(v -> readMemory());
            })
        .compose(
            idle -> {
              platformIdle = idle[0];
              clientIdle = idle[1];
              System.out.printf(
                  "idle: platform %s (%s %d s before); load client %s%n",
                  platformIdle,
                  platformFirstIdle,
                  TimeUnit.MILLISECONDS.toSeconds(IDLE_PAUSE_MS),
                  clientIdle);
              long connectStart = System.nanoTime();
              return connectAll(listeners)
                  .compose(
                      count -> {
                        opened = count;
                        connectSeconds = (System.nanoTime() - connectStart) / 1e9;
                        System.out.printf(
                            "connected: %d of %d sockets in %.1f s; waiting %d s for registrations%n",
                            connected,
                            connections,
                            connectSeconds,
                            TimeUnit.MILLISECONDS.toSeconds(settleMillis));
                        return vertx.timer(settleMillis);
                      });
            })
        .compose(v -> readMemory())
        .compose(
            registered -> {
              platformRegistered = registered[0];
              clientRegistered = registered[1];
              System.out.printf(
                  "registered: platform %s; load client %s%n",
                  platformRegistered, clientRegistered);
              return sendAtRate();
            })
        .compose(v -> drain())
        .compose(v -> readMemory())
        .compose(
            after -> {
              platformAfterMessages = after[0];
              clientAfterMessages = after[1];
              String summary = summary();
              for (Listener l : listeners) {
                close(l);
              }
              return Future.succeededFuture(summary);
            });
  }

  /**
   * Users and live sessions as the identity migration shapes them, in a few large statements; then
   * one token each.
   */
  private Future<Listener[]> seed(int users) {
    String[] hostPort = postgres.split(":");
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(1))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(hostPort[0])
                    .setPort(Integer.parseInt(hostPort[1]))
                    .setUser(EmbeddedPostgresServer.USER)
                    .setDatabase(EmbeddedPostgresServer.DATABASE))
            .using(vertx)
            .build();
    AccessTokens tokens = new AccessTokens(vertx, jwtSecret, Duration.ofHours(12));
    UUID[] userIds = new UUID[users];
    UUID[] sessionIds = new UUID[users];
    for (int i = 0; i < users; i++) {
      userIds[i] = UUID.randomUUID();
      sessionIds[i] = UUID.randomUUID();
    }
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < users; from += SEED_CHUNK) {
      UUID[] u = Arrays.copyOfRange(userIds, from, Math.min(users, from + SEED_CHUNK));
      UUID[] s = Arrays.copyOfRange(sessionIds, from, Math.min(users, from + SEED_CHUNK));
      chain =
          chain.compose(
              v ->
                  pool.withTransaction(
                          tx ->
                              tx.preparedQuery(SEED_USERS)
                                  .execute(Tuple.tuple().addArrayOfUUID(u))
                                  .compose(
                                      r ->
                                          tx.preparedQuery(SEED_SESSIONS)
                                              .execute(
                                                  Tuple.tuple()
                                                      .addArrayOfUUID(s)
                                                      .addArrayOfUUID(u))))
                      .mapEmpty());
    }
    return chain
        .eventually(pool::close)
        .map(
            v -> {
              Listener[] all = new Listener[users];
              for (int i = 0; i < users; i++) {
                all[i] =
                    new Listener(userIds[i], tokens.issue(userIds[i], sessionIds[i], "customer"));
              }
              return all;
            });
  }

  /**
   * The outbox relay's producer settings (common/events/OutboxRelay), so events reach the broker
   * the same way.
   */
  private KafkaProducer<String, Buffer> createProducer() {
    return KafkaProducer.create(
        vertx,
        Map.of(
            "bootstrap.servers", kafka,
            "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
            "value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer",
            "acks", "all",
            "enable.idempotence", "true",
            "max.in.flight.requests.per.connection", "5",
            "delivery.timeout.ms", "30000",
            "request.timeout.ms", "10000",
            "max.block.ms", "10000",
            "client.id", "emporium-realtime-bench"));
  }

  /**
   * A few sockets that each get a message end to end, then close: the path is proven and its code
   * warmed before the idle reading. A socket that has no message yet gets another event every two
   * seconds (its registration may still be on the way).
   */
  private Future<Void> prime() {
    long start = System.nanoTime();
    return connectAll(primers)
        .compose(
            v -> {
              Promise<Void> primed = Promise.promise();
              long timer =
                  vertx.setPeriodic(
                      1,
                      2_000,
                      t -> {
                        long waiting = Arrays.stream(primers).filter(l -> l.received == 0).count();
                        if (waiting == 0) {
                          vertx.cancelTimer(t);
                          primed.complete();
                        } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                            > PRIMER_TIMEOUT_MS) {
                          vertx.cancelTimer(t);
                          primed.fail(
                              waiting
                                  + " of "
                                  + PRIMER_SOCKETS
                                  + " primer sockets got no message in "
                                  + TimeUnit.MILLISECONDS.toSeconds(PRIMER_TIMEOUT_MS)
                                  + " s; errors "
                                  + errors);
                        } else {
                          Arrays.stream(primers)
                              .filter(l -> l.received == 0)
                              .forEach(l -> send(l, Phase.PRIMER));
                        }
                      });
              return primed.future().onFailure(e -> vertx.cancelTimer(timer));
            })
        .map(
            v -> {
              System.out.printf(
                  "primed: %d sockets each got a message, in %.1f s; closing them%n",
                  PRIMER_SOCKETS, (System.nanoTime() - start) / 1e9);
              for (Listener l : primers) {
                close(l);
              }
              return null;
            });
  }

  /**
   * Opens the sockets, {@link #CONNECT_WINDOW} handshakes at a time; a socket that fails to open is
   * counted and skipped.
   */
  private Future<Integer> connectAll(Listener[] batch) {
    int[] next = {0};
    int[] opened = {0};
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(CONNECT_WINDOW, batch.length); lane++) {
      Promise<Void> done = Promise.promise();
      connectNext(batch, next, opened, done);
      lanes.add(done.future());
    }
    return Future.all(lanes).map(v -> opened[0]);
  }

  private void connectNext(Listener[] batch, int[] next, int[] opened, Promise<Void> done) {
    if (next[0] == batch.length) {
      done.complete();
      return;
    }
    Listener l = batch[next[0]++];
    connect(l)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                opened[0]++;
              }
              connectNext(batch, next, opened, done);
            });
  }

  private Future<Void> connect(Listener l) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(base.getHost())
            .setPort(base.getPort())
            .setURI(WEBSOCKET_PATH)
            .setTimeout(30_000);
    return sockets
        .connect(options)
        .onFailure(e -> error("connect " + e.getClass().getSimpleName()))
        .map(
            socket -> {
              l.socket = socket;
              socket.textMessageHandler(text -> onFrame(l, text));
              socket.binaryMessageHandler(
                  bytes -> onFrame(l, bytes.toString(StandardCharsets.UTF_8)));
              socket.exceptionHandler(e -> error("socket " + e.getClass().getSimpleName()));
              socket.closeHandler(
                  v -> {
                    if (!l.closing) {
                      error("socket closed by the platform");
                      connected--;
                    }
                    l.socket = null;
                  });
              socket.writeTextMessage(l.registerFrame);
              connected++;
              return null;
            });
  }

  private void close(Listener l) {
    if (l.socket != null && !l.closing) {
      l.closing = true;
      connected--;
      l.socket.close();
    }
  }

  /**
   * Every socket pings once per {@link #PING_EVERY_MS}, spread over the ticks; the bridge drops a
   * socket silent for 10 s.
   */
  private void pingSome() {
    List<Listener[]> groups = new ArrayList<>();
    if (primers != null) {
      groups.add(primers);
    }
    if (listeners != null) {
      groups.add(listeners);
    }
    int slices = (int) (PING_EVERY_MS / PING_TICK_MS);
    for (Listener[] group : groups) {
      int size = (group.length + slices - 1) / slices;
      int from = (pingCursor % slices) * size;
      for (int i = from; i < Math.min(group.length, from + size); i++) {
        if (group[i].socket != null && !group[i].closing) {
          group[i].socket.writeTextMessage(PING);
        }
      }
    }
    pingCursor++;
  }

  private void onFrame(Listener l, String text) {
    Instant now = Instant.now();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      error("unreadable frame");
      return;
    }
    String type = frame.getString("type", "");
    if ("err".equals(type)) {
      error("err frame " + frame.getValue("body"));
      return;
    }
    if (!"rec".equals(type) || !(frame.getValue("body") instanceof JsonObject body)) {
      error("frame of type " + type);
      return;
    }
    long seq = body.getLong("seq", -1L);
    if (seq <= l.lastSeq) {
      duplicates++;
      return;
    }
    seqGaps += seq - l.lastSeq - 1;
    l.lastSeq = seq;
    Phase phase = outstanding.remove(body.getString("orderId", ""));
    if (phase == null) {
      error("message for an event this run did not send");
      return;
    }
    l.received++;
    received.merge(phase, 1, Integer::sum);
    lastReceiveNanos = System.nanoTime();
    if (lastReceiveNanos >= measureFrom && lastReceiveNanos < measureUntil) {
      receivedInWindow++;
    }
    long delay = Duration.between(Instant.parse(body.getString("at")), now).toNanos();
    if (phase == Phase.MEASURED) {
      measuredDelays.add(delay);
      slowestBySecond.merge(
          (int) ((lastReceiveNanos - measureFrom) / 1_000_000_000L), delay, Math::max);
    } else if (phase == Phase.WARM_UP) {
      warmUpDelays.add(delay);
    }
  }

  /**
   * One status change of a fresh order of this socket's user, as ordering's OrderEvents writes it
   * and the relay sends it.
   */
  private void send(Listener l, Phase phase) {
    String orderId = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    byte[] payload =
        OrderEvent.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(Instant.now().toString())
            .setOrderId(orderId)
            .setCustomerId(l.userId.toString())
            .setStatus("shipped")
            .setPreviousStatus("processing")
            .setStatusChanged(OrderStatusChanged.newBuilder().setActor("seller"))
            .build()
            .toByteArray();
    outstanding.put(orderId, phase);
    sent.merge(phase, 1, Integer::sum);
    producer
        .send(
            KafkaProducerRecord.create(OrderEvents.TOPIC, orderId, Buffer.buffer(payload))
                .addHeader("event-id", eventId)
                .addHeader("event-type", "OrderStatusChanged"))
        .onFailure(
            e ->
                context.runOnContext(
                    v -> {
                      error("kafka send " + e.getClass().getSimpleName());
                      outstanding.remove(orderId);
                    }));
  }

  /**
   * Round-robin over the sockets at the rate: a warm-up, then the measured window; a late tick
   * catches up on what is due.
   */
  private Future<Void> sendAtRate() {
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    measureFrom = start + warmUpNanos;
    measureUntil = measureFrom + measureNanos;
    measureFromWallClock = Instant.now().plusNanos(warmUpNanos);
    vertx.setTimer(
        Math.max(1, TimeUnit.NANOSECONDS.toMillis(warmUpNanos)),
        t -> {
          cpuAtMeasureFrom = processCpuNanos();
          System.out.printf(
              "warm-up over: measuring %d s%n", TimeUnit.NANOSECONDS.toSeconds(measureNanos));
        });
    vertx.setPeriodic(
        SEND_TICK_MS,
        t -> {
          long now = System.nanoTime();
          if (now >= measureUntil) {
            vertx.cancelTimer(t);
            cpuAtMeasureUntil = processCpuNanos();
            sendingStoppedNanos = now;
            System.out.println("measured: waiting for the messages in flight");
            done.complete();
            return;
          }
          long due = (long) ((now - start) / 1e9 * rate);
          while (sentTotal < due) {
            send(
                listeners[(int) (sentTotal++ % listeners.length)],
                now < measureFrom ? Phase.WARM_UP : Phase.MEASURED);
          }
        });
    return done.future();
  }

  /** Waits until every sent message has arrived, or nothing has arrived for a while. */
  private Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    long start = System.nanoTime();
    lastReceiveNanos = Math.max(lastReceiveNanos, start);
    vertx.setPeriodic(
        100,
        t -> {
          long now = System.nanoTime();
          boolean allIn = outstanding.values().stream().noneMatch(p -> p != Phase.PRIMER);
          if (allIn
              || TimeUnit.NANOSECONDS.toMillis(now - lastReceiveNanos) > DRAIN_QUIET_MS
              || TimeUnit.NANOSECONDS.toMillis(now - start) > DRAIN_MAX_MS) {
            vertx.cancelTimer(t);
            drained.complete();
          }
        });
    return drained.future();
  }

  /** Platform, then this client: each after a full GC. */
  private Future<MemoryReading[]> readMemory() {
    return vertx.executeBlocking(
        () -> new MemoryReading[] {MemoryReading.ofProcess(platformPid), MemoryReading.ofThisJvm()},
        false);
  }

  private void error(String what) {
    errors.merge(what, 1, Integer::sum);
  }

  private String summary() {
    double seconds = measureNanos / 1e9;
    long listened = Arrays.stream(listeners).filter(l -> l.received > 0).count();
    int measuredSent = sent.get(Phase.MEASURED);
    int measuredReceived = received.get(Phase.MEASURED);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "realtime benchmark: %d SockJS sockets (raw WebSocket transport, per-message deflate %s), %d status changes/s,"
                + " %.0f s measured after %d s warm-up; the platform and this load client share this machine (%d cores)%n",
            connections,
            deflate ? "offered" : "not offered",
            rate,
            seconds,
            TimeUnit.NANOSECONDS.toSeconds(warmUpNanos),
            Runtime.getRuntime().availableProcessors()));
    out.append(
        String.format(
            "connected            %d of %d in %.1f s (%.0f/s, %d handshakes at a time); %d still open at the end%n",
            opened,
            connections,
            connectSeconds,
            opened / connectSeconds,
            CONNECT_WINDOW,
            connected));
    out.append(
        String.format(
            "sockets with a message %d of %d (each proves its registration)%n",
            listened, connections));
    out.append(line("delay Kafka->socket", measuredDelays));
    out.append(line("  during warm-up", warmUpDelays));
    // when the slow messages came: spikes that recur show a periodic cause
    out.append("slowest seconds      ");
    slowestBySecond.entrySet().stream()
        .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> out.append(String.format("s%d %.0f ms  ", e.getKey(), e.getValue() / 1e6)));
    out.append(String.format("(second 0 = %s)%n", measureFromWallClock));
    out.append(
        String.format(
            "messages measured    sent %d (%.1f/s), received %d, lost %d%n",
            measuredSent,
            measuredSent / seconds,
            measuredReceived,
            measuredSent - measuredReceived));
    out.append(
        String.format(
            "arrivals             %.1f/s during the measured window; the last message %.1f s after the last send%n",
            receivedInWindow / seconds, Math.max(0, lastReceiveNanos - sendingStoppedNanos) / 1e9));
    out.append(
        String.format(
            "messages warm-up     sent %d, received %d, lost %d%n",
            sent.get(Phase.WARM_UP),
            received.get(Phase.WARM_UP),
            sent.get(Phase.WARM_UP) - received.get(Phase.WARM_UP)));
    out.append(String.format("sequence per address %d duplicates, %d gaps%n", duplicates, seqGaps));
    out.append("platform memory (heap after a full GC by jcmd; RSS from /proc):\n");
    out.append(
        String.format(
            "  no sockets           %s  (%s %d s before: the readings' noise)%n",
            platformIdle, platformFirstIdle, TimeUnit.MILLISECONDS.toSeconds(IDLE_PAUSE_MS)));
    out.append(
        String.format(
            "  %5d registered     %s  = %s per connection%n",
            connections,
            platformRegistered,
            platformRegistered.perConnection(platformIdle, connections)));
    out.append(
        String.format(
            "  after the messages   %s  = %s per connection%n",
            platformAfterMessages, platformAfterMessages.perConnection(platformIdle, connections)));
    out.append("load client memory (this JVM, after System.gc()):\n");
    out.append(String.format("  no sockets           %s%n", clientIdle));
    out.append(
        String.format(
            "  %5d registered     %s  = %s per connection%n",
            connections,
            clientRegistered,
            clientRegistered.perConnection(clientIdle, connections)));
    out.append(
        String.format(
            "  after the messages   %s  = %s per connection%n",
            clientAfterMessages, clientAfterMessages.perConnection(clientIdle, connections)));
    out.append(
        String.format(
            "load client CPU      %.2f cores over the measured window%n",
            (cpuAtMeasureUntil - cpuAtMeasureFrom) / (double) measureNanos));
    out.append(
        "not included         ordering's outbox relay in front of Kafka: it wakes on the commit (LISTEN/NOTIFY),"
            + " so it adds one transaction and one send, tens of milliseconds\n");
    out.append("errors               ").append(errors.isEmpty() ? "none" : errors.toString());
    return out.toString();
  }

  /**
   * CPU time of this JVM, so the report can tell the client's share of the machine from the
   * platform's.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String line(String what, Latencies latencies) {
    return String.format(
        "%-20s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (n=%d)%n",
        what,
        latencies.percentileMillis(50),
        latencies.percentileMillis(99),
        latencies.percentileMillis(100),
        latencies.count());
  }
}
