package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionCreateParams;
import io.emporium.stripe.emulator.StripeEmulator;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform without a Stripe key: its payment service runs the emulator, whose webhooks reach
 * the edge and the inbox.
 */
@ExtendWith(TestPlatform.class)
class StripeEmulatorPlatformIT {

  private static List<String> inboxTypes(String objectId) {
    Iterable<Row> rows =
        TestPlatform.db()
            .preparedQuery(
                "SELECT event_type FROM payment.webhook_events WHERE payload->'data'->'object'->>'id' = $1 ORDER BY received_at")
            .execute(Tuple.of(objectId))
            .await();
    return StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList();
  }

  @Test
  void aCheckoutPaidOnTheEmulatorIsDeliveredSignedToTheWebhookRouteAndRecorded() throws Exception {
    String emulatorUrl = TestPlatform.platform().stripeEmulatorUrl();
    assertThat(emulatorUrl).startsWith("http://127.0.0.1:");
    assertThat(TestPlatform.platform().describe(0)).contains("stripe   emulator at " + emulatorUrl);

    StripeClient stripe =
        StripeClient.builder().setApiKey(StripeEmulator.SECRET_KEY).setApiBase(emulatorUrl).build();
    Session session =
        stripe
            .v1()
            .checkout()
            .sessions()
            .create(
                SessionCreateParams.builder()
                    .setMode(SessionCreateParams.Mode.PAYMENT)
                    .setSuccessUrl("https://shop.example/done")
                    .addLineItem(
                        SessionCreateParams.LineItem.builder()
                            .setQuantity(1L)
                            .setPriceData(
                                SessionCreateParams.LineItem.PriceData.builder()
                                    .setCurrency("usd")
                                    .setUnitAmount(1999L)
                                    .setProductData(
                                        SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                            .setName("Linen shirt")
                                            .build())
                                    .build())
                            .build())
                    .build());
    HttpResponse<String> paid =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(session.getUrl() + "/pay"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("card=4242+4242+4242+4242"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).isEqualTo(303);

    String intentId =
        stripe.v1().checkout().sessions().retrieve(session.getId()).getPaymentIntent();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (inboxTypes(session.getId()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(inboxTypes(session.getId())).containsExactly("checkout.session.completed");
    assertThat(inboxTypes(intentId)).containsExactly("payment_intent.succeeded");
  }
}
