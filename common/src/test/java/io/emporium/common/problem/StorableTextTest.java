package io.emporium.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.VariantDraft;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class StorableTextTest {

  @Test
  void nulAndLoneSurrogatesCannotBeStoredButEveryRealCharacterCan() {
    assertThat(StorableText.storable("Teekanne 茶壶 😀 é")).isTrue();
    assertThat(StorableText.storable("a\u0000b")).isFalse();
    assertThat(StorableText.storable("a\ud83d")).isFalse();
    assertThat(StorableText.storable("\ude00a")).isFalse();
  }

  @Test
  void aStorableCopyReplacesWhatCannotBeStoredAndKeepsTheRest() {
    assertThat(StorableText.storableCopy("a\u0000b\ud800c 茶 😀")).isEqualTo("a\ufffdb\ufffdc 茶 😀");
    assertThat(StorableText.storable(StorableText.storableCopy("\ude00\u0000"))).isTrue();
  }

  @Test
  void jsonFieldsAreNamedByTheirPath() {
    JsonObject body =
        new JsonObject()
            .put("name", "ok")
            .put("note", "x\u0000")
            .put(
                "variants",
                new JsonArray()
                    .add(new JsonObject().put("sku", "ok"))
                    .add(new JsonObject().put("sku", "\u0000")))
            .put("attrs", new JsonObject().put("bad\u0000key", "v"));
    assertThat(StorableText.inJson(body))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("note", "variants[1].sku", "attrs");
    assertThat(StorableText.inJson("\u0000")).extracting(FieldError::field).containsExactly("body");
  }

  @Test
  void protobufFieldsAreNamedByTheirJsonPathIncludingNestedAndMapFields() {
    ProductDraft request =
        ProductDraft.newBuilder()
            .setName("Mug")
            .setDescription("hot\u0000")
            .addVariants(VariantDraft.newBuilder().setSku("MUG-1"))
            .addVariants(
                VariantDraft.newBuilder().setSku("MUG\u0000-2").putAttributes("size", "L\u0000"))
            .build();
    assertThat(StorableText.inMessage(request))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("description", "variants[1].sku", "variants[1].attributes");
  }
}
