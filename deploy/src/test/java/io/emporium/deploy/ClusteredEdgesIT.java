package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: two launchers clustered with Hazelcast share one event bus, so a browser on either
 * edge process hears its orders, and loses them on either when its access is revoked through the
 * other.
 */
@ExtendWith(TestPlatform.class)
class ClusteredEdgesIT {
  private static Emporium secondEdge;

  @BeforeAll
  static void startASecondEdge() {
    secondEdge =
        Emporium.launch(
            new LaunchOptions(EnumSet.of(Service.EDGE), true, null), TestPlatform.extraEdge());
  }

  @AfterAll
  static void stopIt() {
    if (secondEdge != null) {
      secondEdge.close();
    }
  }

  @Test
  void aBuyerOnEitherEdgeHearsTheirOrderPaidThroughTheFirst(Api api) throws Exception {
    Checkouts.Product p = Checkouts.product(api, 1500, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    String address = "user." + buyer.id() + ".orders";
    try (BridgeClient onSecond = BridgeClient.connect(secondEdge.config().appPort);
        BridgeClient onFirst = BridgeClient.connect()) {
      onSecond.register(address, buyer.accessToken());
      onFirst.register(address, buyer.accessToken());
      // the probes are published in the first process: one that reaches the second edge's socket
      // crossed the cluster
      onSecond.awaitListening(address);
      onFirst.awaitListening(address);

      Api.Response checkout =
          Checkouts.checkout(
              api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
      assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
      JsonObject session = checkout.json();
      assertThat(Checkouts.pay(session.getString("checkoutUrl"), Checkouts.PAYS)).isEqualTo(303);
      String orderId = session.getString("orderId");

      JsonObject heardOnSecond =
          onSecond.awaitMessage(
              address,
              b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status")));
      JsonObject heardOnFirst =
          onFirst.awaitMessage(
              address,
              b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status")));
      assertThat(heardOnSecond.getString("type")).isEqualTo("orderStatusUpdate");
      assertThat(heardOnSecond.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(heardOnSecond).as("one message, delivered to both edges").isEqualTo(heardOnFirst);
      assertThat(
              onSecond.messages(address).stream()
                  .filter(
                      b ->
                          orderId.equals(b.getString("orderId"))
                              && "paid".equals(b.getString("status"))))
          .as("the second edge delivers it once")
          .hasSize(1);
    }
  }

  @Test
  void theSecondEdgeStillRefusesAnotherBuyersAddress(Api api) {
    Accounts.Account snoop = Accounts.signedIn(api, null);
    Accounts.Account other = Accounts.signedIn(api, null);
    try (BridgeClient socket = BridgeClient.connect(secondEdge.config().appPort)) {
      socket.register("user." + other.id() + ".orders", snoop.accessToken());
      assertThat(socket.awaitError().getString("body")).isIn("rejected", "access_denied");
    }
  }

  @Test
  void aLogoutThroughTheFirstEdgeCutsARegistrationHeldOnTheSecond(Api api) throws Exception {
    Accounts.Account phone = Accounts.signedIn(api, null);
    Accounts.Account laptop = Accounts.login(api, phone.email(), Accounts.PASSWORD);
    String address = "user." + phone.id() + ".orders";
    int second = secondEdge.config().appPort;
    try (BridgeClient loggedOut = BridgeClient.connect(second);
        BridgeClient stillIn = BridgeClient.connect(second)) {
      loggedOut.register(address, phone.accessToken());
      stillIn.register(address, laptop.accessToken());
      loggedOut.awaitListening(address);
      stillIn.awaitListening(address);

      // api talks to the first edge: only the cluster can tell the second one
      Api.Response out = api.post("/api/v1/auth/logout", phone.accessToken(), new JsonObject());
      assertThat(out.status()).as(out.toString()).isEqualTo(204);
      loggedOut.assertCutOff(address, Instant.now(), stillIn);
    }
  }

  @Test
  void aMessagePublishedInOneProcessReachesAConsumerInTheOther() throws Exception {
    assertThat(delivered(TestPlatform.platform(), secondEdge, "from the platform"))
        .isEqualTo(new JsonObject().put("hello", "from the platform"));
    assertThat(delivered(secondEdge, TestPlatform.platform(), "from the second edge"))
        .isEqualTo(new JsonObject().put("hello", "from the second edge"));
  }

  /**
   * Registers a consumer in {@code to}, waits until the cluster knows it, publishes from {@code
   * from}.
   */
  private static JsonObject delivered(Emporium from, Emporium to, String greeting)
      throws Exception {
    String address = "cluster.test." + System.nanoTime();
    Promise<JsonObject> received = Promise.promise();
    MessageConsumer<JsonObject> consumer =
        to.vertx().eventBus().consumer(address, m -> received.tryComplete(m.body()));
    consumer.completion().await(10, TimeUnit.SECONDS);
    try {
      from.vertx().eventBus().publish(address, new JsonObject().put("hello", greeting));
      return received.future().await(10, TimeUnit.SECONDS);
    } finally {
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
  }
}
