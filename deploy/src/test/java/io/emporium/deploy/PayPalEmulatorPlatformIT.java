package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform without PayPal credentials: its payment service's process runs the PayPal emulator,
 * and the payment service's settings name it and the webhook id it signs for.
 */
@ExtendWith(TestPlatform.class)
class PayPalEmulatorPlatformIT {

  @Test
  void thePaymentServiceIsPointedAtTheEmulatorItsProcessRuns() throws Exception {
    String emulatorUrl = TestPlatform.platform().paypalEmulatorUrl();
    assertThat(emulatorUrl).startsWith("http://127.0.0.1:");
    assertThat(TestPlatform.platform().describe(0)).contains("paypal   emulator at " + emulatorUrl);
    EmporiumConfig config = TestPlatform.platform().config();
    assertThat(config.paypalEmulated()).isTrue();
    assertThat(config.paypalApiBase).isEqualTo(emulatorUrl);
    assertThat(config.paypalWebhookId).isNotBlank();
    assertThat(config.paypalWebhookUrl)
        .isEqualTo("http://127.0.0.1:" + config.appPort + "/api/v1/payments/paypal/webhook");

    HttpResponse<String> token =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(config.paypalApiBase + "/v1/oauth2/token"))
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString("platform:secret".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isEqualTo(200);
    assertThat(token.body()).contains("\"token_type\":\"Bearer\"");
  }
}
