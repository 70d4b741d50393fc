package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class StripeEventRulesTest {
  private static final String ORDER = "0b5e1c9a-1111-2222-3333-444455556666";

  private static JsonObject event(String type, JsonObject object) {
    return new JsonObject()
        .put("id", "evt_1")
        .put("object", "event")
        .put("type", type)
        .put("data", new JsonObject().put("object", object));
  }

  private static JsonObject session() {
    return new JsonObject()
        .put("id", "cs_1")
        .put("object", "checkout.session")
        .put("status", "complete")
        .put("payment_status", "paid")
        .put("amount_total", 6_400)
        .put("currency", "usd")
        .put("payment_intent", "pi_1")
        .put("metadata", new JsonObject().put("order_id", ORDER));
  }

  private static List<String> fields(JsonObject event) {
    return StripeEventRules.problems(event).stream().map(FieldError::field).toList();
  }

  @Test
  void stripesOwnEventsAreUsable() {
    assertThat(StripeEventRules.problems(event("checkout.session.completed", session()))).isEmpty();
    assertThat(
            StripeEventRules.problems(
                event("customer.created", new JsonObject().put("id", "cus_1"))))
        .isEmpty();
    JsonObject charge =
        new JsonObject()
            .put("id", "ch_1")
            .put("currency", "usd")
            .put("payment_intent", "pi_1")
            .put(
                "refunds",
                new JsonObject()
                    .put(
                        "data",
                        new JsonArray()
                            .add(new JsonObject().put("id", "re_1").put("amount", 100))));
    assertThat(StripeEventRules.problems(event("charge.refunded", charge))).isEmpty();
  }

  @Test
  void anEventNeedsAnIdATypeAndAnObjectWithAnId() {
    assertThat(fields(new JsonObject())).containsExactly("id", "type", "data.object");
    assertThat(fields(event("checkout.session.completed", session()).put("id", "")))
        .containsExactly("id");
    assertThat(fields(event("checkout.session.completed", session()).put("type", 7)))
        .containsExactly("type");
    assertThat(fields(event("checkout.session.completed", session()).put("data", "x")))
        .containsExactly("data.object");
    assertThat(fields(event("checkout.session.completed", session().copy().putNull("id"))))
        .containsExactly("data.object.id");
  }

  @Test
  void whatTheLedgerWouldRecordMustHaveStripesTypes() {
    assertThat(fields(event("checkout.session.completed", session().put("amount_total", "lots"))))
        .containsExactly("data.object.amount_total");
    assertThat(fields(event("checkout.session.completed", session().put("amount_total", 1.5))))
        .containsExactly("data.object.amount_total");
    assertThat(fields(event("checkout.session.completed", session().put("amount_total", -1))))
        .containsExactly("data.object.amount_total");
    assertThat(fields(event("checkout.session.completed", session().put("currency", "USD"))))
        .containsExactly("data.object.currency");
    assertThat(fields(event("checkout.session.completed", session().putNull("currency"))))
        .containsExactly("data.object.currency");
    assertThat(
            fields(
                event(
                    "checkout.session.completed",
                    session().put("metadata", new JsonObject().put("order_id", 5)))))
        .containsExactly("data.object.metadata");
    assertThat(
            fields(
                event(
                    "payment_intent.payment_failed",
                    new JsonObject().put("id", "pi_1").put("last_payment_error", "no"))))
        .containsExactly("data.object.last_payment_error");
    assertThat(
            fields(
                event(
                    "charge.refunded",
                    new JsonObject()
                        .put("id", "ch_1")
                        .put(
                            "refunds",
                            new JsonObject()
                                .put(
                                    "data",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put("id", "re_1")
                                                .put("amount", "all")))))))
        .containsExactly("data.object.refunds.data[0].amount");
  }

  @Test
  void aNulCharacterAnywhereIsRefusedAndNamed() {
    assertThat(fields(event("checkout.session.completed", session().put("status", "comp\0lete"))))
        .containsExactly("data.object.status");
  }
}
