package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlugRulesTest {

  @Test
  void aNameMakesALowerCaseSlugWithoutAccents() {
    assertThat(SlugRules.fromName("Linen Shirt")).isEqualTo("linen-shirt");
    assertThat(SlugRules.fromName("Crème Brûlée Set")).isEqualTo("creme-brulee-set");
    assertThat(SlugRules.fromName("Straße & Smørrebrød")).isEqualTo("strasse-smorrebrod");
    assertThat(SlugRules.fromName("ÆRØ Œuvre Łódź")).isEqualTo("aero-oeuvre-lodz");
    assertThat(SlugRules.fromName("İstanbul")).isEqualTo("istanbul");
  }

  @Test
  void separatorsCollapseIntoOneHyphenAndNoneIsLeftAtTheEnds() {
    assertThat(SlugRules.fromName("  --Mug,  12 oz!!  (blue)--  ")).isEqualTo("mug-12-oz-blue");
    assertThat(SlugRules.fromName("a___b...c")).isEqualTo("a-b-c");
  }

  @Test
  void aNameWithoutLatinLettersOrDigitsMakesTheFallback() {
    assertThat(SlugRules.fromName("茶碗")).isEqualTo("product");
    assertThat(SlugRules.fromName("!!!")).isEqualTo("product");
    assertThat(SlugRules.fromName("")).isEqualTo("product");
    assertThat(SlugRules.fromName("茶 2")).isEqualTo("2");
  }

  @Test
  void aLongNameIsCutWithoutLeavingAHyphenAtTheEnd() {
    String cut = SlugRules.fromName("a".repeat(79) + " " + "b".repeat(50));
    assertThat(cut).isEqualTo("a".repeat(79));
    assertThat(SlugRules.fromName("x".repeat(300))).hasSize(SlugRules.MAX_FROM_NAME);
  }

  @Test
  void everySlugANameMakesIsWellFormed() {
    for (String name :
        List.of("Linen Shirt", "--", "茶碗", "a".repeat(500), "Ünïcödé — Ω 42", "-a-", "9")) {
      assertThat(SlugRules.isWellFormed(SlugRules.fromName(name))).as(name).isTrue();
    }
  }

  @Test
  void aSellersSlugMustBeLowerCaseLettersAndDigitsJoinedBySingleHyphens() {
    assertThat(SlugRules.problem("linen-shirt-2")).isEmpty();
    assertThat(SlugRules.problem("x".repeat(SlugRules.MAX_LENGTH))).isEmpty();
    for (String bad :
        List.of(
            "",
            "Linen",
            "linen shirt",
            "linen--shirt",
            "-linen",
            "linen-",
            "lïnen",
            "a/b",
            "x".repeat(SlugRules.MAX_LENGTH + 1))) {
      assertThat(SlugRules.problem(bad)).as(bad).contains(SlugRules.MALFORMED);
    }
    assertThat(SlugRules.isWellFormed(null)).isFalse();
  }

  @Test
  void aTakenSlugGetsTheFirstFreeNumber() {
    assertThat(SlugRules.firstFree("mug", List.of())).isEqualTo("mug");
    assertThat(SlugRules.firstFree("mug", List.of("mug-2", "mug-blue"))).isEqualTo("mug");
    assertThat(SlugRules.firstFree("mug", List.of("mug"))).isEqualTo("mug-2");
    assertThat(SlugRules.firstFree("mug", List.of("mug", "mug-2", "mug-4"))).isEqualTo("mug-3");
  }

  @Test
  void theRangeOfABaseHoldsItAndItsNumberedSlugsOnly() {
    String base = "mug";
    String bound = SlugRules.upperBound(base);
    for (String inside : List.of("mug", "mug-2", "mug-blue", "mug-99")) {
      assertThat(inside.compareTo(base) >= 0 && inside.compareTo(bound) < 0).as(inside).isTrue();
    }
    for (String outside : List.of("mug2", "mugs", "muf-2", "muh")) {
      assertThat(outside.compareTo(base) >= 0 && outside.compareTo(bound) < 0)
          .as(outside)
          .isFalse();
    }
  }
}
