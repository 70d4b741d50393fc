package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event-bus bridge as a storefront uses it: a page in headless Chromium, on another origin than
 * the edge, with the official Vert.x bridge client from npm over SockJS.
 */
@ExtendWith(TestPlatform.class)
class BrowserBridgeIT {
  private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

  private static String edgeUrl() {
    return "http://127.0.0.1:" + TestPlatform.config().appPort;
  }

  private static boolean isEvent(JsonObject report, String event) {
    return event.equals(report.getString("event"));
  }

  @Test
  void aBuyersPageHearsTheirOrderPaid(Api api) throws Exception {
    Checkouts.Product p = Checkouts.product(api, 1500, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    String address = "user." + buyer.id() + ".orders";
    try (HeadlessBrowser page =
        HeadlessBrowser.openBridgePage(edgeUrl(), buyer.accessToken(), buyer.id())) {
      page.awaitReport(r -> isEvent(r, "registered"), PAGE_WAIT);
      page.awaitListening(address, PAGE_WAIT);

      Api.Response checkout =
          Checkouts.checkout(
              api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
      assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
      JsonObject session = checkout.json();
      assertThat(Checkouts.pay(session.getString("checkoutUrl"), Checkouts.PAYS)).isEqualTo(303);
      String orderId = session.getString("orderId");

      JsonObject update =
          page.awaitReport(
                  r ->
                      isEvent(r, "message")
                          && r.getValue("body") instanceof JsonObject b
                          && "orderStatusUpdate".equals(b.getString("type"))
                          && orderId.equals(b.getString("orderId"))
                          && "paid".equals(b.getString("status")),
                  Checkouts.SETTLED)
              .getJsonObject("body");
      assertThat(update.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(update.getLong("seq")).isPositive();
      assertThat(page.reports())
          .as("what the page reported")
          .noneMatch(r -> isEvent(r, "error") || isEvent(r, "closed"));
    }
  }

  @Test
  void aPageCannotListenToAnotherBuyersOrders(Api api) throws Exception {
    Accounts.Account snoop = Accounts.signedIn(api, null);
    Accounts.Account other = Accounts.signedIn(api, null);
    try (HeadlessBrowser page =
        HeadlessBrowser.openBridgePage(edgeUrl(), snoop.accessToken(), other.id())) {
      JsonObject error = page.awaitReport(r -> isEvent(r, "error"), PAGE_WAIT);
      // Vert.x's bridge answers a registration its handler refused with "rejected"
      assertThat(error.getJsonObject("error").getString("type")).isEqualTo("err");
      assertThat(error.getJsonObject("error").getString("body")).isIn("rejected", "access_denied");
      TestPlatform.platform()
          .vertx()
          .eventBus()
          .publish("user." + other.id() + ".orders", new JsonObject().put("type", "probe"));
      Thread.sleep(1000);
      assertThat(page.reports()).as("what the page reported").noneMatch(r -> isEvent(r, "message"));
    }
  }
}
