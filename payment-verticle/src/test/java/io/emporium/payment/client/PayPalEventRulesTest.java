package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PayPalEventRulesTest {
  private static JsonObject capture() {
    return new JsonObject()
        .put("id", "CAP-1")
        .put("status", "COMPLETED")
        .put("custom_id", "0b5e1c9a-1111-2222-3333-444455556666")
        .put("amount", new JsonObject().put("currency_code", "USD").put("value", "12.30"))
        .put(
            "supplementary_data",
            new JsonObject().put("related_ids", new JsonObject().put("order_id", "PP-1")));
  }

  private static JsonObject event(String type, Object resource) {
    return new JsonObject().put("id", "WH-1").put("event_type", type).put("resource", resource);
  }

  private static java.util.List<String> fields(JsonObject event) {
    return PayPalEventRules.problems(event).stream().map(FieldError::field).toList();
  }

  @Test
  void aCaptureEventAsPayPalSendsItIsUsable() {
    assertThat(fields(event(PayPalFacts.CAPTURE_COMPLETED, capture()))).isEmpty();
  }

  @Test
  void anEventNeedsAnIdATypeAndAResourceWithAnId() {
    assertThat(fields(new JsonObject())).containsExactly("id", "event_type", "resource");
    assertThat(fields(event("X", new JsonObject()))).containsExactly("resource.id");
    assertThat(fields(event("X", "text"))).containsExactly("resource");
  }

  @Test
  void moneyMustBePayPalMoney() {
    for (Object amount :
        new Object[] {
          12.3,
          new JsonObject().put("currency_code", "usd").put("value", "12.30"),
          new JsonObject().put("currency_code", "USD").put("value", 12.3),
          new JsonObject().put("currency_code", "USD").put("value", "12.345"),
          new JsonObject().put("currency_code", "JPY").put("value", "12.5")
        }) {
      assertThat(fields(event(PayPalFacts.CAPTURE_COMPLETED, capture().put("amount", amount))))
          .as(String.valueOf(amount))
          .containsExactly("resource.amount");
    }
  }

  @Test
  void theFieldsThePlatformReadsMustHavePayPalsTypes() {
    assertThat(fields(event(PayPalFacts.CAPTURE_DENIED, capture().put("custom_id", 7))))
        .containsExactly("resource.custom_id");
    assertThat(
            fields(
                event(
                    PayPalFacts.CAPTURE_COMPLETED,
                    capture().put("supplementary_data", new JsonObject().put("related_ids", 1)))))
        .containsExactly("resource.supplementary_data");
    assertThat(
            fields(
                event(
                    PayPalFacts.CAPTURE_REFUNDED,
                    capture().put("links", new JsonArray().add("up")))))
        .containsExactly("resource.links");
    assertThat(
            fields(
                event(
                    PayPalFacts.ORDER_APPROVED,
                    new JsonObject().put("id", "PP-1").put("purchase_units", "none"))))
        .containsExactly("resource.purchase_units");
  }

  @Test
  void aNulCharacterAnywhereIsRefusedAndNamed() {
    assertThat(fields(event("X", new JsonObject().put("id", "a\0b"))))
        .containsExactly("resource.id");
  }
}
