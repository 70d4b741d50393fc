package io.emporium.deploy;

import static io.emporium.deploy.Launchers.*;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform killed with SIGKILL in the middle of checkouts restarts on its data directory and
 * settles every order by itself: no unit of stock lost or left held, every payment a buyer made
 * kept, one order per Idempotency-Key, one confirmation mail per paid order. The Stripe emulator
 * and an SMTP server (GreenMail, in the test JVM) run outside the platform's process, as Stripe and
 * a mail server do, so they live through the crash. Then its embedded Redis dies alone, and at last
 * the launcher is killed again: nothing it started may outlive it. The timings are printed as
 * {@code CrashIT:} lines in the build log.
 */
class CrashIT {
  private static final int BUYERS = 24;
  private static final int PLENTY_STOCK = 30;

  /**
   * Fewer units than the buyers of it want, so some checkouts are refused for stock and
   * compensated.
   */
  private static final int SCARCE_STOCK = 8;

  /**
   * Buyers arrive in waves of this many at once; the platform dies amid them, see {@link
   * #crashMidCheckoutAndRestart}.
   */
  private static final int WAVE = 4;

  private static final Duration BETWEEN_WAVES = Duration.ofMillis(400);
  private static final int KILL_AFTER_ANSWERS = 6;

  /** Checkouts between the steps of their saga (their key still running) when the platform dies. */
  private static final int KILL_AMID_CHECKOUTS = 2;

  /**
   * A key held by a request that died is free again when its two-minute lease ends: retries wait
   * that out.
   */
  private static final Duration RETRY_PATIENCE = Duration.ofSeconds(150);

  private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(120);
  private static final String ADMIN_EMAIL = "admin@crash.test";
  private static final String CONFIRMED = "is confirmed";

  /** Everything the crash must not break; all are checked, and reported together at the end. */
  private final SoftAssertions invariants = new SoftAssertions();

  private final Vertx vertx = Vertx.vertx();
  private Path data;
  private Map<String, String> settings;
  private Api api;
  private Pool db;
  private String admin;

  /** The orders the restarted platform found waiting for payment, and when it was ready. */
  private List<UUID> pendingAtRestart = List.of();

  private long restartedAt;

  /** What a buyer will buy, and whether they walk away from the payment page. */
  private record Plan(Checkouts.Product product, int quantity, boolean walksAway) {}

  private enum Stage {
    ARRIVING,
    CHECKING_OUT,
    WAITING_TO_RETRY,
    PAYING,
    PAID_ON_STRIPE,
    WALKED_AWAY,
    REFUSED
  }

  /**
   * One buyer: an account on a client address of its own, one product in the cart, one
   * Idempotency-Key.
   */
  private static final class Buyer {
    final Api api;
    final Accounts.Account account;
    final Plan plan;
    final String key = UUID.randomUUID().toString();
    volatile Stage stage = Stage.ARRIVING;
    volatile boolean retried;
    volatile long retryingMillis;
    volatile Api.Response answer;
    volatile boolean sawPaid;

    Buyer(Api api, Accounts.Account account, Plan plan) {
      this.api = api;
      this.account = account;
      this.plan = plan;
    }

    String orderId() {
      return answer != null && answer.status() == 201 ? answer.json().getString("orderId") : null;
    }

    /** Checks out under its key once; null when no answer came (the connection failed). */
    Api.Response checkout() {
      try {
        return Checkouts.checkout(api, account.accessToken(), key, Checkouts.checkoutBody("GB"));
      } catch (Exception connectionLost) {
        return null;
      }
    }
  }

  @Test
  void aPlatformKilledMidCheckoutSettlesEveryOrderOnRestartAndLeavesNothingRunning(
      @TempDir Path dir) throws Exception {
    data = dir.resolve("data");
    int stripePort = TestPlatform.freePort();
    Process emulator = null;
    Process platform = null;
    GreenMail smtp =
        new GreenMail(
            new ServerSetup(TestPlatform.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    try {
      settings = platformSettings(stripePort, smtp.getSmtp().getPort());
      api =
          Api.connect(Integer.parseInt(settings.get("APP_PORT")), TestPlatform.newClientAddress());
      // first, so that it generates the webhook secret in the data directory that the platform then
      // takes too
      emulator =
          startAndAwaitReady(
              emulatorSettings(stripePort),
              dir.resolve("stripe-emulator.log"),
              "--services=stripe-emulator");
      platform = startAndAwaitReady(settings, dir.resolve("first.log"));
      admin = Accounts.login(api, ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
      Accounts.Account seller = Accounts.registered(api, "seller");
      Checkouts.Product plenty = Checkouts.product(api, seller, 1_500, PLENTY_STOCK);
      Checkouts.Product scarce = Checkouts.product(api, seller, 2_500, SCARCE_STOCK);
      List<Buyer> buyers =
          prepare(
              IntStream.range(0, BUYERS)
                  .mapToObj(
                      i ->
                          i % 2 == 0
                              ? new Plan(plenty, 2, i % 4 == 3)
                              : new Plan(scarce, 1, i % 4 == 3))
                  .toList());
      db = database();

      platform = crashMidCheckoutAndRestart(platform, buyers, dir);
      settle(buyers, Map.of(plenty.sku(), PLENTY_STOCK, scarce.sku(), SCARCE_STOCK));
      List<Buyer> later = redisDiesAlone(platform, plenty);
      oneConfirmationPerPaidOrder(smtp, concat(buyers, later));
      killedForGood(platform);
    } finally {
      if (platform != null) {
        platform.destroyForcibly();
      }
      if (emulator != null) {
        emulator.destroyForcibly();
      }
      smtp.stop();
      vertx.close();
    }
    invariants.assertAll();
  }

  private Map<String, String> platformSettings(int stripePort, int smtpPort) {
    Map<String, String> env = ports();
    env.put("DATA_DIR", data.toString());
    env.put("STRIPE_API_BASE", "http://127.0.0.1:" + stripePort);
    env.put("SMTP_HOST", "127.0.0.1");
    env.put("SMTP_PORT", Integer.toString(smtpPort));
    env.put("ADMIN_EMAIL", ADMIN_EMAIL);
    env.put("ADMIN_PASSWORD", TestPlatform.ADMIN_PASSWORD);
    // the shortest the settings allow, so that checkouts buyers walked away from settle within the
    // test
    env.put("CHECKOUT_SESSION_LIFETIME", "1m");
    env.put("CHECKOUT_OVERDUE_AFTER", "5s");
    env.put("CHECKOUT_SWEEP_INTERVAL", "1s");
    env.put("CHECKOUT_HOLD_MARGIN", "10s");
    env.put("CHECKOUT_ABANDONED_AFTER", "15s");
    // a buyer whose key is still held by a request that died asks again every two seconds until its
    // lease ends
    env.put("RATE_LIMIT_CHECKOUT_USER", "1000/1m");
    return env;
  }

  /**
   * The emulator on the platform's data directory (and so its webhook secret), delivering to the
   * platform's edge.
   */
  private Map<String, String> emulatorSettings(int stripePort) {
    return new HashMap<>(
        Map.of(
            "DATA_DIR",
            data.toString(),
            "APP_PORT",
            settings.get("APP_PORT"),
            "STRIPE_EMULATOR_PORT",
            Integer.toString(stripePort)));
  }

  /** Buyers with an account and their cart filled, made in parallel. */
  private List<Buyer> prepare(List<Plan> plans) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Buyer>> made = new ArrayList<>();
      for (Plan plan : plans) {
        made.add(
            threads.submit(
                () -> {
                  Api own =
                      Api.connect(
                          Integer.parseInt(settings.get("APP_PORT")),
                          TestPlatform.newClientAddress());
                  Accounts.Account customer = Accounts.registered(own, null);
                  Checkouts.addToCart(own, customer, plan.product(), plan.quantity());
                  return new Buyer(own, customer, plan);
                }));
      }
      List<Buyer> buyers = new ArrayList<>();
      for (var b : made) {
        buyers.add(b.get());
      }
      return buyers;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Buyers arrive in waves; the platform is killed amid their checkouts and restarted on the same
   * data directory.
   */
  private Process crashMidCheckoutAndRestart(Process platform, List<Buyer> buyers, Path dir)
      throws Exception {
    AtomicInteger answered = new AtomicInteger();
    CountDownLatch back = new CountDownLatch(1);
    // the first buyer alone, so that the waves meet a platform past its first checkout (connections
    // made, code compiled)
    shop(buyers.get(0), answered, back);
    ExecutorService shoppers = Executors.newFixedThreadPool(BUYERS);
    List<java.util.concurrent.Future<?>> shopping = new ArrayList<>();
    for (int i = 1; i < buyers.size(); i++) {
      Buyer b = buyers.get(i);
      long arrival = BETWEEN_WAVES.toMillis() * ((i - 1) / WAVE);
      shopping.add(
          shoppers.submit(
              () -> {
                Thread.sleep(arrival);
                shop(b, answered, back);
                return null;
              }));
    }
    shoppers.shutdown();
    long deadline =
        System.nanoTime() + BETWEEN_WAVES.multipliedBy(BUYERS / WAVE).plusSeconds(5).toNanos();
    while ((answered.get() < KILL_AFTER_ANSWERS || runningKeys() < KILL_AMID_CHECKOUTS)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<ProcessHandle> started = startedBy(platform, data);
    platform.destroyForcibly(); // SIGKILL: no shutdown hook runs
    long killed = System.nanoTime();
    Map<Stage, Long> atKill =
        buyers.stream()
            .collect(
                groupingBy(b -> b.stage, () -> new java.util.EnumMap<>(Stage.class), counting()));
    assertThat(platform.waitFor(30, TimeUnit.SECONDS)).isTrue();
    invariants
        .assertThat(stillRunning(started, Duration.ofSeconds(45)))
        .as("processes left behind by the launcher killed mid-load")
        .isEmpty();
    long gone = System.nanoTime();
    System.out.printf(
        "CrashIT: SIGKILL after %d answered checkouts; in flight at the kill: %d checkouts awaiting their answer, "
            + "%d payments being made on Stripe's page, %d paid on Stripe; %d walked away, %d refused, %d not yet arrived; "
            + "the %d processes it had started were gone %d ms later%n",
        answered.get(),
        atKill.getOrDefault(Stage.CHECKING_OUT, 0L),
        atKill.getOrDefault(Stage.PAYING, 0L),
        atKill.getOrDefault(Stage.PAID_ON_STRIPE, 0L),
        atKill.getOrDefault(Stage.WALKED_AWAY, 0L),
        atKill.getOrDefault(Stage.REFUSED, 0L),
        atKill.getOrDefault(Stage.ARRIVING, 0L),
        started.size(),
        millis(gone - killed));

    Process restarted = startAndAwaitReady(settings, dir.resolve("second.log"));
    long ready = System.nanoTime();
    Api.Response health =
        api.await(Duration.ofSeconds(60), () -> api.get("/health/ready"), r -> r.status() == 200);
    assertThat(health.status()).as(health.toString()).isEqualTo(200);
    long healthy = System.nanoTime();
    db.close().await();
    db = database();
    Row found =
        query(
                """
        SELECT (SELECT count(*) FROM ordering.orders WHERE status = 'pending_payment') AS pending,
               (SELECT count(*) FROM ordering.orders WHERE status = 'pending_payment' AND checkout_session_id IS NULL) AS sessionless,
               (SELECT count(*) FROM catalog.reservations WHERE status = 'held') AS held,
               (SELECT count(*) FROM ordering.idempotency_keys WHERE state = 'running') AS running""")
            .iterator()
            .next();
    System.out.printf(
        "CrashIT: restart to ready: %d ms to the launcher's ready line, %d ms to /health/ready 200 (%d ms after the SIGKILL); "
            + "it found %d orders pending_payment (%d without a payment session), %d stock holds, %d checkout keys still running%n",
        millis(ready - gone),
        millis(healthy - gone),
        millis(healthy - killed),
        found.getLong("pending"),
        found.getLong("sessionless"),
        found.getLong("held"),
        found.getLong("running"));
    pendingAtRestart =
        query("SELECT id FROM ordering.orders WHERE status = 'pending_payment'").stream()
            .map(r -> r.getUUID("id"))
            .toList();
    restartedAt = healthy;
    admin = Accounts.login(api, ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    back.countDown();
    assertThat(shoppers.awaitTermination(RETRY_PATIENCE.toSeconds() + 30, TimeUnit.SECONDS))
        .as("every buyer finished")
        .isTrue();
    for (var s : shopping) {
      try {
        s.get();
      } catch (java.util.concurrent.ExecutionException e) {
        invariants.fail("a buyer could not shop", e.getCause());
      }
    }
    return restarted;
  }

  /**
   * Checkout under the buyer's key; a request that got no answer or a 5xx is sent again, same key
   * and body, once the platform is back. Then the buyer pays on the hosted page, or walks away; one
   * who had to retry pays, since a late order walked away from would take a whole time to pay to
   * settle.
   */
  private static void shop(Buyer b, AtomicInteger answered, CountDownLatch back) throws Exception {
    b.stage = Stage.CHECKING_OUT;
    Api.Response answer = b.checkout();
    if (answer == null || answer.status() >= 500) {
      b.retried = true;
      b.stage = Stage.WAITING_TO_RETRY;
      back.await();
      long asked = System.nanoTime();
      answer = retried(b);
      b.retryingMillis = millis(System.nanoTime() - asked);
    } else {
      answered.incrementAndGet();
    }
    b.answer = answer;
    if (answer == null || answer.status() != 201) {
      b.stage = Stage.REFUSED;
      return;
    }
    if (b.plan.walksAway() && !b.retried) {
      b.stage = Stage.WALKED_AWAY;
      return;
    }
    b.stage = Stage.PAYING;
    b.sawPaid = Checkouts.pay(answer.json().getString("checkoutUrl"), Checkouts.PAYS) == 303;
    b.stage = b.sawPaid ? Stage.PAID_ON_STRIPE : Stage.REFUSED;
  }

  /**
   * As a client retries: until an answer that is not "try again" (a 5xx, or a 409 naming no item:
   * the key is still held).
   */
  private static Api.Response retried(Buyer b) throws InterruptedException {
    long deadline = System.nanoTime() + RETRY_PATIENCE.toNanos();
    Api.Response last = b.checkout();
    while ((last == null
            || last.status() >= 500
            || (last.status() == 409 && !last.json().containsKey("errors")))
        && System.nanoTime() < deadline) {
      Thread.sleep(2_000);
      last = b.checkout();
    }
    return last;
  }

  /**
   * Waits for the sweeper to settle what the crash left, then checks every invariant on stock,
   * orders and keys.
   */
  private void settle(List<Buyer> buyers, Map<String, Integer> initial) throws Exception {
    long deadline = System.nanoTime() + SETTLE_PATIENCE.toNanos();
    Row open = unsettled();
    while ((open.getLong("pending") > 0 || open.getLong("held") > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      open = unsettled();
    }
    long settled = System.nanoTime();
    invariants
        .assertThat(open.getLong("pending"))
        .as("orders still pending_payment %s after the restart", SETTLE_PATIENCE)
        .isZero();

    Map<String, Long> outcomes = new TreeMap<>();
    for (UUID id : pendingAtRestart) {
      Row o =
          query(
                  """
          SELECT o.status, (SELECT h.reason FROM ordering.order_status_history h WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1) AS reason
          FROM ordering.orders o WHERE o.id = $1""",
                  id)
              .iterator()
              .next();
      outcomes.merge(
          o.getString("status")
              + (o.getString("reason") == null ? "" : " (" + o.getString("reason") + ")"),
          1L,
          Long::sum);
    }
    List<Buyer> retried = buyers.stream().filter(b -> b.retried).toList();
    System.out.printf(
        "CrashIT: settled %d ms after the restart; of the %d orders pending at the restart: %s; %d buyers retried "
            + "after the restart (longest wait for an answer %d ms); outcomes: %s%n",
        millis(settled - restartedAt),
        pendingAtRestart.size(),
        outcomes.isEmpty() ? "none" : outcomes,
        retried.size(),
        retried.stream().mapToLong(b -> b.retryingMillis).max().orElse(0),
        buyers.stream().collect(groupingBy(b -> b.stage, TreeMap::new, counting())));

    stockIsConserved(initial);
    noOrderIsLeftPending();
    for (Buyer b : buyers) {
      aPaymentSeenIsAPaidOrder(b);
      oneOrderPerKey(b);
    }
  }

  /** The embedded PostgreSQL of the running platform (its port changes with each start). */
  private Pool database() throws IOException {
    return PgBuilder.pool()
        .connectingTo(
            new PgConnectOptions()
                .setHost("127.0.0.1")
                .setPort(postgresPort(data))
                .setUser("postgres")
                .setDatabase("emporium"))
        .using(vertx)
        .build();
  }

  private long runningKeys() {
    return query("SELECT count(*) FROM ordering.idempotency_keys WHERE state = 'running'")
        .iterator()
        .next()
        .getLong(0);
  }

  private Row unsettled() {
    return query(
            """
        SELECT (SELECT count(*) FROM ordering.orders WHERE status = 'pending_payment') AS pending,
               (SELECT count(*) FROM catalog.reservations WHERE status = 'held') AS held""")
        .iterator()
        .next();
  }

  private void stockIsConserved(Map<String, Integer> initial) {
    initial.forEach((sku, stock) -> StockBalance.check(invariants, this::query, sku, stock));
  }

  private void noOrderIsLeftPending() {
    Api.Response pending = api.get("/api/v1/admin/orders?status=pending_payment&limit=100", admin);
    assertThat(pending.status()).as(pending.toString()).isEqualTo(200);
    invariants
        .assertThat(
            pending.json().getJsonArray("items").stream()
                .map(o -> history(((JsonObject) o).getString("id")))
                .toList())
        .as("orders left pending_payment")
        .isEmpty();
  }

  private void aPaymentSeenIsAPaidOrder(Buyer b) {
    if (!b.sawPaid) {
      return;
    }
    JsonObject order = api.get("/api/v1/orders/" + b.orderId(), admin).json();
    invariants
        .assertThat(order.getString("status"))
        .as("the buyer paid on Stripe's page, yet %s", history(b.orderId()))
        .isEqualTo("paid");
  }

  /**
   * The buyer's key answers one order, again and again: every other order of the buyer is a dead
   * attempt that its retry cancelled, and never more than one order of the buyer is live.
   */
  private void oneOrderPerKey(Buyer b) {
    List<Row> orders =
        query(
                """
        SELECT o.id, o.status, (SELECT h.reason FROM ordering.order_status_history h WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1) AS reason
        FROM ordering.orders o WHERE o.customer_id = $1""",
                UUID.fromString(b.account.id()))
            .stream()
            .toList();
    List<String> live =
        orders.stream()
            .filter(o -> !o.getString("status").equals("cancelled"))
            .map(o -> history(o.getUUID("id").toString()))
            .toList();
    invariants.assertThat(live).as("live orders of the key %s", b.key).hasSizeLessThanOrEqualTo(1);
    if (b.answer == null) {
      invariants.fail("the checkout under key %s never got an answer", b.key);
      return;
    }
    String answered = b.orderId();
    if (answered != null) {
      invariants
          .assertThat(
              orders.stream()
                  .filter(o -> !o.getUUID("id").toString().equals(answered))
                  .filter(o -> !o.getString("status").equals("cancelled"))
                  .map(o -> history(o.getUUID("id").toString()))
                  .toList())
          .as("orders of key %s besides the one it answered (%s)", b.key, answered)
          .isEmpty();
    }
    Api.Response again = b.checkout();
    invariants
        .assertThat(
            again == null
                ? "no answer"
                : again.status()
                    + " "
                    + (again.status() == 201
                        ? again.json().getString("orderId")
                        : again.json().getString("detail")))
        .as("the key %s asked again", b.key)
        .isEqualTo(
            b.answer.status()
                + " "
                + (answered != null ? answered : b.answer.json().getString("detail")));
    invariants
        .assertThat(
            query(
                    "SELECT count(*) FROM ordering.orders WHERE customer_id = $1",
                    UUID.fromString(b.account.id()))
                .iterator()
                .next()
                .getLong(0))
        .as("orders of key %s after asking again", b.key)
        .isEqualTo(orders.size());
  }

  /**
   * The embedded Redis is killed alone: checkouts go on (or answer 503 with Retry-After), and the
   * platform recovers.
   */
  private List<Buyer> redisDiesAlone(Process platform, Checkouts.Product product) throws Exception {
    List<Buyer> buyers =
        prepare(
            List.of(
                new Plan(product, 1, false),
                new Plan(product, 1, false),
                new Plan(product, 1, false)));
    ProcessHandle redis = redisOf(platform);
    redis.destroyForcibly();
    long killed = System.nanoTime();
    List<String> whileDown = new ArrayList<>();
    for (Buyer b : buyers) {
      b.answer = b.checkout();
      whileDown.add(b.answer == null ? "no answer" : Integer.toString(b.answer.status()));
      invariants
          .assertThat(
              b.answer != null
                  && (b.answer.status() == 201
                      || b.answer.status() == 503 && b.answer.header("Retry-After") != null))
          .as("a checkout while Redis is down: %s", b.answer)
          .isTrue();
    }
    Api.Response ready =
        api.await(Duration.ofSeconds(60), () -> api.get("/health/ready"), r -> r.status() == 200);
    long recovered = System.nanoTime();
    invariants
        .assertThat(ready.status())
        .as("/health/ready after Redis died: %s", ready)
        .isEqualTo(200);
    invariants.assertThat(redisOf(platform).pid()).as("a new Redis").isNotEqualTo(redis.pid());
    for (Buyer b : buyers) {
      if (b.answer == null || b.answer.status() != 201) {
        b.answer = retried(b);
      }
      invariants
          .assertThat(b.answer == null ? null : b.answer.status())
          .as("checkout once Redis is back: %s", b.answer)
          .isEqualTo(201);
      if (b.orderId() != null) {
        b.sawPaid = Checkouts.pay(b.answer.json().getString("checkoutUrl"), Checkouts.PAYS) == 303;
        Api.Response paid =
            b.api.await(
                Duration.ofSeconds(30),
                () -> b.api.get("/api/v1/orders/" + b.orderId(), b.account.accessToken()),
                r -> r.status() == 200 && r.json().getString("status").equals("paid"));
        invariants
            .assertThat(paid.json().getString("status"))
            .as("sold while Redis came back: %s", history(b.orderId()))
            .isEqualTo("paid");
      }
    }
    System.out.printf(
        "CrashIT: Redis killed alone: checkouts right after answered %s; /health/ready 200 again %d ms after the kill%n",
        whileDown, millis(recovered - killed));
    return buyers;
  }

  /**
   * Each paid order mails its buyer one confirmation; an order not paid mails none. Counted by
   * Message-ID, as mail systems tell copies apart: a mail the SMTP server accepted just before the
   * kill, but not yet recorded as sent, is sent again after the restart under the same Message-ID
   * (the one window docs/features.md names); such copies are reported.
   */
  private void oneConfirmationPerPaidOrder(GreenMail smtp, List<Buyer> buyers) throws Exception {
    Map<Buyer, List<String>> paid = new HashMap<>();
    for (Buyer b : buyers) {
      paid.put(
          b,
          query(
                  "SELECT id FROM ordering.orders WHERE customer_id = $1 AND status = 'paid'",
                  UUID.fromString(b.account.id()))
              .stream()
              .map(r -> r.getUUID("id").toString())
              .toList());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (buyers.stream().anyMatch(b -> distinct(confirmations(smtp, b)) < paid.get(b).size())
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    long paidOrders = 0;
    long received = 0;
    for (Buyer b : buyers) {
      List<Received> mails = confirmations(smtp, b);
      paidOrders += paid.get(b).size();
      received += mails.size();
      invariants
          .assertThat(distinct(mails))
          .as("confirmations to %s for paid orders %s: %s", b.account.email(), paid.get(b), mails)
          .isEqualTo(paid.get(b).size());
      for (String orderId : paid.get(b)) {
        List<Received> of =
            mails.stream().filter(m -> m.subject().contains(orderId.substring(0, 8))).toList();
        invariants.assertThat(distinct(of)).as("confirmations of %s: %s", orderId, of).isEqualTo(1);
        if (of.size() > 1) {
          System.out.printf(
              "CrashIT: the confirmation of order %s came %d times under one Message-ID, dated %s%n",
              orderId, of.size(), of.stream().map(Received::sentAt).toList());
        }
      }
    }
    System.out.printf(
        "CrashIT: %d paid orders, %d confirmation mails received%n", paidOrders, received);
  }

  /** A confirmation as the SMTP server received it. */
  private record Received(String subject, String messageId, java.util.Date sentAt) {}

  private static long distinct(List<Received> mails) {
    return mails.stream().map(Received::messageId).distinct().count();
  }

  private static List<Received> confirmations(GreenMail smtp, Buyer b) {
    List<Received> found = new ArrayList<>();
    try {
      for (MimeMessage m : smtp.getReceivedMessages()) {
        if (m.getSubject().contains(CONFIRMED)
            && ((InternetAddress) m.getAllRecipients()[0])
                .getAddress()
                .equalsIgnoreCase(b.account.email())) {
          found.add(new Received(m.getSubject(), m.getMessageID(), m.getSentDate()));
        }
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  /**
   * SIGKILL of the launcher: PostgreSQL, Redis and their watchdogs end with it (Kafka runs inside
   * its JVM).
   */
  private void killedForGood(Process platform) throws Exception {
    db.close().await();
    List<ProcessHandle> started = startedBy(platform, data);
    platform.destroyForcibly();
    long killed = System.nanoTime();
    assertThat(platform.waitFor(30, TimeUnit.SECONDS)).isTrue();
    invariants
        .assertThat(stillRunning(started, Duration.ofSeconds(45)))
        .as("processes left behind by the killed launcher")
        .isEmpty();
    invariants
        .assertThat(
            ProcessHandle.allProcesses()
                .filter(h -> command(h).contains(data.toString()))
                .map(Launchers::command)
                .toList())
        .as("processes working on the data directory")
        .isEmpty();
    System.out.printf(
        "CrashIT: final SIGKILL: the %d processes the launcher had started were gone %d ms later%n",
        started.size(), millis(System.nanoTime() - killed));
  }

  /** What an admin sees of an order, and its payment ledger, for a failure report. */
  private String history(String orderId) {
    Api.Response r = api.get("/api/v1/orders/" + orderId, admin);
    if (r.status() != 200) {
      return "order " + orderId + ": " + r;
    }
    JsonObject o = r.json();
    String steps =
        o.getJsonArray("statusHistory").stream()
            .map(h -> (JsonObject) h)
            .map(
                h ->
                    h.getString("status")
                        + (h.getString("reason") == null ? "" : " (" + h.getString("reason") + ")")
                        + " at "
                        + h.getString("at"))
            .collect(joining(" -> "));
    String ledger =
        query(
                "SELECT kind FROM payment.ledger WHERE order_id = $1 ORDER BY id",
                UUID.fromString(orderId))
            .stream()
            .map(l -> l.getString("kind"))
            .collect(joining(", "));
    return "order "
        + orderId
        + " is "
        + o.getString("status")
        + ", payment "
        + o.getJsonObject("payment").encode()
        + ", history: "
        + steps
        + ", ledger: ["
        + ledger
        + "]";
  }

  private io.vertx.sqlclient.RowSet<Row> query(String sql, Object... params) {
    return db.preparedQuery(sql).execute(Tuple.wrap(params)).await();
  }

  private static List<Buyer> concat(List<Buyer> a, List<Buyer> b) {
    List<Buyer> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
