package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scale-out: with two edge processes on one clustered event bus, a browser on either hears its orders. */
@ExtendWith(TestPlatform.class)
class ClusteredEdgesIT {
  private static Emporium secondEdge;

  @BeforeAll
  static void startASecondEdge() {
    secondEdge = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), TestPlatform.extraEdge());
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
    try (BridgeClient onSecond = BridgeClient.connect(secondEdge.config().appPort); BridgeClient onFirst = BridgeClient.connect()) {
      onSecond.register(address, buyer.accessToken());
      onFirst.register(address, buyer.accessToken());
      // the probes are published in the first process: one that reaches the second edge's socket crossed the cluster
      onSecond.awaitListening(address);
      onFirst.awaitListening(address);

      Api.Response checkout = Checkouts.checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
      assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
      JsonObject session = checkout.json();
      assertThat(Checkouts.pay(session.getString("checkoutUrl"), Checkouts.PAYS)).isEqualTo(303);
      String orderId = session.getString("orderId");

      JsonObject heardOnSecond = onSecond.awaitMessage(address, b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status")));
      JsonObject heardOnFirst = onFirst.awaitMessage(address, b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status")));
      assertThat(heardOnSecond.getString("type")).isEqualTo("orderStatusUpdate");
      assertThat(heardOnSecond.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(heardOnSecond).as("one message, delivered to both edges").isEqualTo(heardOnFirst);
      assertThat(onSecond.messages(address).stream().filter(b -> orderId.equals(b.getString("orderId")) && "paid".equals(b.getString("status"))))
          .as("the second edge delivers it once").hasSize(1);
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
}
