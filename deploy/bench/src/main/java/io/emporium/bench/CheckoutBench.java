package io.emporium.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkout benchmark against a running platform in embedded mode (the Stripe emulator and {@code
 * /dev/mailbox}).
 *
 * <p>One seller lists one product with ample stock; N buyers, each signed up through REST and
 * sending from a loopback address of its own (the per-address login limit counts them apart), loop:
 * add one item to the cart → {@code POST /checkout} with a fresh {@code Idempotency-Key} → pay on
 * the emulator's hosted page → wait for the push saying the order is {@code paid} (webhook →
 * payment inbox → Kafka → ordering → Kafka → realtime → the bridge). Like a storefront, each buyer
 * learns of it from one SockJS socket (the raw WebSocket transport), registered with its access
 * token for its {@code user.{id}.orders}, and pinging as vertx-eventbus.js does; it registers with
 * {@code since} 0, so a push published before the registration took effect is replayed, not lost.
 *
 * <p>After a warm-up it measures, over a fixed window: completed (paid) checkouts per second,
 * p50/p99 of each step's latency (the checkout request is the headline; "paid after pay" is the
 * asynchronous settlement as the buyer sees it: from the pay page's answer to the push), and
 * failures by step and status; a push that has not come {@link #SETTLE_TIMEOUT_MS} after the pay
 * page answered is a failure.
 *
 * <p>With a PayPal share, that percentage of the buyers checks out with {@code paymentMethod}
 * {@code paypal} instead and approves on the PayPal emulator's page ({@code approveUrl}/approve);
 * the platform captures by itself. Their settlement is reported apart, as "paid after approve".
 *
 * <p>Usage: {@code CheckoutBench <baseUrl> [buyers=32] [seconds=60] [warmUpSeconds=10]
 * [paypalPercent=0]}
 */
public final class CheckoutBench {
  private static final String PASSWORD = "Bench-Checkout-Lantern-7";
  private static final String PAYS = "4242424242424242";
  private static final int STOCK = 1_000_000;
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  private static final long SETTLE_TIMEOUT_MS = 30_000;
  private static final long SETTLE_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
  private static final String WEBSOCKET_PATH = "/eventbus/websocket";
  // vertx-eventbus.js's default; the bridge drops a socket silent for 10 s
  private static final long PING_EVERY_MS = 5_000;
  private static final String PING = new JsonObject().put("type", "ping").encode();
  private static final Pattern CODE = Pattern.compile("verification code is (\\d{6})");
  private static final JsonObject CHECKOUT =
      new JsonObject()
          .put(
              "address",
              new JsonObject()
                  .put("name", "Bench Buyer")
                  .put("line1", "1 Load Street")
                  .put("city", "London")
                  .put("postalCode", "SW1A 1AA")
                  .put("country", "GB"))
          .put("successUrl", "https://shop.example/thanks")
          .put("cancelUrl", "https://shop.example/cart");

  private record Buyer(WebClient client, String token, String userId, boolean paypal) {
    Buyer payingWith(boolean paypal) {
      return new Buyer(client, token, userId, paypal);
    }
  }

  /**
   * An order from its checkout's answer until the push saying it is paid; both instants in
   * nanoseconds, 0 until known.
   */
  private static final class Settlement {
    final Promise<Void> settled = Promise.promise();
    final boolean paypal;
    long payAnsweredAt;
    long pushedAt;
    long timer = -1;

    Settlement(boolean paypal) {
      this.paypal = paypal;
    }
  }

  private final Vertx vertx;
  private final URI base;
  private final int buyers;
  private final long measureNanos;
  private final long warmUpNanos;
  private final int paypalPercent;

  // Everything below is touched only on the one context run() starts on, so it needs no locking.
  private final Latencies addToCart = new Latencies();
  private final Latencies checkout = new Latencies();
  private final Latencies pay = new Latencies();
  private final Latencies paidAfterPay = new Latencies();
  private final Latencies approve = new Latencies();
  private final Latencies paidAfterApprove = new Latencies();
  private final Map<String, Integer> errors = new TreeMap<>();
  private final Map<String, Settlement> awaiting = new HashMap<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  private WebSocketClient socketClient;
  private long completed;
  private long completedPaypal;
  private long pushes;
  private long measureFrom;
  private long measureUntil;
  private long cpuAtMeasureFrom;
  private long cpuAtMeasureUntil;
  private int clients;
  private String productId;

  public CheckoutBench(
      Vertx vertx, URI base, int buyers, long seconds, long warmUpSeconds, int paypalPercent) {
    this.vertx = vertx;
    this.paypalPercent = paypalPercent;
    this.base = base;
    this.buyers = buyers;
    this.measureNanos = TimeUnit.SECONDS.toNanos(seconds);
    this.warmUpNanos = TimeUnit.SECONDS.toNanos(warmUpSeconds);
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 5) {
      System.err.println(
          "usage: CheckoutBench <baseUrl> [buyers=32] [seconds=60] [warmUpSeconds=10] [paypalPercent=0]");
      System.exit(2);
    }
    CheckoutBench bench =
        new CheckoutBench(
            Vertx.vertx(),
            URI.create(args[0]),
            argument(args, 1, 32),
            argument(args, 2, 60),
            argument(args, 3, 10),
            argument(args, 4, 0));
    Promise<String> summary = Promise.promise();
    bench.vertx.getOrCreateContext().runOnContext(v -> bench.run().onComplete(summary));
    int exit = 0;
    try {
      System.out.println(summary.future().await());
    } catch (RuntimeException failed) {
      System.err.println(
          "checkout benchmark failed: "
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

  /** Sets up the seller, the product and the buyers, runs the loops and answers the summary. */
  public Future<String> run() {
    long setupStart = System.nanoTime();
    socketClient =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxConnections(buyers).setConnectTimeout(30_000));
    vertx.setPeriodic(PING_EVERY_MS, t -> sockets.forEach(s -> s.writeTextMessage(PING)));
    return signUp("seller")
        .compose(this::listProduct)
        .compose(
            v -> {
              List<Future<Buyer>> signUps = new ArrayList<>();
              for (int i = 0; i < buyers; i++) {
                boolean paypal = i * 100L < (long) paypalPercent * buyers;
                signUps.add(signUp(null).map(b -> b.payingWith(paypal)).compose(this::listen));
              }
              return Future.all(signUps).map(all -> signUps.stream().map(Future::result).toList());
            })
        .compose(
            ready -> {
              System.out.printf(
                  "setup: a seller, a product of %d units and %d buyers signed up, each with a socket, in %.1f s%n",
                  STOCK, buyers, (System.nanoTime() - setupStart) / 1e9);
              measureFrom = System.nanoTime() + warmUpNanos;
              measureUntil = measureFrom + measureNanos;
              vertx.setTimer(
                  Math.max(1, TimeUnit.NANOSECONDS.toMillis(warmUpNanos)),
                  t -> {
                    cpuAtMeasureFrom = processCpuNanos();
                    System.out.printf(
                        "warm-up over: measuring %d s%n",
                        TimeUnit.NANOSECONDS.toSeconds(measureNanos));
                  });
              vertx.setTimer(
                  TimeUnit.NANOSECONDS.toMillis(warmUpNanos + measureNanos),
                  t -> {
                    cpuAtMeasureUntil = processCpuNanos();
                    System.out.println("measured: letting checkouts in flight finish");
                  });
              List<Future<Void>> loops = new ArrayList<>();
              for (Buyer buyer : ready) {
                Promise<Void> done = Promise.promise();
                buyRepeatedly(buyer, done);
                loops.add(done.future());
              }
              return Future.all(loops);
            })
        .map(v -> summary());
  }

  private WebClient newClient() {
    int n = clients++;
    return WebClient.create(
        vertx,
        new WebClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort())
            .setLocalAddress("127.0." + (1 + n / 250) + "." + (2 + n % 250))
            .setFollowRedirects(false));
  }

  /** Registers, verifies the email with the code from the development mailbox, logs in. */
  private Future<Buyer> signUp(String accountType) {
    WebClient client = newClient();
    String email =
        (accountType == null ? "buyer" : accountType)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8)
            + "@example.com";
    JsonObject registration =
        new JsonObject()
            .put("email", email)
            .put("password", PASSWORD)
            .put("fullName", "Load Tester");
    if (accountType != null) {
      registration.put("accountType", accountType);
    }
    long deadline = System.nanoTime() + SETTLE_TIMEOUT_NS;
    return expect(
            "register",
            201,
            () ->
                client
                    .post("/api/v1/auth/register")
                    .timeout(REQUEST_TIMEOUT_MS)
                    .sendJsonObject(registration))
        .compose(r -> mailedCode(client, email, deadline))
        .compose(
            code ->
                expect(
                    "verify-email",
                    200,
                    () ->
                        client
                            .post("/api/v1/auth/verify-email")
                            .timeout(REQUEST_TIMEOUT_MS)
                            .sendJsonObject(
                                new JsonObject().put("email", email).put("code", code))))
        .compose(
            r ->
                expect(
                    "login",
                    200,
                    () ->
                        client
                            .post("/api/v1/auth/login")
                            .timeout(REQUEST_TIMEOUT_MS)
                            .sendJsonObject(
                                new JsonObject().put("email", email).put("password", PASSWORD))))
        .map(
            r ->
                new Buyer(
                    client,
                    r.bodyAsJsonObject().getString("accessToken"),
                    r.bodyAsJsonObject().getJsonObject("user").getString("id"),
                    false));
  }

  private Future<String> mailedCode(WebClient client, String email, long deadline) {
    return expect(
            "mailbox",
            200,
            () -> client.get("/dev/mailbox?to=" + email).timeout(REQUEST_TIMEOUT_MS).send())
        .compose(
            r -> {
              JsonArray mails = r.bodyAsJsonArray();
              for (int i = mails.size() - 1; i >= 0; i--) {
                Matcher m = CODE.matcher(mails.getJsonObject(i).getString("text", ""));
                if (m.find()) {
                  return Future.succeededFuture(m.group(1));
                }
              }
              if (System.nanoTime() > deadline) {
                return Future.failedFuture("no verification mail to " + email + " within 30 s");
              }
              return vertx.timer(100).compose(t -> mailedCode(client, email, deadline));
            });
  }

  private Future<Void> listProduct(Buyer seller) {
    String sku = "BENCH-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    JsonObject product =
        new JsonObject()
            .put("name", "Benchmark kettle " + sku)
            .put("price", 2_400)
            .put("currency", "usd")
            .put(
                "variants",
                new JsonArray().add(new JsonObject().put("sku", sku).put("stock", STOCK)));
    return expect(
            "create product",
            201,
            () ->
                seller
                    .client()
                    .post("/api/v1/products")
                    .bearerTokenAuthentication(seller.token())
                    .timeout(REQUEST_TIMEOUT_MS)
                    .sendJsonObject(product))
        .onSuccess(r -> productId = r.bodyAsJsonObject().getString("id"))
        .mapEmpty();
  }

  /**
   * One purchase after another until the window closes; a failed one is counted, its cart emptied,
   * and the loop goes on.
   */
  private void buyRepeatedly(Buyer buyer, Promise<Void> done) {
    if (System.nanoTime() >= measureUntil) {
      done.complete();
      return;
    }
    buyOnce(buyer)
        .recover(
            failure -> {
              error(failure.getMessage());
              // a short pause, so a platform that refuses everything is not hammered in a tight
              // loop
              return buyer
                  .client()
                  .delete("/api/v1/cart")
                  .bearerTokenAuthentication(buyer.token())
                  .timeout(REQUEST_TIMEOUT_MS)
                  .send()
                  .<Void>mapEmpty()
                  .otherwiseEmpty()
                  .compose(v -> vertx.timer(100));
            })
        .onComplete(v -> buyRepeatedly(buyer, done));
  }

  private Future<Void> buyOnce(Buyer buyer) {
    WebClient client = buyer.client();
    return timed(
            "cart",
            200,
            addToCart,
            () ->
                client
                    .post("/api/v1/cart/items")
                    .bearerTokenAuthentication(buyer.token())
                    .timeout(REQUEST_TIMEOUT_MS)
                    .sendJsonObject(
                        new JsonObject().put("productId", productId).put("quantity", 1)))
        .compose(
            added ->
                timed(
                    "checkout",
                    201,
                    checkout,
                    () ->
                        client
                            .post("/api/v1/checkout")
                            .bearerTokenAuthentication(buyer.token())
                            .putHeader("Idempotency-Key", UUID.randomUUID().toString())
                            .timeout(REQUEST_TIMEOUT_MS)
                            .sendJsonObject(
                                buyer.paypal()
                                    ? CHECKOUT.copy().put("paymentMethod", "paypal")
                                    : CHECKOUT)))
        .compose(
            started -> {
              JsonObject session = started.bodyAsJsonObject();
              String orderId = session.getString("orderId");
              // waiting from before the payment, so a push that overtakes the pay page's answer
              // still counts
              Settlement s = new Settlement(buyer.paypal());
              awaiting.put(orderId, s);
              Future<HttpResponse<Buffer>> paying =
                  buyer.paypal()
                      ? timed(
                          "approve",
                          303,
                          approve,
                          () ->
                              client
                                  .postAbs(session.getString("approveUrl") + "/approve")
                                  .timeout(REQUEST_TIMEOUT_MS)
                                  .sendForm(MultiMap.caseInsensitiveMultiMap()))
                      : timed(
                          "pay",
                          303,
                          pay,
                          () ->
                              client
                                  .postAbs(session.getString("checkoutUrl") + "/pay")
                                  .timeout(REQUEST_TIMEOUT_MS)
                                  .sendForm(MultiMap.caseInsensitiveMultiMap().add("card", PAYS)));
              return paying
                  .onFailure(e -> awaiting.remove(orderId))
                  .compose(
                      paid -> {
                        s.payAnsweredAt = System.nanoTime();
                        if (s.pushedAt != 0) {
                          settle(orderId, null);
                        } else if (awaiting.containsKey(orderId)) {
                          s.timer =
                              vertx.setTimer(
                                  SETTLE_TIMEOUT_MS,
                                  t ->
                                      settle(
                                          orderId,
                                          failure(
                                              "no paid push "
                                                  + TimeUnit.MILLISECONDS.toSeconds(
                                                      SETTLE_TIMEOUT_MS)
                                                  + " s after pay")));
                        }
                        return s.settled.future();
                      });
            });
  }

  /** Opens the buyer's socket and registers for its order pushes, from the first one on. */
  private Future<Buyer> listen(Buyer buyer) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(base.getHost())
            .setPort(base.getPort())
            .setURI(WEBSOCKET_PATH)
            .setTimeout(REQUEST_TIMEOUT_MS);
    return socketClient
        .connect(options)
        .recover(e -> Future.failedFuture(failure("socket " + e.getClass().getSimpleName())))
        .map(
            socket -> {
              sockets.add(socket);
              socket.textMessageHandler(this::onFrame);
              socket.binaryMessageHandler(bytes -> onFrame(bytes.toString(StandardCharsets.UTF_8)));
              socket.exceptionHandler(e -> error("socket " + e.getClass().getSimpleName()));
              socket.closeHandler(
                  v -> {
                    if (sockets.remove(socket)) {
                      error("socket closed by the platform");
                    }
                  });
              socket.writeTextMessage(
                  new JsonObject()
                      .put("type", "register")
                      .put("address", "user." + buyer.userId() + ".orders")
                      .put(
                          "headers",
                          new JsonObject()
                              .put("Authorization", "Bearer " + buyer.token())
                              .put("since", "0"))
                      .encode());
              return buyer;
            });
  }

  /**
   * A status push settles its order: {@code paid} completes it, anything but {@code
   * pending_payment} fails it.
   */
  private void onFrame(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      error("unreadable frame");
      return;
    }
    if (!"rec".equals(frame.getString("type"))
        || !(frame.getValue("body") instanceof JsonObject body)) {
      error("frame " + frame.getString("type") + " " + frame.getValue("body"));
      return;
    }
    if (measuring(System.nanoTime())) {
      pushes++;
    }
    Settlement s = awaiting.get(body.getString("orderId", ""));
    String status = body.getString("status", "");
    if (s == null || "pending_payment".equals(status)) {
      return;
    }
    if (!"paid".equals(status)) {
      settle(body.getString("orderId"), failure("order " + status));
      return;
    }
    s.pushedAt = System.nanoTime();
    if (s.payAnsweredAt != 0) {
      settle(body.getString("orderId"), null);
    }
  }

  /**
   * Completes (failure null) or fails the order's wait, counting a completion and its
   * paid-after-pay time.
   */
  private void settle(String orderId, Throwable failure) {
    Settlement s = awaiting.remove(orderId);
    if (s == null) {
      return;
    }
    vertx.cancelTimer(s.timer);
    if (failure != null) {
      s.settled.fail(failure);
      return;
    }
    long now = System.nanoTime();
    if (measuring(s.payAnsweredAt)) {
      // a push that overtook the pay page's answer counts as 0
      (s.paypal ? paidAfterApprove : paidAfterPay).add(Math.max(0, s.pushedAt - s.payAnsweredAt));
    }
    if (measuring(now)) {
      completed++;
      if (s.paypal) {
        completedPaypal++;
      }
    }
    s.settled.complete();
  }

  /** The request, its latency recorded when it started inside the measured window. */
  private Future<HttpResponse<Buffer>> timed(
      String step,
      int expected,
      Latencies latencies,
      Supplier<Future<HttpResponse<Buffer>>> request) {
    long start = System.nanoTime();
    return expect(step, expected, request)
        .onSuccess(
            r -> {
              if (measuring(start)) {
                latencies.add(System.nanoTime() - start);
              }
            });
  }

  /**
   * The response when its status is the expected one; else a failure named by step and status (or
   * by error).
   */
  private static Future<HttpResponse<Buffer>> expect(
      String step, int expected, Supplier<Future<HttpResponse<Buffer>>> request) {
    return request
        .get()
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.failedFuture(
                    failure(step + " " + ar.cause().getClass().getSimpleName()));
              }
              if (ar.result().statusCode() != expected) {
                // errors are counted by step and status; the body rides along as the cause for a
                // failed setup to show
                return Future.failedFuture(
                    VertxException.noStackTrace(
                        step + " " + ar.result().statusCode(),
                        VertxException.noStackTrace(ar.result().bodyAsString())));
              }
              return Future.succeededFuture(ar.result());
            });
  }

  private static VertxException failure(String what) {
    return VertxException.noStackTrace(what);
  }

  /** Counted when it happens inside the measured window. */
  private void error(String what) {
    if (measuring(System.nanoTime())) {
      errors.merge(what, 1, Integer::sum);
    }
  }

  private boolean measuring(long nanos) {
    return nanos >= measureFrom && nanos < measureUntil;
  }

  private String summary() {
    double seconds = measureNanos / 1e9;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "checkout benchmark: %d buyers, %.0f s measured after %d s warm-up, paid learnt from each buyer's SockJS socket%n",
            buyers, seconds, TimeUnit.NANOSECONDS.toSeconds(warmUpNanos)));
    out.append(
        String.format("completed checkouts  %d paid = %.1f/s%n", completed, completed / seconds));
    if (paypalPercent > 0) {
      out.append(
          String.format(
              "  of which PayPal    %d = %.1f/s (%d%% of the buyers), card %d = %.1f/s%n",
              completedPaypal,
              completedPaypal / seconds,
              paypalPercent,
              completed - completedPaypal,
              (completed - completedPaypal) / seconds));
    }
    out.append(line("checkout", checkout));
    out.append(line("pay", pay));
    out.append(line("paid after pay", paidAfterPay));
    if (paypalPercent > 0) {
      out.append(line("approve", approve));
      out.append(line("paid after approve", paidAfterApprove));
    }
    out.append(line("add to cart", addToCart));
    out.append(
        String.format(
            "order pushes         %d = %.1f/s; %d of %d sockets open at the end%n",
            pushes, pushes / seconds, sockets.size(), buyers));
    out.append(
        String.format(
            "load client CPU      %.2f cores%n",
            (cpuAtMeasureUntil - cpuAtMeasureFrom) / (double) measureNanos));
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

  private static String line(String step, Latencies latencies) {
    return String.format(
        "%-20s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (n=%d)%n",
        step,
        latencies.percentileMillis(50),
        latencies.percentileMillis(99),
        latencies.percentileMillis(100),
        latencies.count());
  }
}
