package io.emporium.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.FormEncoder;
import com.stripe.param.checkout.SessionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class StripeFormTest {

  @Test
  void bracketsBecomeNestedObjectsAndIndexedArrays() {
    JsonObject decoded =
        StripeForm.decode(
            "mode=payment&line_items[1][quantity]=1&line_items[0][quantity]=2"
                + "&line_items[0][price_data][unit_amount]=1500&line_items[0][price_data][product_data][name]=Copper+kettle"
                + "&metadata[order_id]=o%261");
    assertThat(decoded.getString("mode")).isEqualTo("payment");
    JsonArray items = decoded.getJsonArray("line_items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getString("quantity")).isEqualTo("2");
    assertThat(items.getJsonObject(1).getString("quantity")).isEqualTo("1");
    assertThat(
            items
                .getJsonObject(0)
                .getJsonObject("price_data")
                .getJsonObject("product_data")
                .getString("name"))
        .isEqualTo("Copper kettle");
    assertThat(decoded.getJsonObject("metadata").getString("order_id")).isEqualTo("o&1");
  }

  @Test
  void emptyBracketsAppendAndEncodedBracketsCountAsBrackets() {
    JsonObject decoded =
        StripeForm.decode(
            "expand[]=payment_intent&expand%5B%5D=line_items&payment_method_types%5B0%5D=card");
    assertThat(decoded.getJsonArray("expand")).containsExactly("payment_intent", "line_items");
    assertThat(decoded.getJsonArray("payment_method_types")).containsExactly("card");
  }

  @Test
  void whatStripeJavaSendsDecodesToWhatItMeant() {
    SessionCreateParams params =
        SessionCreateParams.builder()
            .setMode(SessionCreateParams.Mode.PAYMENT)
            .setSuccessUrl("https://shop.example/done?session={CHECKOUT_SESSION_ID}")
            .putMetadata("order_id", "ä ö & =")
            .addLineItem(
                SessionCreateParams.LineItem.builder()
                    .setQuantity(3L)
                    .setPriceData(
                        SessionCreateParams.LineItem.PriceData.builder()
                            .setCurrency("usd")
                            .setUnitAmount(250L)
                            .setProductData(
                                SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                    .setName("Mug")
                                    .build())
                            .build())
                    .build())
            .build();
    JsonObject decoded = StripeForm.decode(FormEncoder.createQueryString(params.toMap()));
    assertThat(decoded.getString("success_url"))
        .isEqualTo("https://shop.example/done?session={CHECKOUT_SESSION_ID}");
    assertThat(decoded.getJsonObject("metadata").getString("order_id")).isEqualTo("ä ö & =");
    assertThat(
            decoded
                .getJsonArray("line_items")
                .getJsonObject(0)
                .getJsonObject("price_data")
                .getString("unit_amount"))
        .isEqualTo("250");
  }

  @Test
  void malformedOrConflictingNamesAreStripesBadRequest() {
    assertThatThrownBy(() -> StripeForm.decode("metadata[order_id=1"))
        .isInstanceOfSatisfying(StripeApiError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> StripeForm.decode("metadata=1&metadata[a]=2"))
        .isInstanceOf(StripeApiError.class);
    assertThatThrownBy(() -> StripeForm.decode("amount=1&amount=2"))
        .isInstanceOf(StripeApiError.class);
    assertThatThrownBy(() -> StripeForm.decode("[a]=1")).isInstanceOf(StripeApiError.class);
  }

  @Test
  void nothingDecodesToAnEmptyObject() {
    assertThat(StripeForm.decode("")).isEqualTo(new JsonObject());
    assertThat(StripeForm.decode(null)).isEqualTo(new JsonObject());
  }
}
