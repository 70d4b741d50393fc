package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Proof by running it: the image runs as the production topology does, each service in containers
 * of its own (two edges, two ordering replicas, one catalog, payment and realtime; podman, host
 * network, one clustered event bus), with the backing services on the host; {@code
 * deploy/container/prove.sh up} builds and starts all of it, and removes it when this test lets go.
 * A shopper pays through one edge and hears {@code paid} over SockJS on the other. Then buyers shop
 * in a loop while one edge and then one ordering replica are killed with SIGKILL: the buyers go on
 * through the surviving edge, their sockets reconnect there with {@code since}, and once everything
 * has settled every payment a buyer saw is a paid order, no order moved two ways, nothing was
 * applied, pushed or mailed twice, no socket missed or repeated a message, and stock balances.
 * Timings print as {@code TopologyIT:} lines.
 *
 * <p>It needs the launcher jar, so Maven runs it after {@code package} (Surefire's {@code
 * topology-proof} execution, by its tag), and root for podman.
 */
@Tag("topology")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyIT {
  /**
   * Building the base image from nothing takes about a minute and a half, the containers another
   * minute.
   */
  private static final Duration UP_PATIENCE = Duration.ofMinutes(10);

  private static final String LABEL = "io.emporium.proof";
  private static final int STOCK = 10_000;
  private static final int BUYERS = 6;

  /** Paid orders before the first kill, so that the kills meet a warm, busy topology. */
  private static final int WARM_UP_ORDERS = 2 * BUYERS;

  /**
   * Between the edge's kill and the ordering replica's: both mid-load, and the cluster told of one
   * before the other.
   */
  private static final Duration BETWEEN_KILLS = Duration.ofSeconds(2);

  /** Rounds each buyer completes after the second kill before the load stops. */
  private static final int ROUNDS_AFTER_KILLS = 3;

  private static final Duration LOAD_CAP = Duration.ofSeconds(150);

  /**
   * A key held by a checkout that died frees after CHECKOUT_ABANDONED_AFTER (15 s here): a retry
   * waits that out.
   */
  private static final Duration CALL_PATIENCE = Duration.ofSeconds(60);

  private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(90);

  private static Path state;
  private static Process prove;
  private static Map<String, String> topology;
  private static Vertx vertx;
  private static Pool db;
  private static Checkouts.Product product;

  @BeforeAll
  static void startTheTopology() throws Exception {
    state = DeployFiles.MODULE.resolve("target/topology-proof");
    deleteRecursively(state);
    Files.createDirectories(state);
    Path log = state.resolve("prove.log");
    long began = System.nanoTime();
    // its standard input stays open: closing it is what stops the topology
    prove =
        new ProcessBuilder(
                "bash",
                DeployFiles.REPOSITORY.resolve("deploy/container/prove.sh").toString(),
                "up",
                state.resolve("run").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Path ready = state.resolve("run/topology.env");
    long deadline = began + UP_PATIENCE.toNanos();
    while (!Files.exists(ready)) {
      assertThat(prove.isAlive())
          .as("prove.sh up ended before the topology was ready:%n%s", read(log))
          .isTrue();
      assertThat(System.nanoTime())
          .as("the topology was not ready in %s:%n%s", UP_PATIENCE, read(log))
          .isLessThan(deadline);
      Thread.sleep(500);
    }
    topology = new HashMap<>();
    for (String line : Files.readAllLines(ready)) {
      int eq = line.indexOf('=');
      topology.put(line.substring(0, eq), line.substring(eq + 1));
    }
    read(log).lines().forEach(line -> System.out.println("TopologyIT: " + line));
    System.out.printf(
        "TopologyIT: up in %d s: image %s s, backing services %s s, migrate %s s, containers healthy and clustered %s s%n",
        millis(System.nanoTime() - began) / 1000,
        topology.get("IMAGE_SECONDS"),
        topology.get("BACKING_SECONDS"),
        topology.get("MIGRATE_SECONDS"),
        topology.get("READY_SECONDS"));
    vertx = Vertx.vertx();
    db =
        PgBuilder.pool()
            .connectingTo(
                new PgConnectOptions()
                    .setHost(topology.get("DB_HOST"))
                    .setPort(Integer.parseInt(topology.get("DB_PORT")))
                    .setUser(topology.get("DB_USER"))
                    .setPassword(topology.get("DB_PASS"))
                    .setDatabase(topology.get("DB_NAME")))
            .using(vertx)
            .build();
  }

  @AfterAll
  static void stopTheTopology() throws Exception {
    if (db != null) {
      db.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (prove == null) {
      return;
    }
    long began = System.nanoTime();
    prove.getOutputStream().close();
    boolean ended = prove.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      prove.destroy();
      prove.waitFor(60, TimeUnit.SECONDS);
    }
    String log = read(state.resolve("prove.log"));
    System.out.printf(
        "TopologyIT: %s (%d ms after letting go)%n",
        log.strip().lines().reduce((a, b) -> b).orElse(""), millis(System.nanoTime() - began));
    assertThat(ended).as("prove.sh stopped within 120 s of its input closing").isTrue();
    assertThat(prove.exitValue()).as("prove.sh's exit status:%n%s", log).isZero();
    assertThat(podman("ps", "-aq", "--filter", "label=" + LABEL))
        .as("containers left behind")
        .isEmpty();
    assertThat(
            ProcessHandle.allProcesses()
                .map(Launchers::command)
                .filter(c -> c.contains("--services=backing")))
        .as("backing services left behind")
        .isEmpty();
  }

  @Test
  @Order(1)
  void aShopperPayingThroughOneEdgeHearsPaidOverSockJsOnTheOther() throws Exception {
    Api first = Api.connect(edgePort(1), TestPlatform.newClientAddress());
    product = Checkouts.product(first, Accounts.registered(first, "seller"), 1_500, STOCK);
    Accounts.Account buyer = Accounts.registered(first, null);
    Checkouts.addToCart(first, buyer, product, 1);
    String address = "user." + buyer.id() + ".orders";
    try (BridgeClient onTheOther = BridgeClient.connect(edgePort(2))) {
      // since 0: whatever was pushed before the registration took effect is read back first
      onTheOther.register(address, buyer.accessToken(), 0);
      Api.Response checkout =
          Checkouts.checkout(
              first,
              buyer.accessToken(),
              UUID.randomUUID().toString(),
              Checkouts.checkoutBody("GB"));
      assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
      String orderId = checkout.json().getString("orderId");
      long paying = System.nanoTime();
      assertThat(Checkouts.pay(checkout.json().getString("checkoutUrl"), Checkouts.PAYS))
          .isEqualTo(303);

      JsonObject heard =
          onTheOther.awaitMessage(
              address,
              b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status")));
      long pushed = System.nanoTime();
      assertThat(heard.getString("type")).isEqualTo("orderStatusUpdate");
      assertThat(heard.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(
              Checkouts.orderOnceItIs(first, buyer.accessToken(), orderId, "paid")
                  .getString("status"))
          .isEqualTo("paid");
      System.out.printf(
          "TopologyIT: checkout on edge-1, paid on the emulator, 'paid' heard on edge-2's SockJS %d ms after paying%n",
          millis(pushed - paying));
    }
  }

  @Test
  @Order(2)
  void killingAnEdgeAndAnOrderingReplicaMidLoadLosesNothingAndRepeatsNothing() throws Exception {
    assertThat(product).as("the first test made the product").isNotNull();
    SoftAssertions invariants = new SoftAssertions();
    List<String> survivors = List.of("edge-2", "catalog", "ordering-2", "payment", "realtime");
    Map<String, String> restartsBefore = new HashMap<>();
    for (String name : survivors) {
      restartsBefore.put(name, podman("inspect", "--format", "{{.RestartCount}}", container(name)));
    }
    List<Buyer> buyers = new ArrayList<>();
    for (int i = 0; i < BUYERS; i++) {
      buyers.add(new Buyer());
    }
    AtomicInteger paid = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(2 * BUYERS);
    List<Future<?>> running = new ArrayList<>();
    for (Buyer b : buyers) {
      running.add(
          threads.submit(
              () -> {
                b.shop(paid);
                return null;
              }));
      running.add(
          threads.submit(
              () -> {
                b.keepListening();
                return null;
              }));
    }
    threads.shutdown();

    long loadBegan = System.nanoTime();
    // the replicas share each topic's partitions in one consumer group: both apply payments before
    // the kills
    Api[] replicas = {
      Api.connect(port("ORDERING_1_METRICS_PORT"), "127.0.0.1"),
      Api.connect(port("ORDERING_2_METRICS_PORT"), "127.0.0.1")
    };
    while ((paid.get() < WARM_UP_ORDERS
            || movedToPaid(replicas[0]) == 0
            || movedToPaid(replicas[1]) == 0)
        && System.nanoTime() - loadBegan < LOAD_CAP.toNanos()) {
      Thread.sleep(100);
    }
    double[] movedBefore = {movedToPaid(replicas[0]), movedToPaid(replicas[1])};
    invariants
        .assertThat(movedBefore)
        .as("orders ordering-1 and ordering-2 moved to paid before the kills")
        .doesNotContain(0.0);
    Kills kills = new Kills(paid.get());
    kills.edge = System.nanoTime();
    podman("kill", "--signal", "KILL", container("edge-1"));
    Thread.sleep(BETWEEN_KILLS.toMillis());
    kills.ordering = System.nanoTime();
    podman("kill", "--signal", "KILL", container("ordering-1"));
    while (buyers.stream().anyMatch(b -> b.roundsSince(kills.ordering) < ROUNDS_AFTER_KILLS)
        && System.nanoTime() - loadBegan < LOAD_CAP.toNanos()) {
      Thread.sleep(100);
    }
    buyers.forEach(Buyer::stop);
    assertThat(
            threads.awaitTermination(CALL_PATIENCE.multipliedBy(3).toSeconds(), TimeUnit.SECONDS))
        .as("every buyer stopped")
        .isTrue();
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (ExecutionException e) {
        invariants.fail("a buyer could not shop: " + e.getCause(), e.getCause());
      }
    }
    long loadEnded = System.nanoTime();

    long settled = settle(invariants);
    reportTimings(buyers, kills, loadBegan, loadEnded, settled);
    long paidAfterItsKill =
        buyers.stream()
            .flatMap(b -> b.bought.stream())
            .filter(b -> b.paidOnStripeAt() > kills.ordering)
            .count();
    double movedBySurvivor = movedToPaid(replicas[1]) - movedBefore[1];
    System.out.printf(
        "TopologyIT: orders moved to paid before the kills: ordering-1 %.0f, ordering-2 %.0f; "
            + "after ordering-1's kill ordering-2 moved %.0f more (%d paid on the emulator after that kill)%n",
        movedBefore[0], movedBefore[1], movedBySurvivor, paidAfterItsKill);
    invariants
        .assertThat(movedBySurvivor)
        .as(
            "orders ordering-2 moved to paid after ordering-1 died, at least those paid after it died")
        .isGreaterThanOrEqualTo(paidAfterItsKill);
    for (Buyer b : buyers) {
      b.assertNoFailureBeforeTheKill(invariants, kills);
      b.assertEveryPaymentSeenIsAPaidOrder(invariants);
      b.assertItsSocketsHeardEveryPushOnceInOrder(invariants, kills);
    }
    noOrderMovedTwoWaysOrWasPaidTwice(invariants);
    nothingWasPushedOrMailedTwice(invariants, buyers);
    stockBalances(invariants);
    nothingWasParked(invariants);
    for (String survivor : survivors) {
      invariants
          .assertThat(healthy(survivor))
          .as("%s still healthy after the kills", survivor)
          .isTrue();
      invariants
          .assertThat(podman("inspect", "--format", "{{.RestartCount}}", container(survivor)))
          .as("%s's restarts since the load began", survivor)
          .isEqualTo(restartsBefore.get(survivor));
    }
    invariants.assertAll();
  }

  /** When the kills happened, and how many orders were paid by then. */
  private static final class Kills {
    final int paidBefore;
    long edge;
    long ordering;

    Kills(int paidBefore) {
      this.paidBefore = paidBefore;
    }
  }

  /** One order as its buyer lived it. */
  private record Bought(String orderId, long paidOnStripeAt, long seenPaidAt) {}

  /**
   * A buyer on a client address of its own, shopping round after round (cart, checkout, pay on the
   * emulator's page, wait until the order says paid) through the first edge until a request gets no
   * answer or a 5xx, then through the second; its socket listens on the first edge and reconnects
   * to the second, with {@code since}, when it closes.
   */
  private final class Buyer {
    final String clientAddress = TestPlatform.newClientAddress();
    final Api[] edges = {
      Api.connect(edgePort(1), clientAddress), Api.connect(edgePort(2), clientAddress)
    };
    final Accounts.Account account = Accounts.registered(edges[0], null);
    final String address = "user." + account.id() + ".orders";
    final List<BridgeClient> sockets = new CopyOnWriteArrayList<>();
    final List<Bought> bought = new CopyOnWriteArrayList<>();
    final List<Api.Response> refused = new CopyOnWriteArrayList<>();
    volatile int edge;
    volatile boolean stopped;

    /**
     * When this buyer's first request failed (no answer, or a 5xx), and when one first succeeded on
     * the other edge.
     */
    volatile long failedAt;

    volatile long recoveredAt;
    volatile String firstFailure;
    volatile long socketClosedAt;
    volatile long socketReconnectedAt;

    Buyer() {
      BridgeClient socket = BridgeClient.connect(edgePort(1));
      socket.register(address, account.accessToken(), 0);
      sockets.add(socket);
    }

    void stop() {
      stopped = true;
    }

    long roundsSince(long when) {
      return bought.stream().filter(b -> b.seenPaidAt() > when).count();
    }

    void shop(AtomicInteger paid) throws Exception {
      while (!stopped) {
        call(
            "add to cart",
            api ->
                api.post(
                    "/api/v1/cart/items",
                    account.accessToken(),
                    new JsonObject().put("productId", product.id()).put("quantity", 1)),
            r -> r.status() == 200);
        String key = UUID.randomUUID().toString();
        // a 409 without field errors: the key is held by a checkout that died; it is taken over
        // once its lease ends
        Api.Response started =
            call(
                "checkout",
                api ->
                    Checkouts.checkout(
                        api, account.accessToken(), key, Checkouts.checkoutBody("GB")),
                r -> r.status() < 500 && !(r.status() == 409 && !r.json().containsKey("errors")));
        if (started.status() != 201) {
          refused.add(started);
          continue;
        }
        String orderId = started.json().getString("orderId");
        assertThat(Checkouts.pay(started.json().getString("checkoutUrl"), Checkouts.PAYS))
            .as("paying " + orderId)
            .isEqualTo(303);
        long paidOnStripe = System.nanoTime();
        // the bought line leaves the cart when the order is paid: the next round waits for it
        call(
            "order " + orderId,
            api -> api.get("/api/v1/orders/" + orderId, account.accessToken()),
            r -> r.status() == 200 && "paid".equals(r.json().getString("status")));
        bought.add(new Bought(orderId, paidOnStripe, System.nanoTime()));
        paid.incrementAndGet();
      }
    }

    /**
     * Sends the request until {@code done} holds; no answer or a 5xx moves this buyer to the second
     * edge for good.
     */
    Api.Response call(
        String what, Function<Api, Api.Response> request, Predicate<Api.Response> done)
        throws InterruptedException {
      long deadline = System.nanoTime() + CALL_PATIENCE.toNanos();
      while (true) {
        int on = edge;
        Api.Response answer;
        try {
          answer = request.apply(edges[on]);
        } catch (Exception noAnswer) {
          // what await() rethrows as it came, a ConnectException too
          answer = null;
        }
        if (answer != null && done.test(answer)) {
          if (on == 1 && failedAt != 0 && recoveredAt == 0) {
            recoveredAt = System.nanoTime();
          }
          return answer;
        }
        if ((answer == null || answer.status() >= 500) && on == 0) {
          failedAt = System.nanoTime();
          firstFailure = what + ": " + (answer == null ? "no answer" : answer.toString());
          edge = 1;
        }
        assertThat(System.nanoTime())
            .as("%s: no fitting answer within %s, last %s", what, CALL_PATIENCE, answer)
            .isLessThan(deadline);
        Thread.sleep(200);
      }
    }

    /**
     * Reconnects to the second edge once the socket closes, asking for what came after the last
     * number it saw.
     */
    void keepListening() throws InterruptedException {
      BridgeClient first = sockets.get(0);
      while (!first.awaitClosed(Duration.ofMillis(100))) {
        if (stopped) {
          return;
        }
      }
      socketClosedAt = System.nanoTime();
      long since = lastSeq(first);
      first.close();
      BridgeClient again = null;
      while (again == null) {
        try {
          again = BridgeClient.connect(edgePort(2));
        } catch (AssertionError refused) {
          assertThat(System.nanoTime() - socketClosedAt)
              .as("reconnecting to edge-2")
              .isLessThan(CALL_PATIENCE.toNanos());
          Thread.sleep(200);
        }
      }
      again.register(address, account.accessToken(), since);
      sockets.add(again);
      socketReconnectedAt = System.nanoTime();
    }

    void assertNoFailureBeforeTheKill(SoftAssertions invariants, Kills kills) {
      if (failedAt != 0) {
        invariants
            .assertThat(failedAt)
            .as("a buyer's first failed request (%s) came after edge-1 was killed", firstFailure)
            .isGreaterThanOrEqualTo(kills.edge);
      }
      invariants
          .assertThat(recoveredAt)
          .as("%s went on through edge-2 after edge-1 died", account.email())
          .isPositive();
      invariants.assertThat(refused).as("checkouts refused").isEmpty();
    }

    void assertEveryPaymentSeenIsAPaidOrder(SoftAssertions invariants) {
      for (Bought b : bought) {
        invariants
            .assertThat(
                query(
                        "SELECT status FROM ordering.orders WHERE id = $1",
                        UUID.fromString(b.orderId()))
                    .iterator()
                    .next()
                    .getString("status"))
            .as("order %s, paid on the emulator and seen paid", b.orderId())
            .isEqualTo("paid");
      }
    }

    /**
     * The messages of all this buyer's sockets, in the order they came, are numbered 1, 2, 3, ...
     * up to the last push stored for the address: none missed across the reconnection, none twice;
     * and each order was heard paid once.
     */
    void assertItsSocketsHeardEveryPushOnceInOrder(SoftAssertions invariants, Kills kills)
        throws InterruptedException {
      long stored =
          query("SELECT coalesce(max(seq), 0) FROM realtime.pushes WHERE address = $1", address)
              .iterator()
              .next()
              .getLong(0);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (lastSeq(sockets.get(sockets.size() - 1)) < stored && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      List<Long> heard =
          sockets.stream()
              .flatMap(s -> s.messages(address).stream())
              .map(m -> m.getLong("seq"))
              .toList();
      invariants
          .assertThat(heard)
          .as("the numbers of the messages %s heard on %d sockets", address, sockets.size())
          .isEqualTo(LongStream.rangeClosed(1, stored).boxed().toList());
      invariants
          .assertThat(sockets)
          .as("%s's sockets: the one on edge-1, then one on edge-2", address)
          .hasSize(2);
      invariants
          .assertThat(socketClosedAt)
          .as("%s's socket on edge-1 closed after the edge was killed", address)
          .isGreaterThanOrEqualTo(kills.edge);
      for (Bought b : bought) {
        invariants
            .assertThat(
                sockets.stream()
                    .flatMap(s -> s.messages(address).stream())
                    .filter(
                        m ->
                            b.orderId().equals(m.getString("orderId"))
                                && "paid".equals(m.getString("status")))
                    .count())
            .as("'paid' messages of order %s", b.orderId())
            .isEqualTo(1);
      }
    }
  }

  /** Waits until no order of the product waits for payment and no unit is held; returns when. */
  private static long settle(SoftAssertions invariants) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_PATIENCE.toNanos();
    Row open = unsettled();
    while ((open.getLong("pending") > 0 || open.getLong("held") > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      open = unsettled();
    }
    invariants
        .assertThat(open.getLong("pending"))
        .as("orders still pending_payment %s after the load", SETTLE_PATIENCE)
        .isZero();
    invariants
        .assertThat(open.getLong("held"))
        .as("reservations still held %s after the load", SETTLE_PATIENCE)
        .isZero();
    return System.nanoTime();
  }

  private static Row unsettled() {
    return query(
            """
        SELECT (SELECT count(*) FROM ordering.orders o WHERE o.status = 'pending_payment'
                  AND EXISTS (SELECT 1 FROM ordering.order_items i WHERE i.order_id = o.id AND i.sku = $1)) AS pending,
               (SELECT count(*) FROM catalog.reservations r JOIN catalog.reservation_items ri USING (order_id)
                  WHERE r.status = 'held' AND ri.sku = $1) AS held""",
            product.sku())
        .iterator()
        .next();
  }

  /**
   * Each order of the product ended paid or cancelled through exactly one such move; a paid order
   * has one success in the payment ledger and a committed reservation, a cancelled one no success
   * and no reservation left holding.
   */
  private static void noOrderMovedTwoWaysOrWasPaidTwice(SoftAssertions invariants) {
    for (Row o :
        query(
            """
        SELECT o.id, o.status,
               (SELECT count(*) FROM ordering.order_status_history h WHERE h.order_id = o.id AND h.status = 'paid') AS paid_moves,
               (SELECT count(*) FROM ordering.order_status_history h WHERE h.order_id = o.id AND h.status = 'cancelled') AS cancel_moves,
               (SELECT count(*) FROM payment.ledger l WHERE l.order_id = o.id AND l.kind = 'succeeded') AS successes,
               (SELECT r.status FROM catalog.reservations r WHERE r.order_id = o.id) AS reservation
        FROM ordering.orders o WHERE EXISTS (SELECT 1 FROM ordering.order_items i WHERE i.order_id = o.id AND i.sku = $1)""",
            product.sku())) {
      String id = o.getUUID("id").toString();
      String status = o.getString("status");
      invariants.assertThat(status).as("order %s", id).isIn("paid", "cancelled");
      invariants
          .assertThat(List.of(o.getLong("paid_moves"), o.getLong("cancel_moves")))
          .as("order %s (%s): its moves to paid and to cancelled", id, status)
          .isEqualTo(status.equals("paid") ? List.of(1L, 0L) : List.of(0L, 1L));
      invariants
          .assertThat(o.getLong("successes"))
          .as("order %s (%s): successful payments in the ledger", id, status)
          .isEqualTo(status.equals("paid") ? 1L : 0L);
      invariants
          .assertThat(o.getString("reservation"))
          .as("order %s (%s): its reservation", id, status)
          .isIn(status.equals("paid") ? List.of("committed") : Arrays.asList("released", null));
    }
  }

  /**
   * One 'paid' push to the buyer and one newOrder push to the seller per paid order, one
   * confirmation mail per paid order.
   */
  private static void nothingWasPushedOrMailedTwice(SoftAssertions invariants, List<Buyer> buyers)
      throws InterruptedException {
    List<String> paid =
        query(
                """
        SELECT o.id::text FROM ordering.orders o WHERE o.status = 'paid'
          AND EXISTS (SELECT 1 FROM ordering.order_items i WHERE i.order_id = o.id AND i.sku = $1)""",
                product.sku())
            .stream()
            .map(r -> r.getString(0))
            .toList();
    Map<String, Long> toBuyers =
        counts(
            """
        SELECT body::jsonb->>'orderId', count(*) FROM realtime.pushes
        WHERE address LIKE 'user.%.orders' AND body::jsonb->>'status' = 'paid' AND body::jsonb->>'orderId' = ANY($1) GROUP BY 1""",
            (Object) paid.toArray(String[]::new));
    Map<String, Long> toSeller =
        counts(
            """
        SELECT body::jsonb->>'orderId', count(*) FROM realtime.pushes
        WHERE address = $2 AND body::jsonb->>'type' = 'newOrder' AND body::jsonb->>'orderId' = ANY($1) GROUP BY 1""",
            paid.toArray(String[]::new),
            "seller." + product.sellerId() + ".orders");
    for (String id : paid) {
      invariants
          .assertThat(toBuyers.getOrDefault(id, 0L))
          .as("'paid' pushes of order %s", id)
          .isEqualTo(1);
      invariants
          .assertThat(toSeller.getOrDefault(id, 0L))
          .as("newOrder pushes of order %s", id)
          .isEqualTo(1);
    }
    for (Buyer b : buyers) {
      long paidOrders =
          query(
                  "SELECT count(*) FROM ordering.orders WHERE customer_id = $1 AND status = 'paid'",
                  UUID.fromString(b.account.id()))
              .iterator()
              .next()
              .getLong(0);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long mailed;
      do {
        mailed =
            query(
                    "SELECT count(*) FROM realtime.sent_mails WHERE kind = 'order_confirmation' AND recipient = lower($1)",
                    b.account.email())
                .iterator()
                .next()
                .getLong(0);
      } while (mailed < paidOrders && System.nanoTime() < deadline && sleep(200));
      invariants
          .assertThat(mailed)
          .as("confirmations mailed to %s for %d paid orders", b.account.email(), paidOrders)
          .isEqualTo(paidOrders);
    }
  }

  private static void stockBalances(SoftAssertions invariants) {
    StockBalance b = StockBalance.check(invariants, TopologyIT::query, product.sku(), STOCK);
    System.out.printf(
        "TopologyIT: stock %d = available %d + sold %d + held %d%n",
        STOCK, b.available(), b.sold(), b.held());
  }

  /** No consumer gave up on a message, in any schema. */
  private static void nothingWasParked(SoftAssertions invariants) {
    for (String schema : List.of("identity", "catalog", "ordering", "payment", "realtime")) {
      invariants
          .assertThat(
              query("SELECT count(*) FROM " + schema + ".parked_messages")
                  .iterator()
                  .next()
                  .getLong(0))
          .as("messages parked in %s", schema)
          .isZero();
    }
  }

  private static void reportTimings(
      List<Buyer> buyers, Kills kills, long loadBegan, long loadEnded, long settled) {
    List<Bought> all = buyers.stream().flatMap(b -> b.bought.stream()).toList();
    List<Long> before =
        all.stream()
            .filter(b -> b.seenPaidAt() < kills.edge)
            .map(TopologyIT::payToPaid)
            .sorted()
            .toList();
    List<Long> after =
        all.stream()
            .filter(b -> b.paidOnStripeAt() > kills.ordering)
            .map(TopologyIT::payToPaid)
            .sorted()
            .toList();
    List<Long> across =
        all.stream()
            .filter(b -> b.paidOnStripeAt() <= kills.ordering && b.seenPaidAt() >= kills.edge)
            .map(TopologyIT::payToPaid)
            .sorted()
            .toList();
    List<Long> inFlight =
        all.stream()
            .filter(b -> b.paidOnStripeAt() <= kills.ordering && b.seenPaidAt() > kills.ordering)
            .map(b -> millis(b.seenPaidAt() - kills.ordering))
            .sorted()
            .toList();
    List<Long> edgeFailover =
        buyers.stream()
            .filter(b -> b.recoveredAt != 0)
            .map(b -> millis(b.recoveredAt - kills.edge))
            .sorted()
            .toList();
    List<Long> reconnects =
        buyers.stream()
            .filter(b -> b.socketReconnectedAt != 0)
            .map(b -> millis(b.socketReconnectedAt - kills.edge))
            .sorted()
            .toList();
    System.out.printf(
        "TopologyIT: %d buyers, %d paid orders in %d s of load (%d before the kills); edge-1 killed, ordering-1 %d ms later%n",
        buyers.size(),
        all.size(),
        millis(loadEnded - loadBegan) / 1000,
        kills.paidBefore,
        millis(kills.ordering - kills.edge));
    System.out.printf(
        "TopologyIT: edge failover: from edge-1's kill to each buyer's first answer from edge-2: %s ms; "
            + "sockets reconnected to edge-2 with since: %s ms%n",
        edgeFailover, reconnects);
    System.out.printf(
        "TopologyIT: paid on the emulator to seen paid: before the kills median %d ms, max %d ms; "
            + "paid around the kills max %d ms (%d orders); after ordering-1's kill median %d ms, max %d ms%n",
        median(before), max(before), max(across), across.size(), median(after), max(after));
    System.out.printf(
        "TopologyIT: ordering failover: the %d orders paid on the emulator before ordering-1's kill and not yet seen paid "
            + "were seen paid %s ms after it%n",
        inFlight.size(), inFlight);
    System.out.printf(
        "TopologyIT: settled %d ms after the load stopped%n", millis(settled - loadEnded));
  }

  private static long payToPaid(Bought b) {
    return millis(b.seenPaidAt() - b.paidOnStripeAt());
  }

  private static long median(List<Long> sorted) {
    return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
  }

  private static long max(List<Long> sorted) {
    return sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
  }

  private static long lastSeq(BridgeClient socket) {
    return socket.frames().stream()
        .filter(f -> "rec".equals(f.getString("type")) && f.getValue("body") instanceof JsonObject)
        .map(f -> f.getJsonObject("body").getLong("seq"))
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder())
        .orElse(0L);
  }

  private static int edgePort(int n) {
    return port("EDGE_" + n + "_PORT");
  }

  private static int port(String name) {
    return Integer.parseInt(topology.get(name));
  }

  /** Order status changes to paid that this ordering replica committed, from its /metrics. */
  private static double movedToPaid(Api replica) {
    return ScrapedMetrics.of(replica)
        .value("emporium_order_status_changes_total", Map.of("to", "paid"));
  }

  private static String container(String name) {
    return topology.get("CONTAINER_PREFIX") + name;
  }

  /** The container's own HEALTHCHECK passes. */
  private static boolean healthy(String name) {
    try {
      return new ProcessBuilder("podman", "healthcheck", "run", container(name))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs podman, failing on a non-zero exit; its output. */
  private static String podman(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out.strip();
  }

  private static RowSet<Row> query(String sql, Object... params) {
    return db.preparedQuery(sql).execute(Tuple.wrap(params)).await();
  }

  private static Map<String, Long> counts(String sql, Object... params) {
    Map<String, Long> counts = new HashMap<>();
    query(sql, params).forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  private static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
